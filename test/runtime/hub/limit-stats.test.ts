/**
 * `$SYS/t/{tenant}/stats` carries limit hits both per limit (`limitHits`) and per client
 * (`limitHitsByClient`: the clients with the most hits, each by limit), and the per-client
 * record stays bounded however many client ids hit limits.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PLAN_LIMITS } from "../../../domain/plans";
import { HubLimiter } from "../../../durable-objects/tenant-hub/limits";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup, type TenantFixture } from "../helpers";
import { bytes, connect, text } from "./mqtt-client";

const publish = (t: TenantFixture, device: string, id: number) => ({
  type: "publish" as const,
  topic: `t/${t.tenantId}/devices/${device}/cmd/${id}/response`,
  payload: bytes(`{"status":"ok"}`),
  qos: 1 as const,
  retain: false,
  dup: false,
  packetId: id,
});

describe("limit hits in $SYS stats", () => {
  it("names the clients that hit limits, with their hits per limit, beside the totals per limit", async () => {
    const t = await signup();
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${t.tenantId}`, { token: OPERATOR_TOKEN, body: { limits: { messagesPerSecondPerDevice: 1, burstSeconds: 1 } } }));
    const clients = [];
    for (const id of ["loud", "quiet"]) {
      const secret = (await createDevice(t.ownerToken, { id })).credentials.password as string;
      clients.push(await connect(t.tenantId, { clientId: id, username: id, password: secret }));
    }
    const [loud, quiet] = clients as [(typeof clients)[0], (typeof clients)[0]];
    // One message fits the burst; the rest are refused (acknowledged with 0x97, in order).
    for (let i = 1; i <= 4; i++) loud.send(publish(t, "loud", i));
    for (let i = 1; i <= 2; i++) quiet.send(publish(t, "quiet", i));
    const codes = async (c: typeof loud, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await c.next("puback")).reasonCode!);
      return out;
    };
    expect(await codes(loud, 4)).toEqual([0, 0x97, 0x97, 0x97]);
    expect(await codes(quiet, 2)).toEqual([0, 0x97]);

    const app = await connect(t.tenantId, { clientId: "ops", username: "api", password: t.ownerToken });
    app.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `$SYS/t/${t.tenantId}/stats`, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await app.next("suback");
    await runDurableObjectAlarm(env.TENANT_HUB.getByName(t.tenantId));
    const stats = JSON.parse(text((await app.next("publish", 12_000)).payload));
    expect(stats.limitHits).toEqual({ messagesPerSecondPerDevice: 4 });
    expect(stats.limitHitsByClient).toEqual([
      { clientId: "loud", total: 3, byLimit: { messagesPerSecondPerDevice: 3 } },
      { clientId: "quiet", total: 1, byLimit: { messagesPerSecondPerDevice: 1 } },
    ]);
    for (const c of [loud, quiet, app]) c.close();
  });

  it("keeps the busiest clients when thousands of client ids hit limits", () => {
    const limiter = new HubLimiter(PLAN_LIMITS.starter, Date.now(), { month: new Date().toISOString().slice(0, 7), count: 0 });
    limiter.hit("maxConnections", "busy");
    limiter.hit("maxSubscriptionsPerConnection", "busy");
    for (let i = 0; i < 5_000; i++) limiter.hit("maxConnections", `once-${i}`);
    limiter.hit("maxConnections", "busy");
    const top = limiter.topClients();
    expect(top[0]).toEqual({ clientId: "busy", total: 3, byLimit: { maxConnections: 2, maxSubscriptionsPerConnection: 1 } });
    expect(top).toHaveLength(10);
    expect(limiter.totals.get("maxConnections")).toBe(5_002);
    // Bounded: at most twice the room it keeps for the busiest.
    expect((limiter as unknown as { clientTotals: Map<string, unknown> }).clientTotals.size).toBeLessThanOrEqual(2_000);
  });
});
