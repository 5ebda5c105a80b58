/**
 * Commands end to end with real MQTT.js devices against the running platform: commands sent
 * through the API while a device is offline reach it in order when it reconnects (MQTT 5 with the
 * remaining Message Expiry, Response Topic and Correlation Data; 3.1.1 on the plain topic), the
 * device answers, and the API and the live state topic show every state it went through.
 */
import type { IPublishPacket } from "mqtt";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { http, uniqueId } from "./client";
import { appOpts, Client, closeClients, deviceOpts, newTenant, registerDevice, rest, sleep, VERSIONS, vName, waitFor, type Tenant } from "./mqtt-helpers";

afterEach(closeClients);

let t: Tenant;
beforeAll(async () => {
  t = await newTenant("cmd");
});

const send = (device: string, body: Record<string, unknown>) => rest.ok(http("POST", `/api/v1/devices/${device}/commands`, { token: t.token, body }), 201);
const read = (device: string, id: string) => rest.ok(http("GET", `/api/v1/devices/${device}/commands/${id}`, { token: t.token }));

/** Reads a command until it reaches `status`. */
async function untilStatus(device: string, id: string, status: string, timeoutMs = 6_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await read(device, id);
    if (c.status === status) return c;
    if (Date.now() > deadline) throw new Error(`command ${id} is ${c.status}, not ${status}`);
    await sleep(100);
  }
}

for (const v of VERSIONS) {
  describe(`commands, MQTT ${vName(v)}`, () => {
    it("an offline device reconnects, gets its queued commands in order, answers them, and the API shows each state", async () => {
      const d = await registerDevice(t, uniqueId("c"));
      const session = v === 5 ? { clean: false, properties: { sessionExpiryInterval: 3600 } } : { clean: false };
      const first = await Client.open(t.id, deviceOpts(d, v, session));
      expect(await first.sub(`t/${t.id}/devices/${d.id}/cmd/+`, { qos: 1 })).toEqual([1]);
      await first.end();

      const watcher = await Client.open(t.id, appOpts(t.token, 5));
      await watcher.sub(`t/${t.id}/devices/${d.id}/cmd/+/state`, { qos: 1 });
      const ids: string[] = [];
      for (const n of [1, 2, 3]) ids.push((await send(d.id, { method: "set-level", params: { level: n }, expiresInSeconds: 300 })).id);
      await sleep(1_100);

      // The device answers every command as it arrives, on the Response Topic (v5) or the documented one.
      const device = await Client.open(t.id, deviceOpts(d, v, session));
      expect(device.sessionPresent).toBe(true);
      const answer = (topic: string, payload: Buffer, packet: IPublishPacket) => {
        const command = JSON.parse(payload.toString("utf8")) as { id: string; params: { level: number } };
        const responseTopic = packet.properties?.responseTopic ?? `${topic}/response`;
        const properties = packet.properties?.correlationData ? { properties: { correlationData: packet.properties.correlationData } } : {};
        void device.mqtt.publishAsync(responseTopic, JSON.stringify({ status: "ok", result: { level: command.params.level } }), { qos: 1, ...properties });
      };
      // The first command may have come with the CONNACK, before a handler could be attached.
      for (const m of device.all) answer(m.topic, m.payload, m.packet);
      device.mqtt.on("message", answer);
      const got = await device.take(3, undefined, 8_000);
      expect(got.map((m) => JSON.parse(m.text).id)).toEqual(ids);
      expect(got.map((m) => m.topic)).toEqual(ids.map((id) => `t/${t.id}/devices/${d.id}/cmd/${id}`));
      for (const m of got) expect(m.packet.qos).toBe(1);
      if (v === 5) {
        const p = got[0]!.packet.properties!;
        expect(p.messageExpiryInterval).toBeLessThan(300);
        expect(p.messageExpiryInterval).toBeGreaterThan(280);
        expect(p.responseTopic).toBe(`t/${t.id}/devices/${d.id}/cmd/${ids[0]}/response`);
        expect(Buffer.from(p.correlationData!).toString("utf8")).toBe(ids[0]);
      } else {
        expect(got[0]!.packet.properties).toBeUndefined();
      }

      for (const [i, id] of ids.entries()) {
        const done = await untilStatus(d.id, id, "succeeded");
        expect(done.history.map((h: { status: string }) => h.status)).toEqual(["queued", "sent", "delivered", "succeeded"]);
        expect(done.result).toEqual({ level: i + 1 });
      }
      // The live topic told an application every change of the first command, in order.
      await waitFor("the first command's states", () => watcher.received(`t/${t.id}/devices/${d.id}/cmd/${ids[0]}/state`).length >= 4, 5_000);
      expect(watcher.received(`t/${t.id}/devices/${d.id}/cmd/${ids[0]}/state`).map((m) => JSON.parse(m.text).status)).toEqual(["queued", "sent", "delivered", "succeeded"]);
      const list = await rest.ok(http("GET", `/api/v1/devices/${d.id}/commands?status=succeeded`, { token: t.token }));
      expect(list.items.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
    });
  });
}

describe("commands that outlive their expiry", () => {
  it("are never delivered to a device that comes back too late", async () => {
    const d = await registerDevice(t, uniqueId("c"));
    const late = await send(d.id, { method: "too-late", expiresInSeconds: 1 });
    await untilStatus(d.id, late.id, "expired");
    const device = await Client.open(t.id, deviceOpts(d, 5));
    await device.sub(`t/${t.id}/devices/${d.id}/cmd/+`, { qos: 1 });
    await sleep(500);
    expect(device.all).toEqual([]);
    expect((await read(d.id, late.id)).history.map((h: { status: string }) => h.status)).toEqual(["queued", "expired"]);
  });
});
