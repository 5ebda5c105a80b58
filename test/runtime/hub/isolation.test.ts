/**
 * Cross-tenant MQTT paths: credentials of one tenant at another tenant's hub, topics naming
 * another tenant, and two tenants with identical device ids and topics that never see each
 * other. Denials are counted and audited.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { bytes, connect, openSocket, text } from "./mqtt-client";

let A: TenantFixture;
let B: TenantFixture;
const secrets: Record<string, Record<string, string>> = {};
const sub = (topicFilter: string) => ({ topicFilter, qos: 1 as const, noLocal: false, retainAsPublished: false, retainHandling: 0 as const });

beforeAll(async () => {
  [A, B] = [await signup(), await signup()];
  for (const t of [A, B]) {
    secrets[t.tenantId] = {};
    for (const id of ["meter-1", "meter-2"]) secrets[t.tenantId]![id] = (await createDevice(t.ownerToken, { id })).credentials.password;
  }
});

async function refusedWith(tenantId: string, username: string, password: string, clientId: string, level: 4 | 5 = 5) {
  const c = await openSocket(tenantId, level);
  c.send({ type: "connect", protocolLevel: level, clientId, keepAlive: 30, cleanStart: true, username, password: bytes(password) });
  const connack = await c.next("connack");
  await c.waitClosed();
  return connack.reasonCode;
}

describe("MQTT tenant isolation", () => {
  it("refuses A's device credentials and A's tokens at B's hub", async () => {
    expect(await refusedWith(B.tenantId, "meter-1", secrets[A.tenantId]!["meter-1"]!, "meter-1")).toBe(0x86);
    expect(await refusedWith(B.tenantId, "meter-1", secrets[A.tenantId]!["meter-1"]!, "meter-1", 4)).toBe(4);
    expect(await refusedWith(B.tenantId, "api", A.ownerToken, "dash")).toBe(0x87);
    expect(await refusedWith(B.tenantId, "api", A.ownerToken, "dash", 4)).toBe(5);
    const key = await expectOk(api("POST", "/api/v1/api-keys", { token: A.ownerToken, body: { name: "k", role: "ADMIN" } }), 201);
    expect(await refusedWith(B.tenantId, "api", key.key, "dash")).toBe(0x87);
    // The refusals are audited (in batches) in the tenant whose hub refused them.
    await new Promise((r) => setTimeout(r, 1200));
    const audit = await expectOk(api("GET", "/api/v1/audit?action=mqtt.connect&outcome=failure", { token: B.ownerToken }));
    expect(audit.items.length).toBeGreaterThanOrEqual(3);
  });

  it("identical device ids and topics in two tenants never reach each other", async () => {
    const watchers = await Promise.all([A, B].map((t) => connect(t.tenantId, { clientId: "watcher", username: "api", password: t.ownerToken })));
    for (const [i, t] of [A, B].entries()) {
      watchers[i]!.send({ type: "subscribe", packetId: 1, subscriptions: [sub(`t/${t.tenantId}/#`), sub(`tenants/${t.tenantId}/#`)] });
      expect((await watchers[i]!.next("suback")).reasonCodes).toEqual([1, 1]);
    }
    for (const t of [A, B]) {
      const dev = await connect(t.tenantId, { clientId: "meter-1", username: "meter-1", password: secrets[t.tenantId]!["meter-1"]! });
      dev.send({ type: "publish", topic: `t/${t.tenantId}/devices/meter-1/telemetry`, payload: bytes(`from ${t.tenantId}`), qos: 1, retain: true, dup: false, packetId: 1 });
      await dev.next("puback");
      dev.close();
    }
    for (const [i, t] of [A, B].entries()) {
      // Everything a watcher hears is its own tenant's: the device's reading and its health changes.
      const heard: { topic: string; payload: string }[] = [];
      for (;;) {
        const p = await watchers[i]!.next("publish", 500).catch(() => null);
        if (!p) break;
        heard.push({ topic: p.topic, payload: text(p.payload) });
      }
      expect(heard.filter((h) => h.topic.includes("/telemetry")).map((h) => h.payload)).toEqual([`from ${t.tenantId}`]);
      for (const h of heard) expect(h.topic.startsWith(`t/${t.tenantId}/`), h.topic).toBe(true);
      expect(heard.filter((h) => h.topic === `t/${t.tenantId}/health/meter-1`).length).toBeGreaterThan(0);
    }
    // Retained messages too: a late subscriber sees only its own tenant's.
    const late = await connect(A.tenantId, { clientId: "late", username: "api", password: A.ownerToken });
    late.send({ type: "subscribe", packetId: 1, subscriptions: [sub(`t/${A.tenantId}/devices/+/telemetry`)] });
    await late.next("suback");
    expect(text((await late.next("publish")).payload)).toBe(`from ${A.tenantId}`);
    await late.nothing("publish", 200);
    for (const w of [...watchers, late]) w.close();
  });

  it("denies topics and filters that name another tenant, even from an OWNER, and audits the denial", async () => {
    const owner = await connect(A.tenantId, { clientId: "owner-app", username: "api", password: A.ownerToken });
    owner.send({ type: "subscribe", packetId: 1, subscriptions: [sub(`t/${B.tenantId}/#`), sub("#"), sub("t/+/devices/#"), sub(`$SYS/t/${B.tenantId}/stats`)] });
    expect((await owner.next("suback")).reasonCodes).toEqual([0x87, 0x87, 0x87, 0x87]);
    owner.send({ type: "publish", topic: `t/${B.tenantId}/devices/meter-1/cmd/1`, payload: bytes("x"), qos: 1, retain: false, dup: false, packetId: 2 });
    expect((await owner.next("puback")).reasonCode).toBe(0x87);
    owner.close();
    const v3 = await connect(A.tenantId, { clientId: "owner-v3", username: "api", password: A.ownerToken, level: 4 });
    v3.send({ type: "subscribe", packetId: 1, subscriptions: [sub(`t/${B.tenantId}/#`)] });
    expect((await v3.next("suback")).reasonCodes).toEqual([0x80]);
    v3.close();
    await new Promise((r) => setTimeout(r, 1200)); // audit rows are written in batches
    const later = await expectOk(api("GET", "/api/v1/audit?outcome=denied&limit=200", { token: A.ownerToken }));
    const targets = later.items.map((e: { targetId: string }) => e.targetId);
    expect(targets).toEqual(expect.arrayContaining([`t/${B.tenantId}/#`, `t/${B.tenantId}/devices/meter-1/cmd/1`]));
  });

  it("denies a device another device's topics (publish 0x87, QoS 0 dropped, subscribe 0x87)", async () => {
    const watcher = await connect(A.tenantId, { clientId: "watch-2", username: "api", password: A.ownerToken });
    watcher.send({ type: "subscribe", packetId: 1, subscriptions: [sub(`t/${A.tenantId}/devices/meter-2/#`)] });
    await watcher.next("suback");
    const dev = await connect(A.tenantId, { clientId: "meter-1", username: "meter-1", password: secrets[A.tenantId]!["meter-1"]! });
    dev.send({ type: "publish", topic: `t/${A.tenantId}/devices/meter-2/telemetry`, payload: bytes("spoof"), qos: 1, retain: false, dup: false, packetId: 3 });
    expect((await dev.next("puback")).reasonCode).toBe(0x87);
    dev.send({ type: "publish", topic: `t/${A.tenantId}/devices/meter-2/telemetry`, payload: bytes("spoof0"), qos: 0, retain: false, dup: false });
    dev.send({ type: "subscribe", packetId: 4, subscriptions: [sub(`t/${A.tenantId}/devices/meter-2/cmd/+`), sub(`t/${A.tenantId}/devices/meter-1/cmd/+`)] });
    expect((await dev.next("suback")).reasonCodes).toEqual([0x87, 1]);
    await watcher.nothing("publish", 300);
    dev.close();
    watcher.close();
  });

  it("a client of tenant A cannot reach B through B's host either", async () => {
    const c = await openSocket(B.tenantId, 5, { host: `${B.tenantId}.localhost`, path: `/t/${A.tenantId}/mqtt` }).catch((e: Error) => e);
    expect(c).toBeInstanceOf(Error);
    expect(String(c)).toContain("404");
  });
});
