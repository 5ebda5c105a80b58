/** What the hub does with device messages: telemetry envelopes to the queue, presence, $SYS stats, mountpoints. */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { bytes, connect, text } from "./mqtt-client";

let t: TenantFixture;
const secrets: Record<string, string> = {};
const hub = () => env.TENANT_HUB.getByName(t.tenantId);

beforeAll(async () => {
  t = await signup();
  await expectOk(api("POST", "/api/v1/device-profiles", { token: t.ownerToken, body: { id: "mounted", mountpoint: "t/${tenant}/" } }), 201);
  await expectOk(api("POST", "/api/v1/assets", { token: t.ownerToken, body: { id: "truck-1", type: "truck" } }), 201);
  for (const [id, body] of [
    ["probe", {}],
    ["gw", { type: "gateway" }],
    ["rel", { profileId: "mounted" }],
  ] as const)
    secrets[id] = (await createDevice(t.ownerToken, { id, ...body })).credentials.password;
  await createDevice(t.ownerToken, { id: "kid", parentId: "gw" });
});

describe("telemetry hand-off", () => {
  it("acknowledges QoS 1 telemetry once the queue has its envelope, batching what arrives together", async () => {
    const dev = await connect(t.tenantId, { clientId: "probe", username: "probe", password: secrets.probe! });
    const before = await hub().stats(t.tenantId);
    const payloads = ['{"ts":1732350000000,"values":{"temp":27.4}}', '[{"values":{"temp":1}},{"values":{"temp":2}}]', '{"value":3}'];
    const topics = [`t/${t.tenantId}/devices/probe/telemetry`, `t/${t.tenantId}/devices/probe/telemetry`, `tenants/${t.tenantId}/assets/truck-1/sensors/temp-1/telemetry`];
    payloads.forEach((p, i) => dev.send({ type: "publish", topic: topics[i]!, payload: bytes(p), qos: 1, retain: false, dup: false, packetId: i + 1 }));
    const acks = [];
    for (let i = 0; i < 3; i++) acks.push((await dev.next("puback")).packetId);
    // In PUBLISH order [MQTT-4.6.0-2], and only after the hand-off: the envelopes are in the queue now.
    expect(acks).toEqual([1, 2, 3]);
    const after = await hub().stats(t.tenantId);
    expect(after.telemetrySent - before.telemetrySent).toBe(3);
    expect(after.telemetryPending).toBe(0);
    // Heartbeats refresh presence but are not telemetry.
    dev.send({ type: "publish", topic: `t/${t.tenantId}/devices/probe/heartbeat`, payload: bytes(""), qos: 1, retain: false, dup: false, packetId: 10 });
    await dev.next("puback");
    expect((await hub().stats(t.tenantId)).telemetrySent).toBe(after.telemetrySent);
    dev.close();
  });

  it("hands the queue well-formed envelopes: the consumer stores exactly what was published", async () => {
    const dev = await connect(t.tenantId, { clientId: "probe", username: "probe", password: secrets.probe! });
    const now = Date.now();
    dev.send({ type: "publish", topic: `t/${t.tenantId}/devices/probe/telemetry`, payload: bytes(JSON.stringify({ ts: now - 10, values: { envelope_check: 42 } })), qos: 1, retain: false, dup: false, packetId: 20 });
    await dev.next("puback");
    const deadline = Date.now() + 8000;
    let points: unknown[] = [];
    while (Date.now() < deadline && points.length === 0) {
      const r = await expectOk(api("GET", `/api/v1/telemetry?device=probe&metric=envelope_check&from=${now - 60_000}&to=${now + 1000}`, { token: t.ownerToken }));
      points = r.series[0]?.points ?? [];
      if (!points.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(points).toEqual([{ ts: now - 10, value: 42 }]);
    dev.close();
  });
});

describe("presence", () => {
  it("marks a device online on connect and offline on disconnect, with last-seen", async () => {
    const before = Date.now();
    const dev = await connect(t.tenantId, { clientId: "probe", username: "probe", password: secrets.probe! });
    await new Promise((r) => setTimeout(r, 1300));
    const online = await expectOk(api("GET", "/api/v1/devices/probe", { token: t.ownerToken }));
    expect(online.status).toBe("online");
    expect(online.lastSeenAt).toBeGreaterThanOrEqual(before);
    dev.send({ type: "disconnect", reasonCode: 0 });
    await dev.waitClosed();
    await new Promise((r) => setTimeout(r, 1300));
    expect((await expectOk(api("GET", "/api/v1/devices/probe", { token: t.ownerToken }))).status).toBe("offline");
  });
});

describe("$SYS stats", () => {
  it("publishes the tenant's stats topic to application subscribers; devices may not read it", async () => {
    const app = await connect(t.tenantId, { clientId: "ops", username: "api", password: t.ownerToken });
    app.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `$SYS/t/${t.tenantId}/stats`, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    expect((await app.next("suback")).reasonCodes).toEqual([0]);
    await runDurableObjectAlarm(hub());
    const stats = JSON.parse(text((await app.next("publish", 12_000)).payload));
    expect(stats).toMatchObject({ connectedClients: expect.any(Number), messagesInPerSecond: expect.any(Number), droppedMessages: expect.any(Number) });
    expect(stats.connectedClients).toBeGreaterThanOrEqual(1);
    const dev = await connect(t.tenantId, { clientId: "probe", username: "probe", password: secrets.probe! });
    dev.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `$SYS/t/${t.tenantId}/stats`, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    expect((await dev.next("suback")).reasonCodes).toEqual([0x87]);
    dev.close();
    app.close();
  });
});

describe("mountpoints", () => {
  it("lets a device with a mounted profile use topics relative to its tenant, both ways", async () => {
    const watcher = await connect(t.tenantId, { clientId: "watch-mount", username: "api", password: t.ownerToken });
    watcher.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${t.tenantId}/devices/rel/telemetry`, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await watcher.next("suback");
    const dev = await connect(t.tenantId, { clientId: "rel", username: "rel", password: secrets.rel! });
    dev.send({ type: "subscribe", packetId: 2, subscriptions: [{ topicFilter: "devices/rel/cmd/+", qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    expect((await dev.next("suback")).reasonCodes).toEqual([1]);
    dev.send({ type: "publish", topic: "devices/rel/telemetry", payload: bytes('{"v":1}'), qos: 1, retain: false, dup: false, packetId: 3 });
    expect((await dev.next("puback")).reasonCode).toBe(0);
    expect((await watcher.next("publish")).topic).toBe(`t/${t.tenantId}/devices/rel/telemetry`);
    watcher.send({ type: "publish", topic: `t/${t.tenantId}/devices/rel/cmd/reboot`, payload: bytes("{}"), qos: 1, retain: false, dup: false, packetId: 4 });
    await watcher.next("puback");
    expect((await dev.next("publish")).topic).toBe("devices/rel/cmd/reboot");
    dev.close();
    watcher.close();
  });
});
