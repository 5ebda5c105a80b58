/**
 * The telemetry consumer over the real queue, Durable Object and D1 simulators: normalization,
 * rejections, attributes, usage, Analytics Engine budget and spill, retries with backoff.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { AE_LIMITS } from "../../../domain/telemetry/analytics-engine";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { deviceTelemetry, envelope, eventually, rawPoints, runBatch, store, testDeps, writtenReadings } from "./helpers";

let t: TenantFixture;
let tenant: string;

beforeAll(async () => {
  t = await signup();
  tenant = t.tenantId;
  const token = t.ownerToken;
  await expectOk(
    api("POST", "/api/v1/device-profiles", { token, body: { id: "env", metrics: { temp: { type: "number", unit: "C", min: -40, max: 85 }, hum: { type: "number", min: 0, max: 100 }, door: { type: "boolean" }, mode: { type: "string" } } } }),
    201,
  );
  await createDevice(token, { id: "d1", profileId: "env" });
  await createDevice(token, { id: "free-1" });
  await createDevice(token, { id: "gw", type: "gateway" });
  await createDevice(token, { id: "child-1", parentId: "gw", profileId: "env" });
  await createDevice(token, { id: "orphan" });
  await createDevice(token, { id: "off", profileId: "env" });
  await expectOk(api("PATCH", "/api/v1/devices/off", { token, body: { disabled: true } }));
  await expectOk(api("POST", "/api/v1/assets", { token, body: { id: "truck-1", type: "truck" } }), 201);
  await expectOk(api("POST", "/api/v1/assets/truck-1/sensors", { token, body: { id: "temp-1", type: "temperature", unit: "C", min: -30, max: 60, deviceId: "d1" } }), 201);
  await expectOk(api("POST", "/api/v1/assets/truck-1/sensors", { token, body: { id: "any-1", type: "humidity" } }), 201);
});

describe("telemetry consumer", () => {
  it("stores every payload form as normalized points and acks the batch", async () => {
    const now = Date.now();
    const run = await runBatch([
      deviceTelemetry(tenant, "d1", { ts: now - 1000, values: { temp: 21.5, hum: 40 } }),
      deviceTelemetry(tenant, "d1", [
        { ts: now - 3000, values: { temp: 20 } },
        { ts: now - 2000, values: { temp: { value: 20.5, unit: "C" } } },
      ]),
      deviceTelemetry(tenant, "free-1", { anything: 1, label: "x", on: true }),
      envelope(tenant, { kind: "gateway", gateway: "gw", channel: "telemetry" }, { devices: { "child-1": [{ ts: now - 500, values: { temp: 30 } }] } }),
      envelope(tenant, { kind: "sensor", asset: "truck-1", sensor: "temp-1", device: "d1" }, { value: 4.5 }),
    ]);
    expect(run.result.retryMessages).toEqual([]);
    expect(run.result.explicitAcks).toHaveLength(5);
    expect((await rawPoints(tenant, "d1", "temp")).map((p) => p.value)).toEqual([20, 20.5, 21.5]);
    expect((await rawPoints(tenant, "free-1", "label")).map((p) => p.value)).toEqual(["x"]);
    expect((await rawPoints(tenant, "free-1", "on")).map((p) => p.value)).toEqual([true]);
    expect((await rawPoints(tenant, "child-1", "temp")).map((p) => p.value)).toEqual([30]);
    expect((await rawPoints(tenant, "d1", "truck-1/temp-1")).map((p) => p.value)).toEqual([4.5]);
    // Analytics Engine gets the same points, indexed by tenant, packed per series and minute.
    expect(writtenReadings(run.written)).toHaveLength(9);
    expect(run.written.length).toBeLessThan(9);
    expect(new Set(run.written.map((p) => p.indexes[0]))).toEqual(new Set([tenant]));
    const latest = await store(tenant).latest("d1", []);
    expect(latest.values.temp).toEqual({ ts: now - 1000, value: 21.5 });
  });

  it("stores a heartbeat's vitals whatever the profile's metric schema lists (the health policy judges them)", async () => {
    const run = await runBatch([envelope(tenant, { kind: "device", device: "d1", channel: "heartbeat" }, { battery: 81, rssi: -67 })]);
    expect(run.summary.tenants[tenant]!.rejected ?? 0).toBe(0);
    expect((await rawPoints(tenant, "d1", "battery")).map((p) => p.value)).toEqual([81]);
    // The same numbers as telemetry are held to the profile (d1's lists temp and hum only).
    const telemetry = await runBatch([deviceTelemetry(tenant, "d1", { battery: 81 })]);
    expect(telemetry.summary.tenants[tenant]!.rejected).toBe(1);
  });

  it("rejects bad messages with a reason, stores none of their points, and logs them", async () => {
    const now = Date.now();
    const cases: [string, ReturnType<typeof envelope>][] = [
      ["invalid_json", deviceTelemetry(tenant, "d1", "{nope")],
      ["invalid_payload", deviceTelemetry(tenant, "d1", { values: { temp: [1, 2] } })],
      ["invalid_timestamp", deviceTelemetry(tenant, "d1", { ts: 1_700_000_000, values: { temp: 1 } })],
      ["future_timestamp", deviceTelemetry(tenant, "d1", { ts: now + 3_600_000, values: { temp: 1 } })],
      ["metric_not_allowed", deviceTelemetry(tenant, "d1", { values: { pressure: 1013 } })],
      ["wrong_type", deviceTelemetry(tenant, "d1", { values: { door: "open" } })],
      ["unit_mismatch", deviceTelemetry(tenant, "d1", { values: { temp: { value: 70, unit: "F" } } })],
      ["out_of_range", deviceTelemetry(tenant, "d1", { values: { temp: 21, hum: 140 } })],
      ["unknown_device", deviceTelemetry(tenant, "ghost", { values: { temp: 1 } })],
      ["device_disabled", deviceTelemetry(tenant, "off", { values: { temp: 1 } })],
      ["not_gateway_child", envelope(tenant, { kind: "gateway", gateway: "gw", channel: "telemetry" }, { devices: { "child-1": { temp: 1 }, orphan: { temp: 2 } } })],
      ["unknown_sensor", envelope(tenant, { kind: "sensor", asset: "truck-1", sensor: "nope", device: "d1" }, { value: 1 })],
      ["sensor_device_mismatch", envelope(tenant, { kind: "sensor", asset: "truck-1", sensor: "temp-1", device: "free-1" }, { value: 1 })],
      [
        "too_many_points",
        deviceTelemetry(
          tenant,
          "free-1",
          Array.from({ length: 2501 }, (_, i) => ({ a: i, b: i })),
        ),
      ],
    ];
    const run = await runBatch([...cases.map(([, e]) => e), { body: { v: 1, tenant, msgId: "x" } }]);
    expect(run.result.retryMessages).toEqual([]);
    expect(run.summary.tenants[tenant]!.rejected).toBe(cases.length + 1);
    expect(run.written).toEqual([]);
    // The out_of_range message had a valid temp: the message is rejected as a whole.
    expect((await rawPoints(tenant, "d1", "hum")).every((p) => p.value !== 140)).toBe(true);
    const log = await store(tenant).rejected({ limit: 50 });
    const reasons = new Map(log.items.map((r) => [r.msgId, r.reason]));
    for (const [reason, e] of cases) expect(reasons.get(e.msgId), reason).toBe(reason);
    expect(log.items.some((r) => r.reason === "malformed_envelope")).toBe(true);
    const ghost = log.items.find((r) => r.reason === "unknown_device")!;
    expect(ghost.device).toBe("ghost");
    expect(ghost.topic).toBe(`t/${tenant}/devices/ghost/telemetry`);
    expect(ghost.payloadExcerpt).toContain("temp");
    const usage = await expectOk(api("GET", "/api/v1/usage", { token: t.ownerToken }));
    expect(usage.rejectedByReason.out_of_range).toBeGreaterThanOrEqual(1);
    expect(usage.rejectedByReason.malformed_envelope).toBeGreaterThanOrEqual(1);
  });

  it("merges reported attributes into client attributes (gateway children too)", async () => {
    await runBatch([
      envelope(tenant, { kind: "device", device: "d1", channel: "attributes" }, { firmware: "1.2.0", mode: "eco", old: 1 }),
      envelope(tenant, { kind: "device", device: "d1", channel: "attributes" }, { mode: "boost", old: null }),
      envelope(tenant, { kind: "gateway", gateway: "gw", channel: "attributes" }, { devices: { "child-1": { battery: 88 } } }),
    ]);
    const d1 = await expectOk(api("GET", "/api/v1/devices/d1", { token: t.ownerToken }));
    expect(d1.clientAttributes).toEqual({ firmware: "1.2.0", mode: "boost" });
    const child = await expectOk(api("GET", "/api/v1/devices/child-1", { token: t.ownerToken }));
    expect(child.clientAttributes).toEqual({ battery: 88 });
  });

  it("meters messages, bytes, points and rejections with one usage write per tenant per batch", async () => {
    const before = await expectOk(api("GET", "/api/v1/usage", { token: t.ownerToken }));
    const ok = deviceTelemetry(tenant, "d1", { values: { temp: 1, hum: 2 } });
    const bad = deviceTelemetry(tenant, "d1", { values: { temp: 999 } });
    const event = envelope(tenant, { kind: "device", device: "d1", channel: "events" }, { type: "door_open" });
    await runBatch([ok, bad, event]);
    const after = await expectOk(api("GET", "/api/v1/usage", { token: t.ownerToken }));
    expect(after.messagesReceived - before.messagesReceived).toBe(3);
    expect(after.bytesIngested - before.bytesIngested).toBe(ok.bytes + bad.bytes + event.bytes);
    expect(after.dataPointsStored - before.dataPointsStored).toBe(2);
    expect(after.rejectedMessages - before.rejectedMessages).toBe(1);
    expect(after.devicesRegistered).toBe(6);
    expect(after.hotStoreBytes).toBeGreaterThan(0);
  });

  it("keeps within the Analytics Engine budget and enqueues the rest as spill messages", async () => {
    // 300 readings a minute apart: 300 data points, over one invocation's 250.
    const base = Date.now() - 400 * 60_000;
    const readings = Array.from({ length: 300 }, (_, i) => ({ ts: base + i * 60_000, values: { n: i } }));
    // The real queue, watched: what the consumer enqueues is recorded on its way in.
    const sent: unknown[] = [];
    const real = env.TELEMETRY_QUEUE;
    const spillQueue = {
      send: (body: unknown, options?: QueueSendOptions) => (sent.push(body), real.send(body, options)),
      sendBatch: (msgs: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
        const list = [...msgs];
        sent.push(...list.map((m) => m.body));
        return real.sendBatch(list, options);
      },
    } as Queue;
    const run = await runBatch([deviceTelemetry(tenant, "free-1", readings)], testDeps({ spillQueue }));
    expect(run.written).toHaveLength(AE_LIMITS.dataPointsPerInvocation);
    expect(sent).toHaveLength(1);
    expect((sent[0] as { points: unknown[] }).points).toHaveLength(50);
    // The spill is itself a queue message: the next invocation writes it.
    const next = await runBatch([{ body: sent[0] }]);
    expect(next.result.explicitAcks).toHaveLength(1);
    expect(writtenReadings(next.written).map((r) => r.value)).toEqual(Array.from({ length: 50 }, (_, i) => 250 + i));
    // All 300 are in the hot store at once, whatever AE's budget.
    expect(await rawPoints(tenant, "free-1", "n")).toHaveLength(300);
  });

  it("retries a failing tenant with exponential backoff and leaves other tenants alone", async () => {
    const other = await signup();
    await createDevice(other.ownerToken, { id: "d1" });
    const failing = testDeps();
    const real = failing.store;
    failing.store = (who) => (who.id === tenant ? { ...real(who), ingest: async () => Promise.reject(new Error("hot store unavailable")) } : real(who));
    const mine = deviceTelemetry(tenant, "d1", { values: { temp: 11 } });
    const theirs = deviceTelemetry(other.tenantId, "d1", { values: { x: 5 } });
    const run = await runBatch(
      [
        { id: "a1", body: mine, attempts: 1 },
        { id: "a3", body: { ...mine, msgId: `${mine.msgId}-b` }, attempts: 3 },
        { id: "b1", body: theirs },
      ],
      failing,
    );
    expect(run.result.retryMessages).toEqual([{ msgId: "a1" }, { msgId: "a3" }]);
    expect(run.retryDelays).toEqual({ a1: 10, a3: 40 });
    expect(run.result.explicitAcks).toEqual(["b1"]);
    expect(run.summary.failedTenants).toEqual([tenant]);
    expect((await rawPoints(other.tenantId, "d1", "x")).map((p) => p.value)).toEqual([5]);
  });

  it("delivers through the real queue into the hot store", async () => {
    const e = deviceTelemetry(tenant, "free-1", { values: { via_queue: 42 } });
    await env.TELEMETRY_QUEUE.send(e, { contentType: "json" });
    const points = await eventually(async () => {
      const p = await rawPoints(tenant, "free-1", "via_queue");
      return p.length ? p : null;
    });
    expect(points.map((p) => p.value)).toEqual([42]);
  });
});
