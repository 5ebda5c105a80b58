/** Hibernation, restarts, keep-alive, wills and persistent sessions, in the real runtime. */
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDevice, signup, type TenantFixture } from "../helpers";
import { bytes, connect, text } from "./mqtt-client";

let t: TenantFixture;
const secrets: Record<string, string> = {};
const hub = () => env.TENANT_HUB.getByName(t.tenantId);
const topic = (device: string, channel = "telemetry") => `t/${t.tenantId}/devices/${device}/${channel}`;
const sub = (topicFilter: string, qos: 0 | 1 | 2 = 1) => ({ topicFilter, qos, noLocal: false, retainAsPublished: false, retainHandling: 0 as const });

beforeAll(async () => {
  t = await signup();
  for (const id of ["sensor-a", "sensor-b", "sensor-c"]) secrets[id] = (await createDevice(t.ownerToken, { id })).credentials.password;
});

const device = (id: string, extra: Parameters<typeof connect>[1] extends infer O ? Partial<O> : never = {}) => connect(t.tenantId, { clientId: id, username: id, password: secrets[id]!, ...extra });
const app = (clientId: string, extra: Partial<Parameters<typeof connect>[1]> = {}) => connect(t.tenantId, { clientId, username: "api", password: t.ownerToken, ...extra });

describe("hibernation and restarts", () => {
  it("carries on after the hub is evicted mid-session (hibernated sockets, state rebuilt on wake)", async () => {
    const watcher = await app("watcher-evict");
    watcher.send({ type: "subscribe", packetId: 1, subscriptions: [sub(topic("+"))] });
    await watcher.next("suback");
    const dev = await device("sensor-a");
    dev.send({ type: "publish", topic: topic("sensor-a"), payload: bytes("before"), qos: 1, retain: false, dup: false, packetId: 1 });
    await dev.next("puback");
    expect(text((await watcher.next("publish")).payload)).toBe("before");

    await evictDurableObject(hub());

    dev.send({ type: "publish", topic: topic("sensor-a"), payload: bytes("after"), qos: 1, retain: false, dup: false, packetId: 2 });
    expect((await dev.next("puback")).packetId).toBe(2);
    const after = await watcher.next("publish");
    expect(text(after.payload)).toBe("after");
    watcher.send({ type: "puback", packetId: after.packetId!, reasonCode: 0 });
    dev.send({ type: "pingreq" });
    await dev.next("pingresp");
    dev.close();
    watcher.close();
  });

  it("keeps a persistent session's subscriptions and queued QoS 1 messages across a hub restart", async () => {
    const sessionProps = { sessionExpiryInterval: 3600 };
    const first = await app("persistent-1", { cleanStart: false, properties: sessionProps });
    first.send({ type: "subscribe", packetId: 1, subscriptions: [sub(topic("sensor-b"))] });
    await first.next("suback");
    first.send({ type: "disconnect", reasonCode: 0 });
    await first.waitClosed();

    const dev = await device("sensor-b");
    for (let i = 0; i < 3; i++) {
      dev.send({ type: "publish", topic: topic("sensor-b"), payload: bytes(`offline-${i}`), qos: 1, retain: false, dup: false, packetId: 10 + i });
      await dev.next("puback");
    }
    dev.close();
    await evictDurableObject(hub(), { webSockets: "close" });

    const again = await openAndConnect("persistent-1", sessionProps);
    expect(again.connack.sessionPresent).toBe(true);
    const got = [];
    for (let i = 0; i < 3; i++) {
      const p = await again.client.next("publish");
      got.push(text(p.payload));
      again.client.send({ type: "puback", packetId: p.packetId!, reasonCode: 0 });
    }
    expect(got).toEqual(["offline-0", "offline-1", "offline-2"]);
    again.client.close();
  });

  async function openAndConnect(clientId: string, properties: Record<string, unknown>) {
    const { openSocket } = await import("./mqtt-client");
    const client = await openSocket(t.tenantId, 5);
    client.send({ type: "connect", protocolLevel: 5, clientId, keepAlive: 60, cleanStart: false, username: "api", password: bytes(t.ownerToken), properties });
    const connack = await client.next("connack");
    expect(connack.reasonCode).toBe(0);
    return { client, connack };
  }
});

describe("keep-alive and wills", () => {
  it("[MQTT-3.1.2-24] disconnects a client silent for 1.5x its keep-alive and publishes its will", async () => {
    const watcher = await app("watcher-will");
    watcher.send({ type: "subscribe", packetId: 1, subscriptions: [sub(topic("sensor-c", "events"))] });
    await watcher.next("suback");
    const quiet = await device("sensor-c", { keepAlive: 1, will: { topic: topic("sensor-c", "events"), payload: bytes("gone"), qos: 1, retain: false } });
    await new Promise((r) => setTimeout(r, 1700));
    await runDurableObjectAlarm(hub());
    const disconnect = await quiet.next("disconnect");
    expect(disconnect.reasonCode).toBe(0x8d);
    expect(text((await watcher.next("publish")).payload)).toBe("gone");
    watcher.close();
  });

  it("[MQTT-3.1.2-10] a normal DISCONNECT discards the will", async () => {
    const watcher = await app("watcher-nowill");
    watcher.send({ type: "subscribe", packetId: 1, subscriptions: [sub(topic("sensor-c", "events"))] });
    await watcher.next("suback");
    const dev = await device("sensor-c", { will: { topic: topic("sensor-c", "events"), payload: bytes("should not"), qos: 0, retain: false } });
    dev.send({ type: "disconnect", reasonCode: 0 });
    await dev.waitClosed();
    await watcher.nothing("publish", 300);
    watcher.close();
  });

  it("waits out a v5 will delay, and a reconnect in time cancels the will", async () => {
    const watcher = await app("watcher-delay");
    watcher.send({ type: "subscribe", packetId: 1, subscriptions: [sub(topic("sensor-a", "events"))] });
    await watcher.next("suback");
    const will = { topic: topic("sensor-a", "events"), payload: bytes("delayed"), qos: 0 as const, retain: false, properties: { willDelayInterval: 1 } };
    const props = { sessionExpiryInterval: 60 };
    const dev = await device("sensor-a", { will, cleanStart: false, properties: props });
    dev.close(); // abrupt for MQTT: no DISCONNECT packet
    await dev.waitClosed();
    await watcher.nothing("publish", 200);
    const back = await device("sensor-a", { cleanStart: false, properties: props });
    await new Promise((r) => setTimeout(r, 1200));
    await runDurableObjectAlarm(hub());
    await watcher.nothing("publish", 200);
    back.close();
    await back.waitClosed();
    // Without a will on the new connection nothing fires later either.
    await new Promise((r) => setTimeout(r, 1100));
    await runDurableObjectAlarm(hub());
    await watcher.nothing("publish", 200);
    // A will with delay fires after the delay when the client stays away.
    const again = await device("sensor-a", { will, cleanStart: false, properties: props });
    again.close();
    await again.waitClosed();
    await new Promise((r) => setTimeout(r, 1100));
    await runDurableObjectAlarm(hub());
    expect(text((await watcher.next("publish")).payload)).toBe("delayed");
    watcher.close();
  });
});

describe("frames", () => {
  it("reassembles a packet split across frames, even when the hub hibernates between them", async () => {
    const { encodePacket } = await import("../../../domain/mqtt");
    const watcher = await app("watcher-split");
    watcher.send({ type: "subscribe", packetId: 1, subscriptions: [sub(topic("sensor-b"))] });
    await watcher.next("suback");
    const dev = await device("sensor-b");
    const publish = encodePacket({ type: "publish", topic: topic("sensor-b"), payload: bytes("split in two"), qos: 1, retain: false, dup: false, packetId: 77 }, 5);
    const ping = encodePacket({ type: "pingreq" }, 5);
    dev.sendRaw(publish.subarray(0, 9));
    // The hub saves a half-received packet after a quiet second (not per frame).
    await new Promise((r) => setTimeout(r, 1200));
    await evictDurableObject(hub());
    // The rest of the PUBLISH and a whole PINGREQ in one frame.
    const rest = new Uint8Array(publish.length - 9 + ping.length);
    rest.set(publish.subarray(9));
    rest.set(ping, publish.length - 9);
    dev.sendRaw(rest);
    expect((await dev.next("puback")).packetId).toBe(77);
    await dev.next("pingresp");
    expect(text((await watcher.next("publish")).payload)).toBe("split in two");
    dev.close();
    watcher.close();
  });
});

describe("offline queue bounds", () => {
  it("keeps at most the plan's queued messages per offline session, dropping the oldest and counting drops", async () => {
    const { api, expectOk, OPERATOR_TOKEN } = await import("../helpers");
    const s = await signup();
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${s.tenantId}`, { token: OPERATOR_TOKEN, body: { limits: { maxQueuedMessagesPerSession: 3 } } }));
    const dev = await createDevice(s.ownerToken, { id: "q-dev" });
    const props = { sessionExpiryInterval: 600 };
    const subscriber = await connect(s.tenantId, { clientId: "q-sub", username: "api", password: s.ownerToken, cleanStart: false, properties: props });
    subscriber.send({ type: "subscribe", packetId: 1, subscriptions: [sub(`t/${s.tenantId}/devices/q-dev/events`)] });
    await subscriber.next("suback");
    subscriber.send({ type: "disconnect", reasonCode: 0 });
    await subscriber.waitClosed();
    const pub = await connect(s.tenantId, { clientId: "q-dev", username: "q-dev", password: dev.credentials.password });
    for (let i = 0; i < 5; i++) {
      pub.send({ type: "publish", topic: `t/${s.tenantId}/devices/q-dev/events`, payload: bytes(`e${i}`), qos: 1, retain: false, dup: false, packetId: i + 1 });
      await pub.next("puback");
    }
    const stats = await env.TENANT_HUB.getByName(s.tenantId).stats(s.tenantId);
    expect(stats.dropped).toBe(2);
    const back = await connect(s.tenantId, { clientId: "q-sub", username: "api", password: s.ownerToken, cleanStart: false, properties: props });
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await back.next("publish");
      got.push(text(p.payload));
      back.send({ type: "puback", packetId: p.packetId!, reasonCode: 0 });
    }
    expect(got).toEqual(["e2", "e3", "e4"]);
    await back.nothing("publish", 200);
    pub.close();
    back.close();
  });
});
