/**
 * The whole path in the runtime: a device publishes over MQTT (WebSocket into its tenant's hub),
 * the hub hands envelopes to the real Queue, the consumer validates and stores them, and the
 * query API returns each point exactly once.
 */
import { describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup } from "../helpers";
import { bytes, connect, text } from "../hub/mqtt-client";

async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("telemetry end to end", () => {
  it("MQTT publish → queue → hot store → query API returns each point exactly once", async () => {
    const t = await signup();
    await expectOk(api("POST", "/api/v1/device-profiles", { token: t.ownerToken, body: { id: "env", metrics: { temp: { type: "number", min: -40, max: 85 }, hum: { type: "number", min: 0, max: 100 } } } }), 201);
    const sensor = await createDevice(t.ownerToken, { id: "therm", profileId: "env" });
    const gw = await createDevice(t.ownerToken, { id: "gw", type: "gateway" });
    await createDevice(t.ownerToken, { id: "child", parentId: "gw" });
    await expectOk(api("POST", "/api/v1/assets", { token: t.ownerToken, body: { id: "truck", type: "truck" } }), 201);
    await expectOk(api("POST", "/api/v1/assets/truck/sensors", { token: t.ownerToken, body: { id: "cargo", type: "temperature", unit: "C" } }), 201);

    const now = Date.now();
    const dev = await connect(t.tenantId, { clientId: "therm", username: "therm", password: sensor.credentials.password });
    const messages: [string, unknown][] = [
      [`t/${t.tenantId}/devices/therm/telemetry`, { ts: now - 3000, values: { temp: 21.5, hum: 40 } }],
      // A backlog flushed after being offline.
      [
        `t/${t.tenantId}/devices/therm/telemetry`,
        [
          { ts: now - 2000, values: { temp: 21.6 } },
          { ts: now - 1000, values: { temp: 21.7 } },
        ],
      ],
      // Breaks the profile (temp above max): rejected, not stored.
      [`t/${t.tenantId}/devices/therm/telemetry`, { ts: now - 500, values: { temp: 999 } }],
      [`tenants/${t.tenantId}/assets/truck/sensors/cargo/telemetry`, { ts: now - 400, value: 4.5 }],
      [`t/${t.tenantId}/devices/therm/attributes`, { fw: "1.2.3" }],
    ];
    for (const [i, [topic, payload]] of messages.entries()) {
      dev.send({ type: "publish", topic, payload: bytes(JSON.stringify(payload)), qos: 1, retain: false, dup: false, packetId: i + 1 });
      expect((await dev.next("puback")).reasonCode).toBe(0);
    }
    const gateway = await connect(t.tenantId, { clientId: "gw", username: "gw", password: gw.credentials.password });
    gateway.send({ type: "publish", topic: `t/${t.tenantId}/gateways/gw/telemetry`, payload: bytes(JSON.stringify({ devices: { child: [{ ts: now - 100, values: { temp: 7 } }] } })), qos: 1, retain: false, dup: false, packetId: 1 });
    expect((await gateway.next("puback")).reasonCode).toBe(0);

    const query = `/api/v1/telemetry?device=therm&metric=temp&from=${now - 60_000}&to=${now + 1000}`;
    const result = await eventually(
      () => expectOk(api("GET", query, { token: t.ownerToken })),
      (r) => (r.series[0]?.points.length ?? 0) >= 3,
    );
    expect(result.series).toHaveLength(1);
    expect(result.series[0].points.map((p: { ts: number; value: number }) => [p.ts - now, p.value])).toEqual([
      [-3000, 21.5],
      [-2000, 21.6],
      [-1000, 21.7],
    ]);

    const child = await eventually(
      () => expectOk(api("GET", `/api/v1/telemetry?device=child&from=${now - 60_000}&to=${now + 1000}`, { token: t.ownerToken })),
      (r) => r.series.length > 0,
    );
    expect(child.series[0].points.map((p: { value: number }) => p.value)).toEqual([7]);

    const latest = await expectOk(api("GET", "/api/v1/devices/therm/telemetry/latest", { token: t.ownerToken }));
    expect(JSON.stringify(latest)).toContain("21.7");

    const rejected = await eventually(
      () => expectOk(api("GET", "/api/v1/telemetry/rejected", { token: t.ownerToken })),
      (r) => r.items.length > 0,
    );
    expect(rejected.items[0].device).toBe("therm");

    const twin = await eventually(
      () => expectOk(api("GET", "/api/v1/devices/therm/attributes", { token: t.ownerToken })),
      (r) => Object.keys(r.reported).length > 0,
    );
    expect(twin.reported).toMatchObject({ fw: "1.2.3" });

    // Desired attributes set through the API reach the device on attributes/set (retained).
    dev.send({ type: "subscribe", packetId: 9, subscriptions: [{ topicFilter: `t/${t.tenantId}/devices/therm/attributes/set`, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await dev.next("suback");
    await expectOk(api("PATCH", "/api/v1/devices/therm/attributes/desired", { token: t.ownerToken, body: { targetTemp: 20 } }));
    const pushed = await dev.next("publish", 4000);
    expect(JSON.parse(text(pushed.payload))).toMatchObject({ targetTemp: 20 });

    // Exactly once: a second look a little later has the same points.
    await new Promise((r) => setTimeout(r, 500));
    const again = await expectOk(api("GET", query, { token: t.ownerToken }));
    expect(again.series[0].points).toHaveLength(3);
    dev.close();
    gateway.close();
  });
});
