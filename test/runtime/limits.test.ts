/**
 * Plan limits trip at the documented numbers (not before), with the right reason codes per MQTT
 * version and the right headers on REST; overrides apply; one tenant at its limit does not block
 * another.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openRegistry } from "../../domain/data/db";
import { forTenant } from "../../domain/data/tenant-scope";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup, type TenantFixture } from "./helpers";
import { bytes, connect, openSocket } from "./hub/mqtt-client";

async function tenantWithLimits(limits: Record<string, number>) {
  const t = await signup();
  await expectOk(api("PATCH", `/api/v1/admin/tenants/${t.tenantId}`, { token: OPERATOR_TOKEN, body: { limits } }));
  return t;
}

async function deviceOf(t: TenantFixture, id: string) {
  return (await createDevice(t.ownerToken, { id })).credentials.password as string;
}

const publish = (t: TenantFixture, device: string, i: number, qos: 0 | 1 = 1) => ({
  type: "publish" as const,
  topic: `t/${t.tenantId}/devices/${device}/telemetry`,
  payload: bytes(`{"values":{"n":${i}}}`),
  qos,
  retain: false,
  dup: false,
  ...(qos ? { packetId: i + 1 } : {}),
});

describe("MQTT rate limits", () => {
  it("refuses the message after the device's burst with PUBACK 0x97 (v5), naming the limit, and counts the hit", async () => {
    const t = await tenantWithLimits({ messagesPerSecondPerDevice: 5, burstSeconds: 1 });
    const dev = await connect(t.tenantId, { clientId: "fast", username: "fast", password: await deviceOf(t, "fast") });
    const codes: number[] = [];
    // Sent back to back, as a device flushing a backlog would (acks come back in order).
    for (let i = 0; i < 7; i++) dev.send(publish(t, "fast", i));
    for (let i = 0; i < 7; i++) {
      const ack = await dev.next("puback");
      codes.push(ack.reasonCode!);
      if (ack.reasonCode) expect(ack.properties?.reasonString).toContain("messagesPerSecondPerDevice");
    }
    // Exactly the burst (5 × 1 s) is accepted: the limit trips at the documented number, not before.
    expect(codes).toEqual([0, 0, 0, 0, 0, 0x97, 0x97]);
    const stats = await env.TENANT_HUB.getByName(t.tenantId).stats(t.tenantId);
    expect(stats.dropped).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 1300));
    const usage = await expectOk(api("GET", "/api/v1/audit?action=limit.hit", { token: t.ownerToken }));
    expect(usage.items[0]).toMatchObject({ targetId: "messagesPerSecondPerDevice", outcome: "denied" });
    expect(usage.items[0].details.topClients).toEqual({ fast: 2 });
    dev.close();
  });

  it("closes a 3.1.1 client over the limit without acknowledging (it will redeliver), and drops QoS 0", async () => {
    const t = await tenantWithLimits({ messagesPerSecondPerDevice: 2, burstSeconds: 1 });
    const secret = await deviceOf(t, "v3dev");
    const q0 = await connect(t.tenantId, { clientId: "v3dev", username: "v3dev", password: secret, level: 4 });
    for (let i = 0; i < 4; i++) q0.send(publish(t, "v3dev", i, 0));
    q0.send({ type: "pingreq" });
    await q0.next("pingresp"); // still connected: QoS 0 over the limit is dropped, not fatal
    q0.close();
    const t2 = await tenantWithLimits({ messagesPerSecondPerDevice: 2, burstSeconds: 1 });
    const secret2 = await deviceOf(t2, "v3dev");
    const q1 = await connect(t2.tenantId, { clientId: "v3dev", username: "v3dev", password: secret2, level: 4 });
    for (let i = 0; i < 2; i++) {
      q1.send(publish(t2, "v3dev", i, 1));
      await q1.next("puback");
    }
    q1.send(publish(t2, "v3dev", 2, 1));
    await q1.waitClosed();
    expect(q1.received.filter((p) => p.type === "puback")).toEqual([]);
    // Reconnecting at once does not put it straight back over the limit: it cools down first (3: server unavailable, retry later).
    await expect(connect(t2.tenantId, { clientId: "v3dev", username: "v3dev", password: secret2, level: 4 })).rejects.toThrow(/^CONNACK 3:/);
  });

  it("disconnects a persistent abuser with 0x96", async () => {
    const t = await tenantWithLimits({ messagesPerSecondPerDevice: 1, burstSeconds: 1 });
    const dev = await connect(t.tenantId, { clientId: "abuser", username: "abuser", password: await deviceOf(t, "abuser") });
    for (let i = 0; i < 150; i++) dev.send(publish(t, "abuser", i % 60000, 0));
    expect((await dev.next("disconnect", 5000)).reasonCode).toBe(0x96);
  });

  it("enforces the tenant-wide rate across devices, and the monthly quota with 0x97", async () => {
    // Even shares: nobody is above the fair share (4 / 2 devices), so the tenant's whole burst is used.
    const t = await tenantWithLimits({ messagesPerSecond: 4, burstSeconds: 1 });
    const [a, b] = [await deviceOf(t, "a"), await deviceOf(t, "b")];
    const da = await connect(t.tenantId, { clientId: "a", username: "a", password: a });
    const db = await connect(t.tenantId, { clientId: "b", username: "b", password: b });
    const codes: number[] = [];
    // Command responses are acknowledged at once (telemetry waits ~100 ms for the queue hand-off,
    // which would let the bucket refill between messages).
    for (let i = 0; i < 5; i++) {
      const dev = i % 2 ? db : da;
      dev.send({ ...publish(t, i % 2 ? "b" : "a", i), topic: `t/${t.tenantId}/devices/${i % 2 ? "b" : "a"}/cmd/${i}/response` });
      codes.push((await dev.next("puback")).reasonCode!);
    }
    expect(codes).toEqual([0, 0, 0, 0, 0x97]);
    const q = await tenantWithLimits({ monthlyMessageQuota: 2 });
    const dq = await connect(q.tenantId, { clientId: "q", username: "q", password: await deviceOf(q, "q") });
    const quota: number[] = [];
    for (let i = 0; i < 3; i++) {
      dq.send(publish(q, "q", i));
      const ack = await dq.next("puback");
      quota.push(ack.reasonCode!);
      if (ack.reasonCode) expect(ack.properties?.reasonString).toContain("monthly message quota");
    }
    expect(quota).toEqual([0, 0, 0x97]);
  });

  it("meters a backlog array as data points", async () => {
    const t = await tenantWithLimits({ dataPointsPerSecond: 10, burstSeconds: 1 });
    const dev = await connect(t.tenantId, { clientId: "backlog", username: "backlog", password: await deviceOf(t, "backlog") });
    const batch = (n: number, id: number) => ({
      type: "publish" as const,
      topic: `t/${t.tenantId}/devices/backlog/telemetry`,
      payload: bytes(JSON.stringify(Array.from({ length: n }, (_, i) => ({ values: { i } })))),
      qos: 1 as const,
      retain: false,
      dup: false,
      packetId: id,
    });
    dev.send(batch(8, 1));
    expect((await dev.next("puback")).reasonCode).toBe(0);
    dev.send(batch(8, 2)); // 16 points > 10: refused with a reason, so the device retries later
    expect((await dev.next("puback")).reasonCode).toBe(0x97);
  });

  it("refuses connections over the plan's limit with CONNACK 0x97 (v3: 3)", async () => {
    const t = await tenantWithLimits({ maxConnections: 1 });
    const first = await connect(t.tenantId, { clientId: "one", username: "api", password: t.ownerToken });
    for (const level of [5, 4] as const) {
      const c = await openSocket(t.tenantId, level);
      c.send({ type: "connect", protocolLevel: level, clientId: `two-${level}`, keepAlive: 30, cleanStart: true, username: "api", password: bytes(t.ownerToken) });
      expect((await c.next("connack")).reasonCode).toBe(level === 5 ? 0x97 : 3);
    }
    first.close();
  });

  it("one tenant at its limit does not block another tenant's publishes", async () => {
    const noisy = await tenantWithLimits({ messagesPerSecondPerDevice: 1, messagesPerSecond: 1, burstSeconds: 1 });
    const quiet = await signup();
    const n = await connect(noisy.tenantId, { clientId: "n", username: "n", password: await deviceOf(noisy, "n") });
    const q = await connect(quiet.tenantId, { clientId: "q", username: "q", password: await deviceOf(quiet, "q") });
    for (let i = 0; i < 20; i++) n.send(publish(noisy, "n", i, 0));
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) {
      q.send(publish(quiet, "q", i));
      codes.push((await q.next("puback")).reasonCode!);
    }
    expect(codes.every((c) => c === 0)).toBe(true);
    n.close();
    q.close();
  });
});

describe("REST rate limit", () => {
  it("answers 429 problem+json with Retry-After and RateLimit headers after the plan's requests per minute", async () => {
    const t = await tenantWithLimits({ apiRequestsPerMinute: 5 });
    const other = await signup();
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await api("GET", "/api/v1/devices", { token: t.ownerToken });
      expect(r.status).toBe(200);
      remaining.push(r.headers.get("ratelimit-remaining")!);
      expect(r.headers.get("ratelimit-policy")).toBe('"tenant";q=5;w=60');
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);
    const limited = await api("GET", "/api/v1/devices", { token: t.ownerToken });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("ratelimit")).toMatch(/^"tenant";r=0;t=\d+$/);
    expect(limited.body).toMatchObject({ code: "rate_limited", limit: "apiRequestsPerMinute", max: 5, window: "60s" });
    // Another tenant is not affected.
    expect((await api("GET", "/api/v1/devices", { token: other.ownerToken })).status).toBe(200);
    // Requests and hits are metered into usage.
    await env.API_LIMITER.getByName(t.tenantId).flush();
    const usage = await forTenant(openRegistry(env.REGISTRY), t.tenantId).usage.month(new Date().toISOString().slice(0, 7));
    expect(usage.api_requests).toBeGreaterThanOrEqual(5);
    expect(usage["limit_hits.apiRequestsPerMinute"]).toBe(1);
  });
});
