/**
 * One message followed end to end in the runtime: a device publishes over MQTT into its
 * tenant's hub, the hub hands the envelope to the real Queue, the consumer stores or rejects it,
 * and GET /api/v1/telemetry/trace/:traceId shows each hop with its time.
 */
import { describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup } from "../helpers";
import { bytes, connect } from "../hub/mqtt-client";
import { deviceTelemetry, runDeadLetters, store as storeOf } from "../telemetry/helpers";
import { TRACE_HOPS_CAPACITY, TRACE_MAX_AGE_MS } from "../../../durable-objects/telemetry-store/traces";

type Trace = { traceId: string; outcome: string | null; hops: { hop: string; at: string; sincePreviousMs: number; sinceAcceptedMs: number | null; detail: string | null }[] };

async function traceOf(token: string, traceId: string, outcome: string): Promise<Trace> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await api<Trace>("GET", `/api/v1/telemetry/trace/${traceId}`, { token });
    if (r.status === 200 && r.body.outcome === outcome) return r.body;
    if (Date.now() > deadline) throw new Error(`trace ${traceId}: ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe("message traces", () => {
  it("follows a stored, a rejected and an untagged message through every hop, in order, and only in its own tenant", async () => {
    const t = await signup();
    await expectOk(api("POST", "/api/v1/device-profiles", { token: t.ownerToken, body: { id: "env", metrics: { temp: { type: "number", min: -40, max: 85 } } } }), 201);
    const device = await createDevice(t.ownerToken, { id: "therm", profileId: "env" });
    const topic = `t/${t.tenantId}/devices/therm/telemetry`;
    const before = Date.now();

    // MQTT v5: the publisher names its trace.
    const v5 = await connect(t.tenantId, { clientId: "therm", username: "therm", password: device.credentials.password });
    const publish = (packetId: number, temp: number, traceId?: string) =>
      v5.send({ type: "publish", topic, payload: bytes(JSON.stringify({ values: { temp } })), qos: 1, retain: false, dup: false, packetId, ...(traceId ? { properties: { userProperties: [["trace-id", traceId]] } } : {}) });
    publish(1, 21.5, "trace-ok-1");
    expect((await v5.next("puback")).reasonCode).toBe(0);
    publish(2, 999, "trace-bad-1");
    expect((await v5.next("puback")).reasonCode).toBe(0);

    const stored = await traceOf(t.ownerToken, "trace-ok-1", "stored");
    expect(stored.hops.map((h) => h.hop)).toEqual(["accepted", "enqueued", "consumed", "stored"]);
    const [accepted, , consumed, storedAt] = stored.hops.map((h) => Date.parse(h.at)) as [number, number, number, number];
    expect(accepted).toBeGreaterThanOrEqual(before - 1);
    const times = stored.hops.map((h) => Date.parse(h.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(stored.hops[3]!.sinceAcceptedMs).toBe(storedAt - accepted);
    expect(stored.hops[3]!.sincePreviousMs).toBe(storedAt - consumed);
    expect(stored.hops[3]!.detail).toBe("1 point");

    const rejected = await traceOf(t.ownerToken, "trace-bad-1", "rejected");
    expect(rejected.hops.map((h) => h.hop)).toEqual(["accepted", "enqueued", "consumed", "rejected"]);
    expect(rejected.hops[3]!.detail).toBe("out_of_range");

    // Without a trace-id the trace is the message id, which the rejected-messages log shows.
    publish(3, 1000);
    expect((await v5.next("puback")).reasonCode).toBe(0);
    const deadline = Date.now() + 10_000;
    let logged: { msgId: string; traceId: string | null }[] = [];
    while (logged.length < 2 && Date.now() < deadline) {
      logged = (await expectOk(api("GET", "/api/v1/telemetry/rejected", { token: t.ownerToken }))).items;
      if (logged.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    const msgIds = logged.map((i) => i.msgId);
    expect(msgIds).toHaveLength(2);
    // The rejected-messages log names each message's trace: the publisher's, or the message id.
    expect(logged.map((i) => (i.traceId === i.msgId ? "own" : i.traceId)).sort()).toEqual(["own", "trace-bad-1"]);
    // The tagged message is traced under its trace-id only; the untagged one under its message id.
    const byMsgId = await Promise.all(msgIds.map((id) => api("GET", `/api/v1/telemetry/trace/${id}`, { token: t.ownerToken })));
    expect(byMsgId.map((r) => r.status).sort()).toEqual([200, 404]);
    const untagged = byMsgId.find((r) => r.status === 200)!.body as Trace;
    expect(untagged.outcome).toBe("rejected");
    expect(untagged.hops.map((h) => h.hop)).toEqual(["accepted", "enqueued", "consumed", "rejected"]);
    expect(msgIds).toContain(untagged.traceId);
    v5.close();

    // Another tenant cannot read it; an unknown trace is a 404; a malformed id a 400 naming it.
    const other = await signup();
    expect((await api("GET", "/api/v1/telemetry/trace/trace-ok-1", { token: other.ownerToken })).status).toBe(404);
    expect((await api("GET", "/api/v1/telemetry/trace/no-such-trace", { token: t.ownerToken })).status).toBe(404);
    const bad = await api("GET", `/api/v1/telemetry/trace/${"x".repeat(65)}`, { token: t.ownerToken });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("traceId");
  });

  it("ends a message that exhausted its retries as dead-lettered", async () => {
    const t = await signup();
    const letter = deviceTelemetry(t.tenantId, "dev-1", { values: { temp: 1 } });
    await runDeadLetters([{ body: letter, attempts: 6 }]);
    const trace = await expectOk(api("GET", `/api/v1/telemetry/trace/${letter.traceId}`, { token: t.ownerToken }));
    expect(trace.outcome).toBe("dead_lettered");
    expect(trace.hops).toEqual([expect.objectContaining({ hop: "dead_lettered", detail: "after 6 attempts", sincePreviousMs: 0, sinceAcceptedMs: null })]);
  });

  it("keeps a bounded window: the newest hops up to its capacity, none older than a day", async () => {
    const t = await signup();
    const store = storeOf(t.tenantId);
    const now = Date.now();
    await store.recordTraceHops([{ traceId: "ancient", hop: "accepted", at: now - TRACE_MAX_AGE_MS - 1 }]);
    const total = TRACE_HOPS_CAPACITY + 2_000;
    for (let i = 0; i < total; i += 5_000) {
      await store.recordTraceHops(Array.from({ length: Math.min(5_000, total - i) }, (_, k) => ({ traceId: `m-${i + k}`, hop: "accepted" as const, at: now })));
    }
    expect(await store.trace("ancient")).toEqual([]);
    expect(await store.trace("m-0")).toEqual([]);
    expect(await store.trace(`m-${total - TRACE_HOPS_CAPACITY - 1}`)).toEqual([]);
    expect(await store.trace(`m-${total - TRACE_HOPS_CAPACITY}`)).toHaveLength(1);
    expect(await store.trace(`m-${total - 1}`)).toEqual([{ hop: "accepted", at: now, detail: null }]);
  }, 60_000);
});
