/**
 * Offboarding: freeze the tenant (status `offboarding`: API and hub refuse it), export every
 * store to the archive with a manifest (once the objects that write tenant rows on their own
 * schedule have written what they hold and stopped), give the owner the download window, then
 * delete every store, verify by counting, sign a deletion certificate and leave a tombstone
 * (status `deleted`).
 * Counts before deletion are their own steps, so a retried purge cannot rewrite them.
 */
import { NonRetryableError } from "cloudflare:workflows";
import type { WorkflowStep } from "cloudflare:workers";
import { openRegistry } from "../../domain/data/db";
import { platformData } from "../../domain/data/platform";
import { forTenant } from "../../domain/data/tenant-scope";
import { deterministicSortableId } from "../../domain/ids";
import type { OffboardParams } from "../../domain/lifecycle/params";
import type { ExportFile } from "../../domain/lifecycle/manifest";
import { ArchiveWriter, putManifest } from "../control-plane/archive";
import { issueDeletionCertificate } from "../control-plane/certificates";
import { domainServices } from "../control-plane/domains";
import { hostDirectory } from "../control-plane/host-cache";
import { tenantStores, type StoreCounts } from "../control-plane/tenant-stores";
import { stopTenantWriters } from "../control-plane/tenant-writers";
import { tenantChanged } from "../http/hub-notify";
import { LIFECYCLE_STEP } from "./step-config";

const nonZero = (counts: StoreCounts) => Object.entries(counts).filter(([, n]) => n > 0);

export async function offboard(env: Env, p: OffboardParams, step: WorkflowStep, instanceId: string, startedAt: number) {
  const platform = platformData(openRegistry(env.REGISTRY));
  const data = forTenant(openRegistry(env.REGISTRY), p.tenantId);
  const run = <T extends Rpc.Serializable<T>>(name: string, fn: () => Promise<T>) => step.do(name, LIFECYCLE_STEP, fn);

  const begun = await run("begin offboarding", async () => {
    const current = await platform.tenants.get(p.tenantId);
    if (current.status === "deleted") throw new NonRetryableError(`tenant ${p.tenantId} is already deleted`);
    if (current.status === "provisioning") throw new NonRetryableError(`tenant ${p.tenantId} is still provisioning`);
    const tenant = current.status === "offboarding" ? current : await platform.lifecycle.transition(p.tenantId, ["active", "suspended"], "offboarding");
    if (!tenant) throw new Error(`tenant ${p.tenantId} changed status while offboarding began; retrying`);
    await tenantChanged(env, p.tenantId); // the hub closes every connection and refuses new ones
    await data.audit.recordOnce(await deterministicSortableId(startedAt, `${instanceId}:begin`), startedAt, {
      actorType: p.requestedBy.type,
      actorId: p.requestedBy.id,
      action: "tenant.offboarding_started",
      targetType: "tenant",
      targetId: p.tenantId,
      outcome: "success",
      details: { workflow: instanceId, downloadWindowHours: p.downloadWindowHours },
    });
    return {
      tenant: { id: tenant.id, name: tenant.name, region: tenant.region, plan: tenant.plan, createdAt: tenant.createdAt },
      exportId: `exp-${tenant.createdAt.toString(36)}`,
      requestedAt: Date.now(),
    };
  });

  // Before the export, so the export, the counts before deletion and the certificate see one
  // frozen registry, and nothing writes a tenant row after the final count.
  const writersStopped = await run("stop tenant writers", () => stopTenantWriters(env, begun.tenant));

  const stores = tenantStores(env, begun.tenant);
  const archive = new ArchiveWriter(env.ARCHIVES, p.tenantId, begun.exportId);
  const exported: Record<string, { counts: StoreCounts; files: ExportFile[] }> = {};
  for (const store of stores) {
    if (!store.export) continue;
    exported[store.name] = await run(`export: ${store.name}`, async () => ({ counts: await store.count(), files: await store.export!(archive) }));
  }

  const manifest = await run("write manifest", async () => {
    const files = Object.values(exported).flatMap((e) => e.files);
    const sha256 = await putManifest(env.ARCHIVES, {
      exportId: begun.exportId,
      tenant: begun.tenant,
      createdAt: begun.requestedAt,
      counts: Object.fromEntries(Object.entries(exported).map(([name, e]) => [name, e.counts])),
      files,
      notes: [
        "Credential hashes (device secrets, API keys, invitations) are not exported.",
        "Telemetry sent to Analytics Engine is not part of the export; it expires with the dataset's retention.",
        "Every hub table the counts name is exported as stored (binary columns as base64 under '<column>Base64'); the hub's 'meta' table is not: it only binds the hub to the tenant id and keeps the month's message count, which the registry's usage table holds.",
        "Telemetry points of devices deleted before offboarding are exported with the rest.",
      ],
    });
    return { sha256, files: files.length };
  });

  if (p.downloadWindowHours > 0) await step.sleep("download window", p.downloadWindowHours * 3_600_000);

  await run("release custom hostnames", async () => {
    const svc = domainServices(env);
    let released = 0;
    for (let cursor: string | undefined; ;) {
      const page = await data.domains.list({ limit: 200, ...(cursor ? { cursor } : {}) });
      for (const d of page.items) {
        if (d.providerId) await svc.provider.remove(d.providerId);
        hostDirectory.invalidate(d.hostname);
        released++;
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return { released };
  });

  const deletion: Record<string, { before: StoreCounts; after: StoreCounts }> = {};
  for (const store of stores) {
    const before = await run(`count before deletion: ${store.name}`, () => store.count());
    const after = await run(`purge: ${store.name}`, async () => {
      await store.purge();
      const left = await store.count();
      if (nonZero(left).length) throw new Error(`${store.name} still holds ${JSON.stringify(Object.fromEntries(nonZero(left)))}; purging again`);
      return left;
    });
    deletion[store.name] = { before, after };
  }

  await run("verify deletion", async () => {
    const remaining = (await Promise.all(stores.map(async (s) => nonZero(await s.count()).map(([table, n]) => `${s.name}.${table}=${n}`)))).flat();
    if (remaining.length) throw new Error(`data remains after purge: ${remaining.join(", ")}`);
    return { verified: true };
  });

  const certificate = await run("sign deletion certificate", () =>
    issueDeletionCertificate(env, {
      tenant: begun.tenant,
      requestedBy: p.requestedBy,
      requestedAt: begun.requestedAt,
      export: { id: begun.exportId, manifestSha256: manifest.sha256, files: manifest.files },
      writersStopped,
      stores: Object.fromEntries(stores.map((s) => [s.name, { exported: exported[s.name]?.counts ?? null, beforeDeletion: deletion[s.name]!.before, afterDeletion: deletion[s.name]!.after }])),
    }),
  );

  return run("tombstone", async () => {
    const tomb = await platform.lifecycle.tombstone(p.tenantId);
    return { tenantId: p.tenantId, status: tomb?.status ?? "deleted", certificateId: certificate.id, manifestSha256: manifest.sha256 };
  });
}
