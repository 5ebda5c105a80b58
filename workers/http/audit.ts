import type { Context } from "hono";
import { forTenant } from "../../domain/data/tenant-scope";
import { openRegistry } from "../../domain/data/db";
import type { AuditEvent } from "../../domain/data/repos/audit";
import type { AppEnv } from "./app-env";

type Event = Omit<AuditEvent, "requestId" | "ip" | "actorType" | "actorId"> & Partial<Pick<AuditEvent, "actorType" | "actorId">>;

function requestFacts(c: Context<AppEnv>) {
  return { requestId: c.get("requestId") ?? null, ip: c.req.header("cf-connecting-ip") ?? null };
}

/** Audits an action of the authenticated principal in its own tenant. */
export async function audit(c: Context<AppEnv>, event: Event): Promise<void> {
  const p = c.get("principal");
  await c.get("data").audit.record({ actorType: p.actorType, actorId: p.actorId, ...event, ...requestFacts(c) });
}

/** Audits into a tenant named by credentials that were not (or not fully) accepted. */
export async function auditInto(c: Context<AppEnv>, tenantId: string, event: Event & Pick<AuditEvent, "actorType">): Promise<void> {
  const tenant = await c.get("platform").tenants.find(tenantId);
  // Nothing to attach the event to; a deleted tenant's tombstone must not collect new rows.
  if (!tenant || tenant.status === "deleted") return;
  await forTenant(openRegistry(c.env.REGISTRY), tenantId).audit.record({ ...event, ...requestFacts(c) });
}
