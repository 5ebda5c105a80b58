/** QoS 0, 1 and 2 end to end: device → application and application → device, downgrade, order. */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "./client";
import { appOpts, barrier, Client, closeClients, deviceOpts, newTenant, registerDevice, VERSIONS, vName, type Tenant, type Version } from "./mqtt-helpers";

afterEach(closeClients);

let t: Tenant;
beforeAll(async () => {
  t = await newTenant("qos");
});

const telemetry = (device: string) => `t/${t.id}/devices/${device}/telemetry`;

/** A fresh device connected with `v`, and an application client (the owner) reading all telemetry. */
async function pair(v: Version, subQos: 0 | 1 | 2 = 2) {
  const d = await registerDevice(t, uniqueId("q"));
  const device = await Client.open(t.id, deviceOpts(d, v));
  const app = await Client.open(t.id, appOpts(t.token, v));
  expect(await app.sub(`t/${t.id}/devices/+/telemetry`, { qos: subQos })).toEqual([subQos]);
  return { d, device, app };
}

const wireTypes = (c: Client) => c.wire.map((p) => p.cmd);

for (const v of VERSIONS) {
  describe(`QoS, MQTT ${vName(v)}`, () => {
    for (const qos of [0, 1, 2] as const) {
      it(`QoS ${qos}: a device's telemetry reaches a subscriber once, with QoS ${qos} and the exact payload`, async () => {
        const { d, device, app } = await pair(v);
        const payload = Buffer.from([0x00, 0xff, 0x7b, 0x22, 0x80, 0x0a]); // binary, not UTF-8
        await device.pub(telemetry(d.id), payload, { qos });
        const m = await app.next(telemetry(d.id));
        expect(m.packet.qos).toBe(qos);
        expect(Buffer.compare(m.payload, payload)).toBe(0);
        expect(m.packet.retain).toBe(false);
        // The publisher saw the acknowledgement flow of its QoS.
        if (qos === 1) expect(wireTypes(device)).toContain("puback");
        if (qos === 2) expect(wireTypes(device)).toEqual(expect.arrayContaining(["pubrec", "pubcomp"]));
        // The subscriber side: QoS 2 comes with a PUBREL from the hub after MQTT.js sent PUBREC (method A).
        if (qos === 2) await expect.poll(() => wireTypes(app)).toContain("pubrel");
        await barrier(device, app, telemetry(d.id));
        expect(app.received(telemetry(d.id)).filter((x) => !x.text.startsWith("barrier-"))).toHaveLength(1);
      });
    }

    it("QoS 2 downlink: a command from an application reaches the device exactly once", async () => {
      const d = await registerDevice(t, uniqueId("q"));
      const device = await Client.open(t.id, deviceOpts(d, v));
      expect(await device.sub(`t/${t.id}/devices/${d.id}/cmd/+`, { qos: 2 })).toEqual([2]);
      const app = await Client.open(t.id, appOpts(t.token, v));
      await app.pub(`t/${t.id}/devices/${d.id}/cmd/reboot`, '{"delay":1}', { qos: 2 });
      const m = await device.next();
      expect(m).toMatchObject({ topic: `t/${t.id}/devices/${d.id}/cmd/reboot`, text: '{"delay":1}' });
      expect(m.packet.qos).toBe(2);
      await app.pub(`t/${t.id}/devices/${d.id}/cmd/last`, "x", { qos: 2 });
      await device.next(`t/${t.id}/devices/${d.id}/cmd/last`);
      expect(device.received(`t/${t.id}/devices/${d.id}/cmd/reboot`)).toHaveLength(1);
    });

    it(`delivers with the lower of the published and the granted QoS [MQTT-3.8.4-${v === 5 ? 8 : 6}]`, async () => {
      const d = await registerDevice(t, uniqueId("q"));
      const device = await Client.open(t.id, deviceOpts(d, v));
      const subs = await Promise.all(
        ([0, 1, 2] as const).map(async (q) => {
          const c = await Client.open(t.id, appOpts(t.token, v));
          expect(await c.sub(telemetry(d.id), { qos: q })).toEqual([q]);
          return c;
        }),
      );
      for (const pubQos of [0, 1, 2] as const) {
        await device.pub(telemetry(d.id), `q${pubQos}`, { qos: pubQos });
        for (const [subQos, c] of subs.entries()) {
          const m = await c.next((x) => x.text === `q${pubQos}`);
          expect(m.packet.qos, `published ${pubQos}, granted ${subQos}`).toBe(Math.min(pubQos, subQos));
        }
      }
    });

    it("sends one copy at the highest QoS when several subscriptions of a client match", async () => {
      const { d, device, app } = await pair(v, 0);
      expect(await app.sub(`t/${t.id}/devices/${d.id}/#`, { qos: 1 })).toEqual([1]);
      await device.pub(telemetry(d.id), "once", { qos: 2 });
      const m = await app.next((x) => x.text === "once");
      expect(m.packet.qos).toBe(1);
      await barrier(device, app, telemetry(d.id));
      expect(app.received((x) => x.text === "once")).toHaveLength(1);
    });

    it("keeps the order of a client's messages on a topic [MQTT-4.6.0-6]", async () => {
      const { d, device, app } = await pair(v, 1);
      const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
      await Promise.all(sent.map((p, i) => device.pub(telemetry(d.id), p, { qos: i % 2 === 0 ? 1 : 0 })));
      const got = await app.take(20, telemetry(d.id));
      // QoS 0 and 1 interleaved: each stream stays in order, and here the hub keeps the whole order.
      expect(got.map((m) => m.text)).toEqual(sent);
    });
  });
}
