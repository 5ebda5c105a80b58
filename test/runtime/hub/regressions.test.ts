/** Hub regressions found by the MQTT.js end-to-end suite (test/e2e/mqtt-*.test.ts). */
import { beforeAll, describe, expect, it } from "vitest";
import { createDevice, signup, type TenantFixture } from "../helpers";
import { bytes, connect, text } from "./mqtt-client";

let t: TenantFixture;
let secret: string;
beforeAll(async () => {
  t = await signup();
  secret = (await createDevice(t.ownerToken, { id: "reg-1" })).credentials.password;
});

const sub = (topicFilter: string) => ({ topicFilter, qos: 1 as const, noLocal: false, retainAsPublished: false, retainHandling: 0 as const });

describe("hub regressions", () => {
  it("a will with Will Retain becomes the retained message of its topic [MQTT-3.1.2-15]", async () => {
    const topic = `t/${t.tenantId}/devices/reg-1/attributes`;
    const watcher = await connect(t.tenantId, { clientId: "watcher", username: "api", password: t.ownerToken });
    watcher.send({ type: "subscribe", packetId: 1, subscriptions: [sub(topic)] });
    await watcher.next("suback");
    const dev = await connect(t.tenantId, { clientId: "reg-1", username: "reg-1", password: secret, will: { topic, payload: bytes("offline"), qos: 1, retain: true } });
    dev.close(); // no DISCONNECT: the will fires
    expect(text((await watcher.next("publish")).payload)).toBe("offline");
    const late = await connect(t.tenantId, { clientId: "late", username: "api", password: t.ownerToken });
    late.send({ type: "subscribe", packetId: 1, subscriptions: [sub(topic)] });
    await late.next("suback");
    const retained = await late.next("publish");
    expect([text(retained.payload), retained.retain]).toEqual(["offline", true]);
  });

  it("a QoS 1 message too large for the client's Maximum Packet Size does not hold a Receive Maximum slot [MQTT-3.1.2-25]", async () => {
    const topic = `t/${t.tenantId}/size`;
    const reader = await connect(t.tenantId, { clientId: "small-reader", username: "api", password: t.ownerToken, properties: { maximumPacketSize: 128, receiveMaximum: 1 } });
    reader.send({ type: "subscribe", packetId: 1, subscriptions: [sub(topic)] });
    await reader.next("suback");
    const writer = await connect(t.tenantId, { clientId: "writer", username: "api", password: t.ownerToken });
    writer.send({ type: "publish", topic, payload: bytes("x".repeat(500)), qos: 1, retain: false, dup: false, packetId: 1 });
    writer.send({ type: "publish", topic, payload: bytes("fits"), qos: 1, retain: false, dup: false, packetId: 2 });
    const m = await reader.next("publish");
    expect(text(m.payload)).toBe("fits");
  });
});
