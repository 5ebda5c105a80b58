/**
 * Persistent sessions across reconnects, clean start, session expiry, session takeover and
 * shared subscriptions. (A hub restart between the two connections — `evictDurableObject` —
 * is covered by the runtime tests in test/runtime/hub/lifecycle.test.ts; here the platform
 * process keeps running and the client reconnects.)
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "./client";
import type { IClientOptions, IPublishPacket } from "mqtt";
import { appOpts, barrier, Client, closeClients, deviceOpts, newTenant, registerDevice, sleep, VERSIONS, vName, waitFor, type Tenant, type Version } from "./mqtt-helpers";

afterEach(closeClients);

let t: Tenant;
beforeAll(async () => {
  t = await newTenant("sess");
});

/** Options for a persistent session: v3 clean=false, v5 clean start false with a session expiry. */
const persistent = (v: Version, clientId: string, expiry = 300): Partial<IClientOptions> => ({ clientId, clean: false, ...(v === 5 ? { properties: { sessionExpiryInterval: expiry } } : {}) });

for (const v of VERSIONS) {
  describe(`sessions, MQTT ${vName(v)}`, () => {
    it(`delivers QoS 1 messages published while a persistent subscriber was away, with sessionPresent [MQTT-3.1.2-5] [MQTT-3.2.2-${v === 5 ? 3 : 2}]`, async () => {
      const d = await registerDevice(t, uniqueId("p"));
      const device = await Client.open(t.id, deviceOpts(d, v));
      const topic = `t/${t.id}/devices/${d.id}/telemetry`;
      const id = uniqueId("dash");
      const first = await Client.open(t.id, appOpts(t.token, v, persistent(v, id)));
      expect(first.sessionPresent).toBe(false);
      await first.sub(topic, { qos: 1 });
      await first.end();

      for (const [i, qos] of [1, 0, 1, 1].entries()) await device.pub(topic, `offline-${i}`, { qos: qos as 0 | 1 });
      const back = await Client.open(t.id, appOpts(t.token, v, persistent(v, id)));
      expect(back.sessionPresent).toBe(true);
      const got = await back.take(3, topic);
      // QoS 1 kept in order; QoS 0 is not stored for offline sessions.
      expect(got.map((m) => m.text)).toEqual(["offline-0", "offline-2", "offline-3"]);
      expect(got.every((m) => m.packet.qos === 1)).toBe(true);
      // The subscription itself survived: new messages flow without subscribing again.
      await device.pub(topic, "live", { qos: 1 });
      expect((await back.next(topic)).text).toBe("live");
      expect(back.received((m) => m.text === "offline-1")).toEqual([]);
    });

    it(`clean start discards the session: no sessionPresent, no queued messages, no subscriptions [MQTT-3.1.2-${v === 5 ? 4 : 6}]`, async () => {
      const d = await registerDevice(t, uniqueId("p"));
      const device = await Client.open(t.id, deviceOpts(d, v));
      const topic = `t/${t.id}/devices/${d.id}/telemetry`;
      const id = uniqueId("dash");
      const first = await Client.open(t.id, appOpts(t.token, v, persistent(v, id)));
      await first.sub(topic, { qos: 1 });
      await first.end();
      await device.pub(topic, "while away", { qos: 1 });

      const clean = await Client.open(t.id, appOpts(t.token, v, { clientId: id, clean: true }));
      expect(clean.sessionPresent).toBe(false);
      // Routed before the new SUBSCRIBE: it would arrive first if the old subscription had survived.
      await device.pub(topic, "after clean start", { qos: 1 });
      await clean.sub(topic, { qos: 1 });
      await barrier(device, clean, topic);
      expect(clean.received((m) => !m.text.startsWith("barrier-"))).toEqual([]);
    });

    it("resends an unacknowledged QoS 1 message with DUP and its packet id when the session resumes [MQTT-4.4.0-1] [MQTT-3.3.1-1]", async () => {
      const d = await registerDevice(t, uniqueId("p"));
      const device = await Client.open(t.id, deviceOpts(d, v));
      const topic = `t/${t.id}/devices/${d.id}/telemetry`;
      const id = uniqueId("dash");
      const first = await Client.open(t.id, appOpts(t.token, v, persistent(v, id)));
      // MQTT.js sends PUBACK once handleMessage (its backpressure hook) is done: this connection never is.
      first.mqtt.handleMessage = () => undefined;
      await first.sub(topic, { qos: 1 });
      await device.pub(topic, "unacknowledged", { qos: 1 });
      const original = await waitFor("the PUBLISH on the wire", () => first.wire.find((p): p is IPublishPacket => p.cmd === "publish"));
      expect(original.dup).toBe(false);
      await first.kill();
      const back = await Client.open(t.id, appOpts(t.token, v, persistent(v, id)));
      const again = await back.next(topic);
      expect([again.text, again.packet.dup, again.packet.messageId]).toEqual(["unacknowledged", true, original.messageId]);
    });

    it(`a second connection with the same client id takes over the first${v === 5 ? " (DISCONNECT 0x8E) [MQTT-3.1.4-3]" : " [MQTT-3.1.4-2]"}`, async () => {
      const d = await registerDevice(t, uniqueId("p"));
      const first = await Client.open(t.id, deviceOpts(d, v, persistent(v, d.id)));
      await first.sub(`t/${t.id}/devices/${d.id}/cmd/+`, { qos: 1 });
      const second = await Client.open(t.id, deviceOpts(d, v, persistent(v, d.id)));
      await first.waitClosed();
      if (v === 5) expect(first.disconnects.map((p) => p.reasonCode)).toEqual([0x8e]);
      // The session moved to the new connection.
      expect(second.sessionPresent).toBe(true);
      const app = await Client.open(t.id, appOpts(t.token, v));
      await app.pub(`t/${t.id}/devices/${d.id}/cmd/ping`, "to the new one", { qos: 1 });
      expect((await second.next()).text).toBe("to the new one");
      expect(first.all).toEqual([]);
    });
  });
}

describe("session expiry, MQTT 5", () => {
  it("a session with expiry 0 ends with the connection [MQTT-3.1.2-23]", async () => {
    const id = uniqueId("dash");
    const first = await Client.open(t.id, appOpts(t.token, 5, { clientId: id, clean: false, properties: { sessionExpiryInterval: 0 } }));
    await first.sub(`t/${t.id}/devices/+/telemetry`, { qos: 1 });
    await first.end();
    const back = await Client.open(t.id, appOpts(t.token, 5, { clientId: id, clean: false, properties: { sessionExpiryInterval: 60 } }));
    expect(back.sessionPresent).toBe(false);
  });

  it("a session is gone once its expiry interval has passed", async () => {
    const id = uniqueId("dash");
    const first = await Client.open(t.id, appOpts(t.token, 5, persistent(5, id, 1)));
    await first.sub(`t/${t.id}/devices/+/telemetry`, { qos: 1 });
    await first.end();
    await sleep(1600);
    const back = await Client.open(t.id, appOpts(t.token, 5, persistent(5, id, 60)));
    expect(back.sessionPresent).toBe(false);
  });
});

describe("shared subscriptions", () => {
  it("each message goes to exactly one member of a group; every group and plain subscriber gets all", async () => {
    const d = await registerDevice(t, uniqueId("sh"));
    const device = await Client.open(t.id, deviceOpts(d, 5));
    const topic = `t/${t.id}/devices/${d.id}/telemetry`;
    const members = await Promise.all(([4, 5, 5] as const).map((v) => Client.open(t.id, appOpts(t.token, v))));
    for (const m of members) expect(await m.sub(`$share/workers/t/${t.id}/devices/+/telemetry`, { qos: 1 })).toEqual([1]);
    const otherGroup = await Client.open(t.id, appOpts(t.token, 5));
    await otherGroup.sub(`$share/audit/${topic}`, { qos: 1 });
    const plain = await Client.open(t.id, appOpts(t.token, 5));
    await plain.sub(topic, { qos: 1 });

    const sent = Array.from({ length: 12 }, (_, i) => `job-${i}`);
    for (const p of sent) await device.pub(topic, p, { qos: 1 });
    expect((await plain.take(12, topic)).map((m) => m.text)).toEqual(sent);
    expect((await otherGroup.take(12, topic)).map((m) => m.text)).toEqual(sent);
    // A per-member barrier: every member also reads the device's events; one event published after
    // the jobs reaches each member behind whatever jobs it was sent.
    const events = `t/${t.id}/devices/${d.id}/events`;
    for (const m of members) await m.sub(events, { qos: 1 });
    await device.pub(events, "done", { qos: 1 });
    for (const m of members) await m.next(events);
    const perMember = members.map((m) =>
      m
        .received(topic)
        .map((x) => x.text)
        .filter((x) => x.startsWith("job-")),
    );
    expect(perMember.flat().sort()).toEqual([...sent].sort());
    // Round robin over connected members.
    expect(perMember.map((l) => l.length)).toEqual([4, 4, 4]);
  });

  it("members that leave stop receiving; the rest of the group gets everything", async () => {
    const d = await registerDevice(t, uniqueId("sh"));
    const device = await Client.open(t.id, deviceOpts(d, 5));
    const topic = `t/${t.id}/devices/${d.id}/telemetry`;
    const [a, b] = await Promise.all([Client.open(t.id, appOpts(t.token, 5)), Client.open(t.id, appOpts(t.token, 4))]);
    for (const m of [a, b]) await m.sub(`$share/g/${topic}`, { qos: 1 });
    await a.end();
    for (let i = 0; i < 4; i++) await device.pub(topic, `after-${i}`, { qos: 1 });
    expect((await b.take(4, topic)).map((m) => m.text)).toEqual(["after-0", "after-1", "after-2", "after-3"]);
  });
});
