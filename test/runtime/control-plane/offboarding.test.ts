/**
 * Offboarding end to end on a tenant with data in every store (registry, MQTT hub, telemetry
 * hot store, firmware in R2, audit log): the export is complete and verifiable, afterwards not a
 * row or object is left anywhere, the signed certificate's counts match, and the id stays taken.
 */
import { introspectWorkflowInstance } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyStatement } from "../../../domain/auth/tokens";
import { CERTIFICATE_TYPE } from "../../../domain/lifecycle/certificate";
import { sha256Hex } from "../../../domain/lifecycle/manifest";
import { offboardingInstanceId } from "../../../domain/lifecycle/params";
import { telemetryStore } from "../../../workers/telemetry/store-client";
import { richTenant, type RichTenant } from "../fixtures";
import { api, expectOk, memberWithRole, OPERATOR_TOKEN, signup } from "../helpers";
import { bytes, connect } from "../hub/mqtt-client";
import { DnsZone, serveDoh } from "./doh-responder";
import { registryCounts, untilStatus } from "./helpers";

const zone = new DnsZone();
let stopDoh: () => void;
beforeAll(() => {
  stopDoh = serveDoh(zone);
});
afterAll(() => stopDoh());

const hub = (id: string) => env.TENANT_HUB.getByName(id);
const r2Count = async (bucket: R2Bucket, prefix: string) => (await bucket.list({ prefix })).objects.length;
const nonZero = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

/** Puts data into every store the tenant has: a retained message and a session in the hub, firmware in R2, an active custom domain. */
async function fillStores(t: RichTenant) {
  const device = await expectOk(api("POST", "/api/v1/devices", { token: t.ownerToken, body: { id: "mqtt-dev" } }), 201);
  const seen = (await telemetryStore(env, { id: t.tenantId, region: "default" }).counts()).ledger ?? 0;
  const c = await connect(t.tenantId, { clientId: "mqtt-dev", username: "mqtt-dev", password: device.credentials.password, cleanStart: false, properties: { sessionExpiryInterval: 600 } });
  c.send({ type: "publish", topic: `t/${t.tenantId}/devices/mqtt-dev/attributes`, payload: bytes('{"fw":"1.0"}'), qos: 1, retain: true, dup: false, packetId: 1 });
  await c.next("puback");
  c.close();
  // Let the hub hand the message to the pipeline and the pipeline store it, so the inventory holds still.
  const deadline = Date.now() + 10_000;
  while (((await hub(t.tenantId).storageCounts(t.tenantId)).outbox ?? 0) > 0 || ((await telemetryStore(env, { id: t.tenantId, region: "default" }).counts()).ledger ?? 0) <= seen) {
    if (Date.now() > deadline) throw new Error("the pipeline did not take the attributes message");
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const name of ["fw/sensor-1.0.0.bin", "fw/sensor-1.1.0.bin"]) await env.FIRMWARE.put(`tenants/${t.tenantId}/${name}`, new Uint8Array([1, 2, 3, name.length]));
  const domain = await expectOk(api("GET", `/api/v1/domains/${t.domain}`, { token: t.ownerToken }));
  zone.cname(t.domain, "customers.localhost").txt(domain.dnsRecords[1].name, domain.dnsRecords[1].value);
  expect((await expectOk(api("POST", `/api/v1/domains/${t.domain}/verify`, { token: t.ownerToken }))).domain.status).toBe("active");
}

async function inventory(t: { tenantId: string; region?: string }) {
  return {
    registry: nonZero(await registryCounts(t.tenantId)),
    hub: nonZero((({ meta: _m, ...rest }) => rest)(await hub(t.tenantId).storageCounts(t.tenantId))),
    telemetry: nonZero(await telemetryStore(env, { id: t.tenantId, region: "default" }).counts()),
    firmware: await r2Count(env.FIRMWARE, `tenants/${t.tenantId}/`),
    archive: await r2Count(env.ARCHIVES, `exports/${t.tenantId}/`),
  };
}

describe("offboarding", () => {
  it("exports, deletes every store down to zero, signs a certificate whose counts match, and keeps the id", async () => {
    const t = await richTenant("off");
    const other = await richTenant("bystander");
    await fillStores(t);
    const before = await inventory(t);
    expect(Object.keys(before.registry)).toEqual(expect.arrayContaining(["devices", "device_profiles", "assets", "sensors", "memberships", "invitations", "api_keys", "domains", "dashboards", "usage", "audit_log", "dead_letters"]));
    expect(before.hub).toMatchObject({ sessions: 1 });
    expect(before.hub.retained).toBeGreaterThanOrEqual(1); // the device's attributes (and whatever else the hub retains for it)
    expect(before.telemetry.points).toBeGreaterThan(0);
    expect(before.firmware).toBe(2);
    const otherBefore = await inventory(other);

    await using instance = await introspectWorkflowInstance(env.TENANT_LIFECYCLE, offboardingInstanceId(t.tenantId));
    const started = await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/offboard`, { token: OPERATOR_TOKEN, body: { confirm: t.tenantId, downloadWindowHours: 0 } }), 202);
    expect(started.workflow.id).toBe(offboardingInstanceId(t.tenantId));
    // Asking again finds the same run instead of starting another.
    expect((await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/offboard`, { token: OPERATOR_TOKEN, body: { confirm: t.tenantId, downloadWindowHours: 0 } }), 202)).workflow.id).toBe(started.workflow.id);
    const exported = (await instance.waitForStepResult({ name: "export: registry" })) as { counts: Record<string, number> };
    const manifest = (await instance.waitForStepResult({ name: "write manifest" })) as { sha256: string; files: number };
    await instance.waitForStatus("complete");

    // Nothing left anywhere, for this tenant; the bystander is untouched.
    expect(await inventory(t)).toEqual({ registry: {}, hub: {}, telemetry: {}, firmware: 0, archive: 0 });
    expect(await inventory(other)).toEqual(otherBefore);
    const tomb = await expectOk(api("GET", `/api/v1/admin/tenants/${t.tenantId}`, { token: OPERATOR_TOKEN }));
    expect(tomb).toMatchObject({ status: "deleted", name: "(deleted)", branding: {}, deviceCount: 0 });
    expect(tomb.deletedAt).toBeGreaterThan(0);

    // The certificate: signed with the platform key, counts equal to what was there, zero after.
    const { items } = await expectOk(api("GET", `/api/v1/admin/tenants/${t.tenantId}/deletion-certificates`, { token: OPERATOR_TOKEN }));
    expect(items).toHaveLength(1);
    const cert = items[0];
    expect(cert.signatureValid).toBe(true);
    expect(await verifyStatement(env.JWT_SIGNING_KEY, CERTIFICATE_TYPE, cert.jws)).toMatchObject({ sub: t.tenantId });
    const claims = cert.claims;
    expect(claims.export).toEqual({ id: expect.stringMatching(/^exp-/), manifestSha256: manifest.sha256, files: manifest.files });
    expect(cert.manifestSha256).toBe(manifest.sha256);
    expect(nonZero(claims.stores.registry.exported)).toEqual(nonZero(exported.counts));
    expect(claims.stores.registry.beforeDeletion).toEqual(claims.stores.registry.exported); // frozen in between
    // The registry as it was, plus the offboarding's own audit entries (requested, started) and the
    // usage the REST limiter still held (drained before the export), exported and deleted too.
    const { audit_log: auditBefore, usage: usageBefore, ...restBefore } = before.registry;
    const { audit_log: auditExported, usage: usageExported, ...restExported } = nonZero(exported.counts);
    expect(restExported).toEqual(restBefore);
    expect(auditExported! - auditBefore!).toBeGreaterThanOrEqual(2);
    expect(usageExported!).toBeGreaterThanOrEqual(usageBefore!);
    expect(nonZero(claims.stores.hub.beforeDeletion)).toEqual(before.hub);
    expect(nonZero(claims.stores.telemetry.beforeDeletion)).toEqual(before.telemetry);
    expect(claims.stores.firmware.beforeDeletion).toEqual({ objects: 2 });
    expect(claims.stores.archive.beforeDeletion.objects).toBe(manifest.files + 1); // the files and the manifest
    for (const [store, s] of Object.entries(claims.stores as Record<string, { afterDeletion: Record<string, number> }>)) expect(nonZero(s.afterDeletion), store).toEqual({});
    expect(claims.notDeletable).toEqual([expect.objectContaining({ store: "analytics-engine", reason: expect.stringContaining("cannot be deleted") })]);
    expect(JSON.stringify(claims)).not.toContain(`Tenant ${t.tenantId}`); // no tenant data in the certificate

    // The tenant is gone from every door, and its id is not free again.
    expect((await api("GET", "/api/v1/tenant", { token: t.ownerToken })).status).toBe(401);
    expect((await api("GET", "/api/v1/branding", { host: `${t.tenantId}.localhost` })).status).toBe(404);
    expect((await api("GET", "/api/v1/branding", { host: t.domain })).status).toBe(404);
    const reuse = await api("POST", "/api/v1/auth/signup", { body: { email: "new@example.com", password: "correct horse battery", tenant: { id: t.tenantId, name: "Newcomer" } } });
    expect(reuse.status).toBe(409);
    expect((await api("POST", `/api/v1/admin/tenants/${t.tenantId}/offboard`, { token: OPERATOR_TOKEN, body: { confirm: t.tenantId } })).status).toBe(409);
  });

  it("lets the owner download a verifiable export during the download window, and only the owner", async () => {
    const t = await richTenant("dl");
    await fillStores(t);
    const admin = await memberWithRole(t, "ADMIN");
    const stranger = await signup();
    await using instance = await introspectWorkflowInstance(env.TENANT_LIFECYCLE, offboardingInstanceId(t.tenantId));
    const started = await expectOk(api("POST", "/api/v1/tenant/offboard", { token: t.ownerToken, body: { confirm: t.tenantId, downloadWindowHours: 24 } }), 202);
    expect(started.workflow.id).toBe(offboardingInstanceId(t.tenantId));
    await instance.waitForStepResult({ name: "write manifest" });

    // Frozen: the API refuses everything but the owner's export.
    const refused = await api("GET", "/api/v1/devices", { token: t.ownerToken });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("tenant_unavailable");
    const { items } = await expectOk(api("GET", "/api/v1/exports", { token: t.ownerToken }));
    expect(items).toHaveLength(1);
    const exportId = items[0].id;
    expect((await api("GET", `/api/v1/exports/${exportId}/manifest`, { token: admin.token })).status).toBe(403);
    expect((await api("GET", `/api/v1/exports/${exportId}/manifest`, { token: stranger.ownerToken })).status).toBe(404);

    const manifest = await expectOk(api("GET", `/api/v1/exports/${exportId}/manifest`, { token: t.ownerToken }));
    expect(manifest).toMatchObject({ format: "skylark-export/1", exportId, tenant: { id: t.tenantId } });
    const stores = new Set(manifest.files.map((f: { store: string }) => f.store));
    expect([...stores].sort()).toEqual(["firmware", "hub", "registry", "telemetry"]);
    const download = async (name: string) => {
      const res = await exports.default.fetch(`http://localhost/api/v1/exports/${exportId}/files/${name}`, { headers: { authorization: `Bearer ${t.ownerToken}` } });
      expect(res.status, name).toBe(200);
      return { bytes: new Uint8Array(await res.arrayBuffer()), sha256Header: res.headers.get("x-sha256") };
    };
    for (const file of manifest.files as { name: string; sha256: string; rows: number; bytes: number; contentType: string }[]) {
      const got = await download(file.name);
      expect(await sha256Hex(got.bytes), file.name).toBe(file.sha256);
      expect(got.sha256Header, file.name).toBe(file.sha256);
      expect(got.bytes.byteLength, file.name).toBe(file.bytes);
      if (file.contentType === "application/x-ndjson") expect(new TextDecoder().decode(got.bytes).split("\n").filter(Boolean), file.name).toHaveLength(file.rows);
    }
    // Rows match the registry's counts, and credential hashes are not in the archive.
    const devices = new TextDecoder().decode((await download("registry.devices.0001.ndjson")).bytes);
    expect(devices).toContain('"id":"mqtt-dev"');
    expect(devices).not.toContain("secret_hash");
    const total = (table: string) => (manifest.files as { table: string; rows: number }[]).filter((f) => f.table === table).reduce((n, f) => n + f.rows, 0);
    for (const [table, n] of Object.entries(manifest.counts.registry as Record<string, number>)) expect(total(table), table).toBe(n);
    for (const [table, n] of Object.entries(manifest.counts.hub as Record<string, number>)) expect(total(table), `hub.${table}`).toBe(n);
    expect(total("retained")).toBeGreaterThanOrEqual(1);
    expect(total("objects")).toBe(2);
    expect(total("points")).toBe(manifest.counts.telemetry.points);

    // The run now sleeps through the window; end it here (deletion is covered above).
    const run = await env.TENANT_LIFECYCLE.get(offboardingInstanceId(t.tenantId));
    await run.terminate();
    await untilStatus(run, "terminated");
  });
});
