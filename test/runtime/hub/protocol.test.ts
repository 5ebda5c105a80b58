/** Protocol rules and bad input: each violation closes only the offending connection. */
import { beforeAll, describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup, type TenantFixture } from "../helpers";
import { bytes, connect, openSocket, text } from "./mqtt-client";

let t: TenantFixture;
let secret = "";
const topic = (channel = "telemetry") => `t/${t.tenantId}/devices/dev-p/${channel}`;

beforeAll(async () => {
  t = await signup();
  secret = (await createDevice(t.ownerToken, { id: "dev-p" })).credentials.password;
});

describe("upgrade", () => {
  it("refuses unknown and suspended tenants before the upgrade, with problem+json", async () => {
    const unknown = await exports.default.fetch("http://localhost/t/no-such-tenant/mqtt", { headers: { upgrade: "websocket", "sec-websocket-protocol": "mqtt" } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("application/problem+json");
    const s = await signup();
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${s.tenantId}`, { token: OPERATOR_TOKEN, body: { status: "suspended" } }));
    const suspended = await exports.default.fetch(`http://localhost/t/${s.tenantId}/mqtt`, { headers: { upgrade: "websocket", "sec-websocket-protocol": "mqtt" } });
    expect(suspended.status).toBe(403);
    expect(((await suspended.json()) as { code: string }).code).toBe("tenant_suspended");
  });

  it("[MQTT-6.0.0-3] echoes the mqtt subprotocol and refuses requests without one", async () => {
    const ok = await exports.default.fetch(`http://localhost/t/${t.tenantId}/mqtt`, { headers: { upgrade: "websocket", "sec-websocket-protocol": "mqttv3.1, mqtt" } });
    expect(ok.status).toBe(101);
    expect(ok.headers.get("sec-websocket-protocol")).toBe("mqtt");
    ok.webSocket!.accept();
    ok.webSocket!.close();
    const none = await exports.default.fetch(`http://localhost/t/${t.tenantId}/mqtt`, { headers: { upgrade: "websocket" } });
    expect(none.status).toBe(400);
    const plain = await exports.default.fetch(`http://localhost/t/${t.tenantId}/mqtt`);
    expect(plain.status).toBe(400);
  });

  it("serves /mqtt on the tenant's own host", async () => {
    const client = await openSocket(t.tenantId, 5, { host: `${t.tenantId}.localhost`, path: "/mqtt" });
    client.send({ type: "connect", protocolLevel: 5, clientId: "dev-p", keepAlive: 30, cleanStart: true, username: "dev-p", password: bytes(secret) });
    expect((await client.next("connack")).reasonCode).toBe(0);
    client.close();
  });
});

describe("protocol violations", () => {
  it("[MQTT-3.1.0-1] closes a connection whose first packet is not CONNECT", async () => {
    const c = await openSocket(t.tenantId, 5);
    c.send({ type: "publish", topic: topic(), payload: bytes("x"), qos: 0, retain: false, dup: false });
    await c.waitClosed();
    expect(c.received.filter((p) => p.type === "connack")).toEqual([]);
  });

  it("[MQTT-3.1.0-2] answers a second CONNECT with DISCONNECT 0x82", async () => {
    const c = await connect(t.tenantId, { clientId: "dev-p", username: "dev-p", password: secret });
    c.send({ type: "connect", protocolLevel: 5, clientId: "dev-p", keepAlive: 30, cleanStart: true, username: "dev-p", password: bytes(secret) });
    expect((await c.next("disconnect")).reasonCode).toBe(0x82);
    await c.waitClosed();
  });

  it("[MQTT-3.1.2-2] refuses an unsupported protocol level with CONNACK 0x84 (v5) or return code 1 (v3)", async () => {
    const v6 = await openSocket(t.tenantId, 5);
    // CONNECT, protocol name MQTT, level 6
    v6.sendRaw([0x10, 0x10, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x06, 0x02, 0x00, 0x3c, 0x00, 0x00, 0x03, 0x61, 0x62, 0x63]);
    expect((await v6.next("connack")).reasonCode).toBe(0x84);
    await v6.waitClosed();
    const v3 = await openSocket(t.tenantId, 4);
    v3.sendRaw([0x10, 0x0f, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x03, 0x02, 0x00, 0x3c, 0x00, 0x03, 0x61, 0x62, 0x63]);
    expect((await v3.next("connack")).reasonCode).toBe(1);
  });

  it("[MQTT-6.0.0-1] closes a connection that sends a text frame", async () => {
    const c = await connect(t.tenantId, { clientId: "dev-p", username: "dev-p", password: secret });
    c.ws.send("hello");
    await c.waitClosed();
  });

  it("[MQTT-4.7.3-1] closes with 0x90 on an invalid topic name, 0x94 on an out-of-range topic alias", async () => {
    const c = await connect(t.tenantId, { clientId: "dev-p", username: "dev-p", password: secret });
    c.send({ type: "publish", topic: `t/${t.tenantId}/devices/dev-p/\u0001`, payload: bytes("x"), qos: 0, retain: false, dup: false });
    expect((await c.next("disconnect")).reasonCode).toBe(0x90);
    const d = await connect(t.tenantId, { clientId: "dev-p", username: "dev-p", password: secret });
    d.send({ type: "publish", topic: topic(), payload: bytes("x"), qos: 0, retain: false, dup: false, properties: { topicAlias: 999 } });
    expect((await d.next("disconnect")).reasonCode).toBe(0x94);
  });

  it("refuses oversized packets with 0x95 before reading them", async () => {
    const c = await connect(t.tenantId, { clientId: "dev-p", username: "dev-p", password: secret });
    c.send({ type: "publish", topic: topic(), payload: new Uint8Array(200 * 1024), qos: 0, retain: false, dup: false });
    expect((await c.next("disconnect")).reasonCode).toBe(0x95);
  });

  it("[MQTT-3.1.4-3] a second connection with the same client id takes over the session (0x8E to the old one)", async () => {
    const first = await connect(t.tenantId, { clientId: "dev-p", username: "dev-p", password: secret });
    const second = await connect(t.tenantId, { clientId: "dev-p", username: "dev-p", password: secret });
    expect((await first.next("disconnect")).reasonCode).toBe(0x8e);
    second.send({ type: "pingreq" });
    await second.next("pingresp");
    second.close();
  });

  it("assigns a client identifier to a v5 client that sends none", async () => {
    const c = await openSocket(t.tenantId, 5);
    c.send({ type: "connect", protocolLevel: 5, clientId: "", keepAlive: 0, cleanStart: true, username: "api", password: bytes(t.ownerToken) });
    const connack = await c.next("connack");
    expect(connack.reasonCode).toBe(0);
    expect(connack.properties?.assignedClientIdentifier).toMatch(/^auto-/);
    expect(connack.properties?.serverKeepAlive).toBe(1200);
    c.close();
  });
});

describe("QoS 2 and flow", () => {
  it("[MQTT-4.3.3] delivers a QoS 2 message exactly once, duplicates of a PUBLISH awaiting PUBREL are not routed again", async () => {
    const sub = await connect(t.tenantId, { clientId: "qos2-sub", username: "api", password: t.ownerToken });
    sub.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: topic(), qos: 2, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await sub.next("suback");
    const pub = await connect(t.tenantId, { clientId: "dev-p", username: "dev-p", password: secret });
    const publish = { type: "publish" as const, topic: topic(), payload: bytes("once"), qos: 2 as const, retain: false, dup: false, packetId: 42 };
    pub.send(publish);
    expect((await pub.next("pubrec")).packetId).toBe(42);
    pub.send({ ...publish, dup: true });
    await pub.next("pubrec");
    pub.send({ type: "pubrel", packetId: 42, reasonCode: 0 });
    expect((await pub.next("pubcomp")).reasonCode).toBe(0);

    const got = await sub.next("publish");
    expect(got.qos).toBe(2);
    expect(text(got.payload)).toBe("once");
    sub.send({ type: "pubrec", packetId: got.packetId!, reasonCode: 0 });
    expect((await sub.next("pubrel")).packetId).toBe(got.packetId);
    sub.send({ type: "pubcomp", packetId: got.packetId!, reasonCode: 0 });
    await sub.nothing("publish", 300);
    pub.close();
    sub.close();
  });

  it("[MQTT-4.9.0-2] respects the subscriber's receive maximum", async () => {
    const sub = await connect(t.tenantId, { clientId: "slow-sub", username: "api", password: t.ownerToken, properties: { receiveMaximum: 2 } });
    sub.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: topic(), qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await sub.next("suback");
    const pub = await connect(t.tenantId, { clientId: "dev-p", username: "dev-p", password: secret });
    for (let i = 0; i < 5; i++) {
      pub.send({ type: "publish", topic: topic(), payload: bytes(`m${i}`), qos: 1, retain: false, dup: false, packetId: i + 1 });
      await pub.next("puback");
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(sub.received.filter((p) => p.type === "publish")).toHaveLength(2);
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const p = await sub.next("publish");
      seen.push(text(p.payload));
      sub.send({ type: "puback", packetId: p.packetId!, reasonCode: 0 });
    }
    expect(seen).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    pub.close();
    sub.close();
  });
});
