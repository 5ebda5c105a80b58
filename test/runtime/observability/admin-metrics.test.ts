/**
 * The operator's metrics with two tenants, one noisy: the noisy one publishes fast (and keeps
 * trying a topic its ACL refuses) while the operator's request watches; it comes first by
 * messages and by errors, and the quiet one (more connections, no traffic) first by connections.
 */
import { describe, expect, it } from "vitest";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup } from "../helpers";
import { bytes, connect, type TestClient } from "../hub/mqtt-client";

type Item = { tenant: { id: string }; hub: { connectedClients: number; messagesInPerSecond: number; deniedPerSecond: number } | null; pipeline: { deadLetters: number }; degraded: string[] };
type Metrics = { windowMs: number; sort: string; items: Item[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function device(tenant: { tenantId: string; ownerToken: string }, id: string): Promise<TestClient> {
  const d = await createDevice(tenant.ownerToken, { id });
  return connect(tenant.tenantId, { clientId: id, username: id, password: d.credentials.password });
}

/** Asks for the metrics while `noisy` publishes as fast as it can (half of it refused by the ACL). */
async function metricsDuring(query: string, noisy: TestClient, tenantId: string): Promise<Metrics> {
  const request = expectOk<Metrics>(api("GET", `/api/v1/admin/metrics?${query}`, { token: OPERATOR_TOKEN }));
  let done = false;
  void request.finally(() => (done = true));
  for (let n = 0; !done; n++) {
    noisy.send({ type: "publish", topic: `t/${tenantId}/devices/loud/telemetry`, payload: bytes(JSON.stringify({ values: { n } })), qos: 0, retain: false, dup: false });
    noisy.send({ type: "publish", topic: `t/${tenantId}/devices/someone-else/telemetry`, payload: bytes("{}"), qos: 0, retain: false, dup: false });
    await sleep(5);
  }
  return request;
}

describe("operator metrics", () => {
  it("lists each tenant's connections and rates, the noisy tenant first", async () => {
    const noisyTenant = await signup();
    // Room to be noisy without being thrown out: this test measures rates, not the limiter.
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${noisyTenant.tenantId}`, { token: OPERATOR_TOKEN, body: { limits: { messagesPerSecondPerDevice: 5_000, apiRequestsPerMinute: 1_000_000 } } }));
    const quietTenant = await signup();
    const noisy = await device(noisyTenant, "loud");
    const quiet = [await device(quietTenant, "calm-1"), await device(quietTenant, "calm-2")];

    const byMessages = await metricsDuring("windowMs=800&sort=messages", noisy, noisyTenant.tenantId);
    expect(byMessages).toMatchObject({ windowMs: 800, sort: "messages" });
    const ours = (m: Metrics) => m.items.filter((i) => i.tenant.id === noisyTenant.tenantId || i.tenant.id === quietTenant.tenantId);
    const [first, second] = ours(byMessages);
    expect(first!.tenant.id).toBe(noisyTenant.tenantId);
    expect(first!.hub!.messagesInPerSecond).toBeGreaterThan(10);
    expect(first!.hub!.connectedClients).toBe(1);
    expect(second!.tenant.id).toBe(quietTenant.tenantId);
    expect(second!.hub).toMatchObject({ connectedClients: 2, messagesInPerSecond: 0, deniedPerSecond: 0 });
    expect(second!.degraded).toEqual([]);

    const byErrors = ours(await metricsDuring("windowMs=500&sort=errors", noisy, noisyTenant.tenantId));
    expect(byErrors[0]!.tenant.id).toBe(noisyTenant.tenantId);
    expect(byErrors[0]!.hub!.deniedPerSecond).toBeGreaterThan(0);

    const byConnections = ours(await expectOk<Metrics>(api("GET", "/api/v1/admin/metrics?windowMs=200&sort=connections", { token: OPERATOR_TOKEN })));
    expect(byConnections.map((i) => i.tenant.id)).toEqual([quietTenant.tenantId, noisyTenant.tenantId]);

    noisy.close();
    quiet.forEach((q) => q.close());
  });

  it("is the operator's only, and names a bad parameter", async () => {
    const t = await signup();
    expect((await api("GET", "/api/v1/admin/metrics", { token: t.ownerToken })).status).toBe(401);
    const bad = await api("GET", "/api/v1/admin/metrics?windowMs=60000", { token: OPERATOR_TOKEN });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("windowMs");
  });
});
