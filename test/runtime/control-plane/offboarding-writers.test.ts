/**
 * No tenant row is written after the deletion certificate's final count. The objects that write
 * on their own schedule (the REST limiter's usage flush, the audit sampler's aggregates, the hub's
 * batched registry writes) are drained before the count and write nothing afterwards, even when
 * their alarms fire or someone keeps knocking on the deleted tenant's door.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup, unique } from "../helpers";
import { bytes, connect } from "../hub/mqtt-client";
import { registryCounts, waitForRun } from "./helpers";

const nonZero = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
const failedLogin = (tenantId: string) => api("POST", "/api/v1/auth/login", { body: { email: `${unique("nobody")}@example.com`, password: "not the password", tenant: tenantId } });

describe("offboarding and late writers", () => {
  it("drains the limiter, the audit sampler and the hub before the final count, and nothing writes afterwards", async () => {
    const t = await signup();
    // Pending in each writer: metered requests, an aggregated audit window, a connected device.
    for (let i = 0; i < 3; i++) await expectOk(api("GET", "/api/v1/tenant", { token: t.ownerToken }));
    for (let i = 0; i < 8; i++) expect((await failedLogin(t.tenantId)).status).toBe(401);
    const dev = await createDevice(t.ownerToken, { id: "late-1" });
    const c = await connect(t.tenantId, { clientId: "late-1", username: "late-1", password: dev.credentials.password });
    c.send({ type: "publish", topic: `t/${t.tenantId}/devices/late-1/heartbeat`, payload: bytes("{}"), qos: 1, retain: false, dup: false, packetId: 1 });
    await c.next("puback");

    await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/offboard`, { token: OPERATOR_TOKEN, body: { confirm: t.tenantId, downloadWindowHours: 0 } }), 202);
    expect((await waitForRun(t.tenantId, "offboarding")).status).toBe("complete");
    const { items } = await expectOk(api("GET", `/api/v1/admin/tenants/${t.tenantId}/deletion-certificates`, { token: OPERATOR_TOKEN }));
    const registry = items[0].claims.stores.registry;
    // Drained, not dropped: the pending usage and the audit aggregate were counted and deleted.
    expect(registry.beforeDeletion.usage).toBeGreaterThan(0);
    expect(nonZero(registry.afterDeletion)).toEqual({});
    expect(items[0].claims.writersStopped.map((w: { writer: string }) => w.writer)).toEqual(["api-limiter", "auth-audit-sampler", "hub", "telemetry-consumer", "dead-letter-consumer", "alarm-notifications"]);

    // Later: the writers' schedules come due, the old token and strangers keep trying.
    const limiter = env.API_LIMITER.getByName(t.tenantId);
    const sampler = env.AUTH_AUDIT_SAMPLER.getByName(t.tenantId);
    expect((await api("GET", "/api/v1/tenant", { token: t.ownerToken })).status).toBe(401);
    for (let i = 0; i < 8; i++) await failedLogin(t.tenantId);
    await limiter.take({ tenantId: t.tenantId, limit: 100 });
    await runDurableObjectAlarm(limiter);
    await limiter.flush();
    await runDurableObjectAlarm(sampler);
    await new Promise((r) => setTimeout(r, 1_500)); // past the hub's batched-write delay
    expect(nonZero(await registryCounts(t.tenantId))).toEqual({});
    const tomb = await expectOk(api("GET", `/api/v1/admin/tenants/${t.tenantId}`, { token: OPERATOR_TOKEN }));
    expect(tomb).toMatchObject({ status: "deleted", deviceCount: 0 });
  });
});
