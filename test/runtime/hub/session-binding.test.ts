/**
 * A session belongs to the credential that created it: another credential presenting the same
 * client id is refused (CONNACK 0x85), so it can neither kick the owner off (0x8E) nor resume
 * its subscriptions and queued messages.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, expectOk, signup, type TenantFixture } from "../helpers";
import { bytes, connect, openSocket, text } from "./mqtt-client";

let t: TenantFixture;
let adminKey: string;
let viewerKey: string;
const persistent = { sessionExpiryInterval: 3600 };
const sub = (topicFilter: string) => ({ topicFilter, qos: 1 as const, noLocal: false, retainAsPublished: false, retainHandling: 0 as const });

beforeAll(async () => {
  t = await signup();
  adminKey = (await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "admin integration", role: "ADMIN" } }), 201)).key;
  viewerKey = (await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "viewer", role: "VIEWER" } }), 201)).key;
});

async function connackAs(password: string, clientId: string, o: { level?: 4 | 5; cleanStart?: boolean } = {}) {
  const level = o.level ?? 5;
  const c = await openSocket(t.tenantId, level);
  c.send({ type: "connect", protocolLevel: level, clientId, keepAlive: 30, cleanStart: o.cleanStart ?? false, username: "api", password: bytes(password), ...(level === 5 ? { properties: persistent } : {}) });
  const connack = await c.next("connack");
  await c.nothing("publish", 300);
  c.close();
  return connack;
}

describe("session binding", () => {
  it("a VIEWER key with the ADMIN integration's client id gets neither its session nor its queued messages", async () => {
    const cmdTopic = `t/${t.tenantId}/devices/pump-1/cmd/start`;
    const owner = await connect(t.tenantId, { clientId: "integration-1", username: "api", password: adminKey, cleanStart: false, properties: persistent });
    owner.send({ type: "subscribe", packetId: 1, subscriptions: [sub(cmdTopic)] });
    await owner.next("suback");
    owner.send({ type: "disconnect", reasonCode: 0 });
    await owner.waitClosed();

    // A QoS 1, non-retained message queued for the offline ADMIN session.
    const publisher = await connect(t.tenantId, { clientId: "publisher-1", username: "api", password: t.ownerToken });
    publisher.send({ type: "publish", topic: cmdTopic, payload: bytes("queued-for-admin"), qos: 1, retain: false, dup: false, packetId: 1 });
    expect((await publisher.next("puback")).reasonCode).toBe(0);
    publisher.close();

    const stolen = await connackAs(viewerKey, "integration-1");
    expect(stolen.reasonCode).toBe(0x85);
    expect(stolen.sessionPresent).toBe(false);
    // Nor with a clean start, which would have discarded the owner's session.
    expect((await connackAs(viewerKey, "integration-1", { cleanStart: true })).reasonCode).toBe(0x85);
    // v3.1.1: "identifier rejected".
    expect((await connackAs(viewerKey, "integration-1", { level: 4 })).reasonCode).toBe(2);

    // The owner's session is intact: it resumes and gets the queued message.
    const back = await connect(t.tenantId, { clientId: "integration-1", username: "api", password: adminKey, cleanStart: false, properties: persistent });
    const queued = await back.next("publish");
    expect(text(queued.payload)).toBe("queued-for-admin");
    back.send({ type: "puback", packetId: queued.packetId!, reasonCode: 0 });
    back.close();
  });

  it("another credential cannot kick a connected session's owner off", async () => {
    const owner = await connect(t.tenantId, { clientId: "integration-2", username: "api", password: adminKey, cleanStart: false, properties: persistent });
    expect((await connackAs(viewerKey, "integration-2")).reasonCode).toBe(0x85);
    await owner.nothing("disconnect", 200);
    owner.send({ type: "pingreq" });
    await owner.next("pingresp");
    owner.close();
  });

  it("the same credential takes its own session over, also through a token vended from it", async () => {
    const first = await connect(t.tenantId, { clientId: "integration-3", username: "api", password: adminKey, cleanStart: false, properties: persistent });
    const vended = await expectOk(api("POST", "/api/v1/auth/token", { body: { apiKey: adminKey } }));
    const second = await openSocket(t.tenantId, 5);
    second.send({ type: "connect", protocolLevel: 5, clientId: "integration-3", keepAlive: 30, cleanStart: false, username: "api", password: bytes(vended.token), properties: persistent });
    const connack = await second.next("connack");
    expect(connack.reasonCode).toBe(0);
    expect(connack.sessionPresent).toBe(true);
    expect((await first.next("disconnect")).reasonCode).toBe(0x8e);
    second.close();
  });

  it("a revoked key's sessions end, so the client id is free for its replacement", async () => {
    const old = await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "to rotate", role: "MEMBER" } }), 201);
    const live = await connect(t.tenantId, { clientId: "integration-4", username: "api", password: old.key, cleanStart: false, properties: persistent });
    await expectOk(api("DELETE", `/api/v1/api-keys/${old.apiKey.id}`, { token: t.ownerToken }), 204);
    expect((await live.next("disconnect")).reasonCode).toBe(0x98);
    const replacement = await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "rotated", role: "MEMBER" } }), 201);
    const connack = await connackAs(replacement.key, "integration-4");
    expect(connack.reasonCode).toBe(0);
    expect(connack.sessionPresent).toBe(false);
  });
});
