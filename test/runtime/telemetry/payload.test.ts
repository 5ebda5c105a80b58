/** Payload formats and registry checks, as pure functions (no storage). */
import { describe, expect, it } from "vitest";
import { normalize, registryNeeds, type DeviceFacts, type RegistryView } from "../../../domain/telemetry/normalize";
import { parsePayload } from "../../../domain/telemetry/payload";
import { deviceTwin, twinDelta } from "../../../domain/telemetry/twin";
import { envelope } from "./helpers";

const NOW = Date.UTC(2026, 10, 23, 12);
const device = (id: string, over: Partial<DeviceFacts> = {}): DeviceFacts => ({ id, type: "device", parentId: null, disabled: false, metrics: null, ...over });
const registry: RegistryView = {
  device: (id) => ({ d1: device("d1", { metrics: { temp: { type: "number", unit: "C", min: -40, max: 85 }, label: { type: "string" } } }), gw: device("gw", { type: "gateway" }), c1: device("c1", { parentId: "gw" }) })[id] ?? null,
  sensor: (asset, sensor) => (asset === "a1" && sensor === "s1" ? { assetId: "a1", id: "s1", deviceId: null, unit: "%", min: 0, max: 100 } : null),
};
const run = (source: Parameters<typeof envelope>[1], payload: unknown) => {
  const e = envelope("acme", source, payload, { receivedAt: NOW, msgId: "m1" });
  const parsed = parsePayload(e);
  return parsed.kind === "rejected" ? parsed : normalize(e, parsed, registry);
};
const dev = (channel: "telemetry" | "attributes" | "events" = "telemetry") => ({ kind: "device" as const, device: "d1", channel });

describe("payload normalization", () => {
  it("accepts structured, flat and array readings, with optional ts and units", () => {
    const structured = run(dev(), { ts: NOW - 5, values: { temp: 21 } });
    expect(structured).toMatchObject({ kind: "points", points: [{ device: "d1", metric: "temp", ts: NOW - 5, value: 21, unit: "C", msgId: "m1", seq: 0 }] });
    const flat = run(dev(), { temp: { value: 22, unit: "C" }, label: "ok" });
    expect(flat).toMatchObject({
      kind: "points",
      points: [
        { ts: NOW, value: 22 },
        { metric: "label", value: "ok", seq: 1 },
      ],
    });
    const backlog = run(dev(), [
      { ts: NOW - 2000, temp: 1 },
      { ts: NOW - 1000, values: { temp: 2 } },
    ]);
    expect(backlog.kind === "points" && backlog.points.map((p) => [p.ts, p.value, p.seq])).toEqual([
      [NOW - 2000, 1, 0],
      [NOW - 1000, 2, 1],
    ]);
  });

  it("takes gateway readings for registered children and the sensor form", () => {
    const gw = run({ kind: "gateway", gateway: "gw", channel: "telemetry" }, { devices: { c1: [{ ts: NOW - 1, values: { rssi: -70 } }, { rssi: -71 }] } });
    expect(gw.kind === "points" && gw.points.map((p) => `${p.device}.${p.metric}=${p.value}`)).toEqual(["c1.rssi=-70", "c1.rssi=-71"]);
    const sensor = run({ kind: "sensor", asset: "a1", sensor: "s1", device: "d1" }, [{ value: 40 }, { value: 41, unit: "%" }]);
    expect(sensor.kind === "points" && sensor.points.map((p) => [p.metric, p.value, p.unit])).toEqual([
      ["a1/s1", 40, "%"],
      ["a1/s1", 41, "%"],
    ]);
    expect(run({ kind: "sensor", asset: "a1", sensor: "s1", device: "d1" }, { value: 140 })).toMatchObject({ reason: "out_of_range" });
    expect(run({ kind: "sensor", asset: "a1", sensor: "s1", device: "d1" }, { value: "high" })).toMatchObject({ reason: "wrong_type" });
    expect(run({ kind: "sensor", asset: "a1", sensor: "s1", device: "d1" }, { value: 1, unit: "C" })).toMatchObject({ reason: "unit_mismatch" });
  });

  it("rejects shapes it does not know with the failing path", () => {
    expect(run(dev(), [])).toMatchObject({ reason: "invalid_payload" });
    expect(run(dev(), { values: {} })).toMatchObject({ reason: "invalid_payload" });
    expect(run(dev(), { ts: "yesterday", temp: 1 })).toMatchObject({ reason: "invalid_payload", detail: expect.stringContaining("ts") });
    expect(run(dev(), { values: { temp: 1 }, extra: true })).toMatchObject({ reason: "invalid_payload" });
    expect(run(dev(), { "bad metric!": 1 })).toMatchObject({ reason: "invalid_payload" });
    expect(run(dev(), { label: "x".repeat(2000) })).toMatchObject({ reason: "invalid_payload", detail: expect.stringContaining("1024") });
    expect(run(dev(), 42)).toMatchObject({ reason: "invalid_payload" });
    expect(run({ kind: "gateway", gateway: "gw", channel: "telemetry" }, { c1: { rssi: 1 } })).toMatchObject({ reason: "invalid_payload" });
  });

  it("judges timestamps against the hub's clock, so a redelivery gets the same verdict", () => {
    expect(run(dev(), { ts: NOW + 9 * 60_000, temp: 1 })).toMatchObject({ kind: "points" });
    expect(run(dev(), { ts: NOW + 11 * 60_000, temp: 1 })).toMatchObject({ reason: "future_timestamp" });
    expect(run(dev(), { ts: NOW - 400 * 86_400_000, temp: 1 })).toMatchObject({ kind: "points" });
    expect(run(dev(), { ts: 1_732_350_000, temp: 1 })).toMatchObject({ reason: "invalid_timestamp" });
  });

  it("passes attributes and events through after the device checks", () => {
    expect(run(dev("attributes"), { fw: "1.0", nested: { a: 1 } })).toEqual({ kind: "attributes", updates: [{ device: "d1", attributes: { fw: "1.0", nested: { a: 1 } } }] });
    expect(run(dev("attributes"), ["not", "an", "object"])).toMatchObject({ reason: "invalid_payload" });
    expect(run({ kind: "gateway", gateway: "gw", channel: "attributes" }, { devices: { c1: { fw: "2" }, d1: { fw: "3" } } })).toMatchObject({ reason: "not_gateway_child", device: "d1" });
    expect(run(dev("events"), { type: "door_open" })).toEqual({ kind: "event", device: "d1" });
    expect(run({ kind: "gateway", gateway: "d1", channel: "telemetry" }, { devices: { c1: { rssi: 1 } } })).toMatchObject({ reason: "unknown_device" });
  });

  it("lists what it needs from the registry", () => {
    const e = envelope("acme", { kind: "gateway", gateway: "gw", channel: "telemetry" }, { devices: { c1: { x: 1 }, c2: { x: 2 } } });
    const parsed = parsePayload(e);
    expect(parsed.kind !== "rejected" && registryNeeds(e, parsed)).toEqual({ devices: ["gw", "c1", "c2"], sensors: [] });
  });
});

describe("device twin", () => {
  it("shows desired keys the device does not report with that value", () => {
    expect(twinDelta({ mode: "eco", fw: "1", nested: { b: 2, a: 1 } }, { mode: "boost", fw: "1", nested: { a: 1, b: 2 }, interval: 30 })).toEqual({ mode: "boost", interval: 30 });
    expect(deviceTwin({ id: "d1", clientAttributes: {}, sharedAttributes: { a: 1 } })).toEqual({ device: "d1", reported: {}, desired: { a: 1 }, delta: { a: 1 } });
  });
});
