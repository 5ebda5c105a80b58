/** Retained messages (set, replace, clear, retain handling) and wills (abrupt close, clean DISCONNECT, v5 will delay). */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "./client";
import { appOpts, barrier, Client, closeClients, deviceOpts, newTenant, registerDevice, sleep, VERSIONS, vName, type Device, type Tenant } from "./mqtt-helpers";

afterEach(closeClients);

let t: Tenant;
beforeAll(async () => {
  t = await newTenant("ret");
});

const topic = (device: string, channel: string) => `t/${t.id}/devices/${device}/${channel}`;

for (const v of VERSIONS) {
  describe(`retained messages, MQTT ${vName(v)}`, () => {
    it(`a new subscriber gets the latest retained message with RETAIN set; live copies have it cleared ${v === 5 ? "[MQTT-3.3.1-5] [MQTT-3.3.1-12]" : "[MQTT-3.3.1-5] [MQTT-3.3.1-8] [MQTT-3.3.1-9]"}`, async () => {
      const d = await registerDevice(t, uniqueId("r"));
      const device = await Client.open(t.id, deviceOpts(d, v));
      const live = await Client.open(t.id, appOpts(t.token, v));
      await live.sub(topic(d.id, "attributes"), { qos: 1 });
      await device.pub(topic(d.id, "attributes"), '{"fw":"1.0"}', { qos: 1, retain: true });
      await device.pub(topic(d.id, "attributes"), '{"fw":"1.1"}', { qos: 1, retain: true });
      const liveCopies = await live.take(2);
      expect(liveCopies.map((m) => [m.text, m.packet.retain])).toEqual([
        ['{"fw":"1.0"}', false],
        ['{"fw":"1.1"}', false],
      ]);

      const late = await Client.open(t.id, appOpts(t.token, v));
      expect(await late.sub(topic(d.id, "attributes"), { qos: 0 })).toEqual([0]);
      const m = await late.next();
      expect(m).toMatchObject({ topic: topic(d.id, "attributes"), text: '{"fw":"1.1"}' });
      expect(m.packet.retain).toBe(true);
      expect(m.packet.qos).toBe(0); // min(stored QoS 1, granted 0)
      await barrier(device, late, topic(d.id, "attributes"));
      expect(late.received((x) => x.text === '{"fw":"1.0"}')).toEqual([]);
    });

    it(`an empty retained payload clears the retained message [MQTT-3.3.1-${v === 5 ? 6 : 10}]`, async () => {
      const d = await registerDevice(t, uniqueId("r"));
      const device = await Client.open(t.id, deviceOpts(d, v));
      await device.pub(topic(d.id, "attributes"), "to be cleared", { qos: 1, retain: true });
      await device.pub(topic(d.id, "events"), "kept", { qos: 1, retain: true });
      await device.pub(topic(d.id, "attributes"), "", { qos: 1, retain: true });
      const late = await Client.open(t.id, appOpts(t.token, v));
      // Retained messages follow the SUBACK in filter order: once "kept" is here, a retained attributes message would have been too.
      await late.sub([topic(d.id, "attributes"), topic(d.id, "events")], { qos: 1 });
      expect((await late.next()).text).toBe("kept");
      expect(late.received(topic(d.id, "attributes"))).toEqual([]);
    });
  });

  describe(`wills, MQTT ${vName(v)}`, () => {
    async function withWill(d: Device, extra: Record<string, unknown> = {}) {
      return Client.open(t.id, deviceOpts(d, v, { will: { topic: topic(d.id, "events"), payload: Buffer.from("gone"), qos: 1, retain: false }, ...extra }));
    }

    it("publishes the will when the connection drops without DISCONNECT [MQTT-3.1.2-8]", async () => {
      const d = await registerDevice(t, uniqueId("w"));
      const watcher = await Client.open(t.id, appOpts(t.token, v));
      await watcher.sub(topic(d.id, "events"), { qos: 1 });
      const device = await withWill(d);
      await device.kill();
      const m = await watcher.next(topic(d.id, "events"));
      expect(m.text).toBe("gone");
      expect(m.packet.qos).toBe(1);
    });

    it("discards the will on a clean DISCONNECT [MQTT-3.1.2-10]", async () => {
      const d = await registerDevice(t, uniqueId("w"));
      const watcher = await Client.open(t.id, appOpts(t.token, v));
      await watcher.sub(topic(d.id, "events"), { qos: 1 });
      const device = await withWill(d);
      await device.end();
      // Anything the hub did on that DISCONNECT happened before it handles this later message.
      const other = await Client.open(t.id, appOpts(t.token, v));
      await barrier(other, watcher, topic(d.id, "events"));
      expect(watcher.received((m) => m.text === "gone")).toEqual([]);
    });

    it(`a retained will is stored as the retained message [MQTT-3.1.2-${v === 5 ? 15 : 17}]`, async () => {
      const d = await registerDevice(t, uniqueId("w"));
      const watcher = await Client.open(t.id, appOpts(t.token, v));
      await watcher.sub(topic(d.id, "attributes"), { qos: 1 });
      const device = await Client.open(t.id, deviceOpts(d, v, { will: { topic: topic(d.id, "attributes"), payload: Buffer.from('{"online":false}'), qos: 1, retain: true } }));
      await device.kill();
      // Live subscribers get it as any live message (RETAIN cleared), later ones as the retained message.
      expect((await watcher.next()).packet.retain).toBe(false);
      const late = await Client.open(t.id, appOpts(t.token, v));
      await late.sub(topic(d.id, "attributes"), { qos: 1 });
      const m = await late.next();
      expect([m.text, m.packet.retain]).toEqual(['{"online":false}', true]);
    });
  });
}

describe("MQTT 5 retain handling and wills", () => {
  it("Retain Handling 0 sends retained messages on every SUBSCRIBE, 1 only for a new subscription, 2 never [MQTT-3.3.1-9..11]", async () => {
    const d = await registerDevice(t, uniqueId("rh"));
    const device = await Client.open(t.id, deviceOpts(d, 5));
    for (const ch of ["attributes", "events", "telemetry"]) await device.pub(topic(d.id, ch), `retained ${ch}`, { qos: 1, retain: true });
    const app = await Client.open(t.id, appOpts(t.token, 5));
    // Each round subscribes to the filter under test, then to a control filter with rh 0: retained
    // messages follow the SUBACK in filter order, so once the control's arrives, the others are in.
    const round = async (rh: 0 | 1 | 2, filter: string) => {
      const before = app.all.length;
      await app.sub({ [filter]: { qos: 1, rh }, [topic(d.id, "telemetry")]: { qos: 1, rh: 0 } });
      await app.next(topic(d.id, "telemetry"));
      return app.all.length - before - 1;
    };
    expect(await round(0, topic(d.id, "attributes"))).toBe(1);
    expect(await round(0, topic(d.id, "attributes"))).toBe(1);
    expect(await round(1, topic(d.id, "events"))).toBe(1);
    expect(await round(1, topic(d.id, "events"))).toBe(0);
    expect(await round(2, `t/${t.id}/devices/${d.id}/+`)).toBe(0);
  });

  it("DISCONNECT with reason 0x04 publishes the will", async () => {
    const d = await registerDevice(t, uniqueId("w5"));
    const watcher = await Client.open(t.id, appOpts(t.token, 5));
    await watcher.sub(topic(d.id, "events"), { qos: 1 });
    const device = await Client.open(t.id, deviceOpts(d, 5, { will: { topic: topic(d.id, "events"), payload: Buffer.from("bye"), qos: 1, retain: false } }));
    await device.end({ reasonCode: 0x04 });
    expect((await watcher.next(topic(d.id, "events"))).text).toBe("bye");
  });

  it("holds the will for its Will Delay Interval and drops it if the client reconnects in time [MQTT-3.1.3-9]", async () => {
    const d = await registerDevice(t, uniqueId("wd"));
    const watcher = await Client.open(t.id, appOpts(t.token, 5));
    await watcher.sub(topic(d.id, "events"), { qos: 1 });
    const will = (delay: number, payload: string) => ({
      will: { topic: topic(d.id, "events"), payload: Buffer.from(payload), qos: 1 as const, retain: false, properties: { willDelayInterval: delay } },
      clean: false,
      properties: { sessionExpiryInterval: 60 },
    });

    // Delay 2 s, back after 0.3 s: the will is cancelled.
    const first = await Client.open(t.id, deviceOpts(d, 5, will(2, "cancelled")));
    await first.kill();
    await sleep(300);
    const back = await Client.open(t.id, deviceOpts(d, 5, { clean: false, properties: { sessionExpiryInterval: 60 } }));
    expect(back.sessionPresent).toBe(true);
    await sleep(2200);
    await barrier(back, watcher, topic(d.id, "events"));
    expect(watcher.received((m) => m.text === "cancelled")).toEqual([]);

    // Delay 1 s, no reconnect: published after the delay, not before.
    await back.end();
    const second = await Client.open(t.id, deviceOpts(d, 5, will(1, "delayed")));
    const closedAt = Date.now();
    await second.kill();
    const m = await watcher.next((x) => x.text === "delayed", 4000);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(900);
    expect(m.topic).toBe(topic(d.id, "events"));
  });

  it("publishes a delayed will when the session ends first", async () => {
    const d = await registerDevice(t, uniqueId("we"));
    const watcher = await Client.open(t.id, appOpts(t.token, 5));
    await watcher.sub(topic(d.id, "events"), { qos: 1 });
    const device = await Client.open(
      t.id,
      deviceOpts(d, 5, { will: { topic: topic(d.id, "events"), payload: Buffer.from("session over"), qos: 1, retain: false, properties: { willDelayInterval: 30 } }, properties: { sessionExpiryInterval: 1 } }),
    );
    const closedAt = Date.now();
    await device.kill();
    await watcher.next((x) => x.text === "session over", 4000);
    expect(Date.now() - closedAt).toBeLessThan(4000);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(900);
  });
});
