/**
 * Bad input closes only the offending connection: raw WebSockets send garbage, packets before
 * CONNECT, text frames, broken and oversized packets, while an MQTT.js pair of the same tenant
 * keeps exchanging messages without losing one.
 */
import mqttPacket, { type Packet } from "mqtt-packet";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { appOpts, Client, closeClients, deviceOpts, mqttUrl, newTenant, registerDevice, waitFor, type Device, type Tenant } from "./mqtt-helpers";

afterEach(closeClients);

let t: Tenant;
let dev: Device;
beforeAll(async () => {
  t = await newTenant("bad");
  dev = await registerDevice(t, "victim-1");
});

type Raw = { ws: WebSocket; packets: Packet[]; closed: () => boolean; closeCode: () => number | null };

/** A raw MQTT-over-WebSocket connection (subprotocol `mqtt`), optionally through a successful v5 CONNECT. */
async function raw(opts: { connect?: boolean } = {}): Promise<Raw> {
  const ws = new WebSocket(mqttUrl(t.id), ["mqtt"]);
  const packets: Packet[] = [];
  let code: number | null = null;
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  parser.on("packet", (p: Packet) => packets.push(p));
  parser.on("error", () => undefined);
  ws.on("message", (data: Buffer) => parser.parse(data));
  ws.on("close", (c: number) => (code = c));
  ws.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  expect(ws.protocol).toBe("mqtt"); // the subprotocol is echoed [MQTT-6.0.0-4]
  const r: Raw = { ws, packets, closed: () => code !== null, closeCode: () => code };
  if (opts.connect) {
    ws.send(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 5, clean: true, clientId: `raw-${Math.random().toString(36).slice(2)}`, keepalive: 30, username: "api", password: Buffer.from(t.token) }));
    await waitFor("CONNACK", () => packets.some((p) => p.cmd === "connack"));
    expect(packets.find((p) => p.cmd === "connack")).toMatchObject({ reasonCode: 0 });
  }
  return r;
}

const connectPacket = (password: string) => mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 5, clean: true, clientId: dev.id, keepalive: 30, username: dev.id, password: Buffer.from(password) });

const disconnectCode = (r: Raw) => (r.packets.find((p) => p.cmd === "disconnect") as { reasonCode?: number } | undefined)?.reasonCode;

describe("bad input", () => {
  it("a refused CONNECT gets its CONNACK, then the hub closes the connection [MQTT-3.1.4-2] [MQTT-3.2.2-7]", async () => {
    const r = await raw();
    r.ws.send(connectPacket("not the secret"));
    await waitFor("close", r.closed);
    expect(r.packets.map((p) => [p.cmd, (p as { reasonCode?: number }).reasonCode])).toEqual([["connack", 0x86]]);
  });

  it("garbage bytes before CONNECT close the connection without an answer [MQTT-4.8.0-1]", async () => {
    const r = await raw();
    r.ws.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]));
    await waitFor("close", r.closed);
    expect(r.packets).toEqual([]);
  });

  it("a PUBLISH before CONNECT closes the connection [MQTT-3.1.0-1]", async () => {
    const r = await raw();
    r.ws.send(mqttPacket.generate({ cmd: "publish", topic: `t/${t.id}/devices/victim-1/telemetry`, payload: Buffer.from("sneaky"), qos: 0, retain: false, dup: false }));
    await waitFor("close", r.closed);
    expect(r.packets).toEqual([]);
  });

  it("after CONNECT, DISCONNECT then close: malformed packet 0x81 [MQTT-4.13.1-1], text frame 0x81 [MQTT-6.0.0-1], second CONNECT 0x82 [MQTT-3.1.0-2], oversized 0x95", async () => {
    const malformed = await raw({ connect: true });
    // SUBSCRIBE with reserved flags 0000 instead of 0010, then a truncated body.
    malformed.ws.send(Buffer.from([0x80, 0x03, 0x00, 0x01, 0x00]));
    await waitFor("close", malformed.closed);
    expect(disconnectCode(malformed)).toBe(0x81);

    const text = await raw({ connect: true });
    text.ws.send("PUBLISH t/x hello");
    await waitFor("close", text.closed);
    expect(disconnectCode(text)).toBe(0x81);

    const again = await raw({ connect: true });
    again.ws.send(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 5, clean: true, clientId: "again", keepalive: 30 }));
    await waitFor("close", again.closed);
    expect(disconnectCode(again)).toBe(0x82);

    const huge = await raw({ connect: true });
    // A PUBLISH announcing 200 MB: refused from the fixed header alone.
    huge.ws.send(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x60, 0x00]));
    await waitFor("close", huge.closed);
    expect(disconnectCode(huge)).toBe(0x95);
  });

  it("an MQTT.js pair keeps exchanging every message while raw clients misbehave around it", async () => {
    const device = await Client.open(t.id, deviceOpts(dev, 5));
    const reader = await Client.open(t.id, appOpts(t.token, 4));
    await reader.sub(`t/${t.id}/devices/victim-1/telemetry`, { qos: 1 });
    const sent = Array.from({ length: 30 }, (_, i) => `m${i}`);
    const traffic = (async () => {
      for (const p of sent) {
        await device.pub(`t/${t.id}/devices/victim-1/telemetry`, p, { qos: 1 });
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    const garbage = [
      Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0xff]), // CONNECT with an invalid remaining length
      Buffer.from([0x00, 0x00, 0x00]), // packet type 0 is reserved
      Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff)),
      Buffer.from([0x30]), // half a fixed header, then silence and a close
    ];
    const offenders = await Promise.all(
      garbage.map(async (bytes, i) => {
        const r = await raw({ connect: i % 2 === 0 });
        r.ws.send(bytes);
        if (i === 3) r.ws.terminate();
        return r;
      }),
    );
    await traffic;
    const got = await reader.take(30);
    expect(got.map((m) => m.text)).toEqual(sent);
    for (const r of offenders) await waitFor("offender closed", r.closed);
    expect(device.closed || reader.closed).toBe(false);
    // And the hub still takes new clients.
    const fresh = await Client.open(t.id, appOpts(t.token, 5));
    expect(fresh.closed).toBe(false);
  });
});
