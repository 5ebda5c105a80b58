/** What the hub does with device messages: telemetry envelopes to the queue, presence, $SYS stats, mountpoints. */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { TelemetryEnvelope } from "../../../domain/telemetry/envelope";
import type { TenantHub } from "../../../durable-objects/tenant-hub/hub";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { bytes, connect, text } from "./mqtt-client";

let t: TenantFixture;
const secrets: Record<string, string> = {};
const hub = () => env.TENANT_HUB.getByName(t.tenantId);

beforeAll(async () => {
  t = await signup();
  await expectOk(api("POST", "/api/v1/device-profiles", { token: t.ownerToken, body: { id: "mounted", mountpoint: "t/${tenant}/" } }), 201);
  await expectOk(api("POST", "/api/v1/assets", { token: t.ownerToken, body: { id: "truck-1", type: "truck" } }), 201);
  for (const [id, body] of [["probe", {}], ["gw", { type: "gateway" }], ["rel", { profileId: "mounted" }]] as const) secrets[id] = (await createDevice(t.ownerToken, { id, ...body })).credentials.password;
  await createDevice(t.ownerToken, { id: "kid", parentId: "gw" });
});

describe("telemetry hand-off", () => {
  it("writes one well-formed envelope per telemetry message to the outbox and flushes it to the queue", async () => {
    const dev = await connect(t.tenantId, { clientId: "probe", username: "probe", password: secrets.probe! });
    const payloads = ['{"ts":1732350000000,"values":{"temp":27.4}}', '[{"values":{"temp":1}},{"values":{"temp":2}}]', '{"value":3}'];
    const topics = [`t/${t.tenantId}/devices/probe/telemetry`, `t/${t.tenantId}/devices/probe/telemetry`, `tenants/${t.tenantId}/assets/truck-1/sensors/temp-1/telemetry`];
    // Sent back to back: the flush runs ~100 ms after the first one, so all three are still in the outbox.
    payloads.forEach((p, i) => dev.send({ type: "publish", topic: topics[i]!, payload: bytes(p), qos: 1, retain: false, dup: false, packetId: i + 1 }));
    for (let i = 0; i < 3; i++) await dev.next("puback");
    // PUBACK is released only after the envelope is stored, so the outbox holds them now.
    const bodies = await runInDurableObject(hub(), (_h: TenantHub, state) => state.storage.sql.exec<{ body: string }>("SELECT body FROM outbox ORDER BY id").toArray().map((r) => r.body));
    const envelopes = bodies.map((b) => TelemetryEnvelope.parse(JSON.parse(b)));
    expect(envelopes.map((e) => e.payload)).toEqual(payloads);
    expect(envelopes[0]).toMatchObject({ v: 1, tenant: t.tenantId, source: { kind: "device", device: "probe", channel: "telemetry" }, publisher: "probe", bytes: payloads[0]!.length });
    expect(envelopes[2]!.source).toEqual({ kind: "sensor", asset: "truck-1", sensor: "temp-1", device: "probe" });
    expect(new Set(envelopes.map((e) => e.msgId)).size).toBe(3);
    // Heartbeats refresh presence but are not telemetry.
    dev.send({ type: "publish", topic: `t/${t.tenantId}/devices/probe/heartbeat`, payload: bytes(""), qos: 1, retain: false, dup: false, packetId: 10 });
    await dev.next("puback");
    // Flushed to the queue in a batch shortly after.
    const deadline = Date.now() + 3000;
    let outbox = -1;
    while (Date.now() < deadline) {
      outbox = (await hub().stats(t.tenantId)).outbox;
      if (outbox === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(outbox).toBe(0);
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
