/**
 * MQTT 5 features with MQTT.js: topic aliases both ways, message expiry, user properties,
 * request/response, subscription identifiers, no local, retain as published, receive maximum,
 * maximum packet size. (Assigned client ids and Server Keep Alive: mqtt-connect.test.ts.)
 */
import type { IPublishPacket } from "mqtt";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "./client";
import { appOpts, barrier, Client, closeClients, deviceOpts, newTenant, registerDevice, sleep, waitFor, type Tenant } from "./mqtt-helpers";

afterEach(closeClients);

let t: Tenant;
beforeAll(async () => {
  t = await newTenant("v5");
});

const app = (extra = {}) => Client.open(t.id, appOpts(t.token, 5, extra));
const publishes = (packets: { cmd: string }[]) => packets.filter((p): p is IPublishPacket => p.cmd === "publish");
const ids = (p: IPublishPacket) => [p.properties?.subscriptionIdentifier ?? []].flat();

describe("MQTT 5", () => {
  it("accepts topic aliases from the client (autoAssignTopicAlias / autoUseTopicAlias)", async () => {
    const reader = await app();
    await reader.sub(`t/${t.id}/alias/#`, { qos: 1 });
    const auto = await app({ autoAssignTopicAlias: true });
    for (const p of ["a1", "a2", "a3"]) await auto.pub(`t/${t.id}/alias/auto`, p, { qos: 1 });
    const manual = await app({ autoUseTopicAlias: true });
    await manual.pub(`t/${t.id}/alias/manual`, "m1", { qos: 1, properties: { topicAlias: 7 } });
    await manual.pub(`t/${t.id}/alias/manual`, "m2", { qos: 0 });
    await manual.pub(`t/${t.id}/alias/manual`, "m3", { qos: 1 });
    // On the wire, only the first PUBLISH of each topic carried the topic name.
    expect(publishes(auto.sent).map((p) => [p.topic, p.properties?.topicAlias])).toEqual([
      [`t/${t.id}/alias/auto`, 1],
      ["", 1],
      ["", 1],
    ]);
    expect(publishes(manual.sent).map((p) => [p.topic, p.properties?.topicAlias])).toEqual([
      [`t/${t.id}/alias/manual`, 7],
      ["", 7],
      ["", 7],
    ]);
    const got = await reader.take(6);
    expect(got.map((m) => `${m.topic} ${m.text}`).sort()).toEqual(["a1", "a2", "a3"].map((p) => `t/${t.id}/alias/auto ${p}`).concat(["m1", "m2", "m3"].map((p) => `t/${t.id}/alias/manual ${p}`)));
  });

  it("uses topic aliases towards a client only within its Topic Alias Maximum [MQTT-3.1.2-26] [MQTT-3.1.2-27]", async () => {
    const writer = await app();
    const withAliases = await app({ properties: { topicAliasMaximum: 2 } });
    const without = await app();
    for (const c of [withAliases, without]) await c.sub(`t/${t.id}/down/#`, { qos: 1 });
    const topics = ["a", "b", "c", "a", "b", "c"].map((x) => `t/${t.id}/down/${x}`);
    for (const [i, topic] of topics.entries()) await writer.pub(topic, `n${i}`, { qos: 1 });
    const got = await withAliases.take(6);
    // MQTT.js resolved every alias back to the full topic.
    expect(got.map((m) => m.topic)).toEqual(topics);
    const wire = publishes(withAliases.wire).map((p) => [p.topic, p.properties?.topicAlias]);
    // Two aliases: `a` and `b` get them and are sent by alias the second time; `c` never gets one.
    expect(wire).toEqual([
      [topics[0], 1],
      [topics[1], 2],
      [topics[2], undefined],
      ["", 1],
      ["", 2],
      [topics[2], undefined],
    ]);
    await without.take(6);
    expect(publishes(without.wire).every((p) => p.properties?.topicAlias === undefined && p.topic !== "")).toBe(true);
  });

  it("drops messages whose expiry interval passed while queued, and sends the remaining interval [MQTT-3.3.2-5] [MQTT-3.3.2-6]", async () => {
    const id = uniqueId("exp");
    const persistent = { clientId: id, clean: false, properties: { sessionExpiryInterval: 60 } };
    const reader = await app(persistent);
    await reader.sub(`t/${t.id}/expiry/#`, { qos: 1 });
    await reader.end();
    const writer = await app();
    await writer.pub(`t/${t.id}/expiry/q`, "short", { qos: 1, properties: { messageExpiryInterval: 1 } });
    await writer.pub(`t/${t.id}/expiry/q`, "long", { qos: 1, properties: { messageExpiryInterval: 60 } });
    await writer.pub(`t/${t.id}/expiry/r`, "retained short", { qos: 1, retain: true, properties: { messageExpiryInterval: 1 } });
    await sleep(1600);
    const back = await app(persistent);
    expect(back.sessionPresent).toBe(true);
    const m = await back.next();
    expect(m.text).toBe("long");
    expect(m.packet.properties?.messageExpiryInterval).toBeGreaterThanOrEqual(57);
    expect(m.packet.properties?.messageExpiryInterval).toBeLessThanOrEqual(59);
    // An expired retained message is not sent to new subscribers either; the live one is.
    await writer.pub(`t/${t.id}/expiry/s`, "retained long", { qos: 1, retain: true, properties: { messageExpiryInterval: 60 } });
    const late = await app();
    await late.sub({ [`t/${t.id}/expiry/r`]: { qos: 1 }, [`t/${t.id}/expiry/s`]: { qos: 1 } });
    expect((await late.next()).text).toBe("retained long");
    expect(late.all.map((x) => x.text)).toEqual(["retained long"]);
    expect(back.received((x) => x.text === "short")).toEqual([]);
  });

  it("forwards user properties unaltered and in order, content type and payload format [MQTT-3.3.2-17] [MQTT-3.3.2-18]", async () => {
    const d = await registerDevice(t, uniqueId("up"));
    const device = await Client.open(t.id, deviceOpts(d, 5));
    const reader = await app();
    await reader.sub(`t/${t.id}/devices/${d.id}/events`, { qos: 1 });
    const userProperties = { z: "last-name-first", a: ["1", "2", "1"], ключ: "значение" };
    await device.pub(`t/${t.id}/devices/${d.id}/events`, '{"e":"door"}', { qos: 1, properties: { userProperties, contentType: "application/json", payloadFormatIndicator: true } });
    const m = await reader.next();
    expect(m.packet.properties).toMatchObject({ userProperties, contentType: "application/json", payloadFormatIndicator: true });
    expect(Object.keys(m.packet.properties!.userProperties!)).toEqual(["z", "a", "ключ"]);
  });

  it("passes response topic and correlation data through a command round trip [MQTT-3.3.2-15] [MQTT-3.3.2-16]", async () => {
    const d = await registerDevice(t, uniqueId("rr"));
    const device = await Client.open(t.id, deviceOpts(d, 5));
    await device.sub(`t/${t.id}/devices/${d.id}/cmd/+`, { qos: 1 });
    const backend = await app();
    const responseTopic = `t/${t.id}/devices/${d.id}/cmd/c-42/response`;
    await backend.sub(responseTopic, { qos: 1 });
    const correlationData = Buffer.from([0xca, 0xfe, 0x00, 0x42]);
    await backend.pub(`t/${t.id}/devices/${d.id}/cmd/c-42`, '{"op":"reboot"}', { qos: 1, properties: { responseTopic, correlationData } });

    const req = await device.next();
    expect(req.packet.properties?.responseTopic).toBe(responseTopic);
    expect(Buffer.compare(req.packet.properties!.correlationData!, correlationData)).toBe(0);
    await device.pub(req.packet.properties!.responseTopic!, '{"ok":true}', { qos: 1, properties: { correlationData: req.packet.properties!.correlationData! } });
    const res = await backend.next(responseTopic);
    expect(res.text).toBe('{"ok":true}');
    expect(Buffer.compare(res.packet.properties!.correlationData!, correlationData)).toBe(0);
  });

  it("sends the subscription identifiers of every matching subscription in one copy [MQTT-3.3.4-3] [MQTT-3.3.4-4]", async () => {
    const writer = await app();
    const reader = await app();
    expect(await reader.sub(`t/${t.id}/sid/+/x`, { qos: 1, properties: { subscriptionIdentifier: 7 } })).toEqual([1]);
    expect(await reader.sub(`t/${t.id}/sid/a/#`, { qos: 0, properties: { subscriptionIdentifier: 300 } })).toEqual([0]);
    expect(await reader.sub(`t/${t.id}/sid/b/x`, { qos: 1 })).toEqual([1]);
    await writer.pub(`t/${t.id}/sid/a/x`, "both", { qos: 1 });
    await writer.pub(`t/${t.id}/sid/a/y`, "one", { qos: 1 });
    await writer.pub(`t/${t.id}/sid/b/x`, "seven and none", { qos: 1 });
    const [both, one, seven] = await reader.take(3);
    expect([both!.text, ids(both!.packet).sort((x, y) => x - y), both!.packet.qos]).toEqual(["both", [7, 300], 1]);
    expect([one!.text, ids(one!.packet)]).toEqual(["one", [300]]);
    expect([seven!.text, ids(seven!.packet)]).toEqual(["seven and none", [7]]);
    expect(reader.all).toHaveLength(3);
  });

  it("No Local keeps a client's own messages from it [MQTT-3.8.3-3]; Retain As Published keeps RETAIN [MQTT-3.3.1-12] [MQTT-3.3.1-13]", async () => {
    const chat = `t/${t.id}/chat/room`;
    const me = await app();
    const other = await app();
    await me.sub({ [chat]: { qos: 1, nl: true }, [`t/${t.id}/chat/marker`]: { qos: 1 } });
    await other.sub({ [chat]: { qos: 1, rap: true }, [`t/${t.id}/chat/plain`]: { qos: 1, rap: false } });
    await me.pub(chat, "hello", { qos: 1, retain: true });
    await me.pub(`t/${t.id}/chat/plain`, "plain", { qos: 1, retain: true });
    await barrier(me, me, `t/${t.id}/chat/marker`);
    expect(me.received(chat)).toEqual([]);
    const [rap, plain] = await other.take(2);
    expect([rap!.text, rap!.packet.retain]).toEqual(["hello", true]);
    expect([plain!.text, plain!.packet.retain]).toEqual(["plain", false]);
  });

  it("never has more unacknowledged QoS 1 messages out to a client than its Receive Maximum [MQTT-3.3.4-9]", async () => {
    let holding = true;
    const held: (() => void)[] = [];
    const reader = await app({
      properties: { receiveMaximum: 2 },
      customHandleAcks: (_topic: string, _message: Buffer, _packet: unknown, done: (code: number) => void) => (holding ? held.push(() => done(0)) : done(0)),
    });
    await reader.sub(`t/${t.id}/flow`, { qos: 1 });
    const writer = await app();
    for (let i = 0; i < 5; i++) await writer.pub(`t/${t.id}/flow`, `f${i}`, { qos: 1 });
    await waitFor("two PUBLISHes on the wire", () => publishes(reader.wire).length >= 2);
    await sleep(400);
    expect(publishes(reader.wire).map((p) => p.payload.toString())).toEqual(["f0", "f1"]);
    holding = false;
    for (const release of held.splice(0)) release();
    const got = await reader.take(5);
    expect(got.map((m) => m.text)).toEqual(["f0", "f1", "f2", "f3", "f4"]);
  });

  it("discards packets larger than the client's Maximum Packet Size as if sent [MQTT-3.1.2-24] [MQTT-3.1.2-25]", async () => {
    const writer = await app();
    // Receive Maximum 1: a discarded QoS 1 message must not keep the only slot busy.
    const reader = await app({ properties: { maximumPacketSize: 256, receiveMaximum: 1 } });
    await reader.sub(`t/${t.id}/size/#`, { qos: 1 });
    await writer.pub(`t/${t.id}/size/big`, "x".repeat(1000), { qos: 1 });
    await writer.pub(`t/${t.id}/size/small`, "fits", { qos: 1 });
    expect((await reader.next()).text).toBe("fits");
    expect(reader.received(`t/${t.id}/size/big`)).toEqual([]);
  });
});
