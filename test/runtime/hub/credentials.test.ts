/** Changed credentials stop working at once: the API tells the hub, which drops its cache and the clients. */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, memberWithRole, OPERATOR_TOKEN, signup, type TenantFixture } from "../helpers";
import { bytes, connect, openSocket } from "./mqtt-client";

let t: TenantFixture;
beforeAll(async () => {
  t = await signup();
});

async function connackFor(username: string, password: string, clientId: string) {
  const c = await openSocket(t.tenantId, 5);
  c.send({ type: "connect", protocolLevel: 5, clientId, keepAlive: 30, cleanStart: true, username, password: bytes(password) });
  const code = (await c.next("connack")).reasonCode;
  c.close();
  return code;
}

describe("credential changes", () => {
  it("rotating a device secret disconnects the device and refuses the old secret", async () => {
    const { credentials } = await createDevice(t.ownerToken, { id: "rot-1" });
    const live = await connect(t.tenantId, { clientId: "rot-1", username: "rot-1", password: credentials.password });
    const rotated = await expectOk(api("POST", "/api/v1/devices/rot-1/credentials/rotate", { token: t.ownerToken }));
    expect((await live.next("disconnect")).reasonCode).toBe(0x98);
    expect(await connackFor("rot-1", credentials.password, "rot-1")).toBe(0x86);
    expect(await connackFor("rot-1", rotated.credentials.password, "rot-1")).toBe(0);
  });

  it("deleting or disabling a device disconnects it", async () => {
    const a = await createDevice(t.ownerToken, { id: "del-1" });
    const b = await createDevice(t.ownerToken, { id: "dis-1" });
    const liveA = await connect(t.tenantId, { clientId: "del-1", username: "del-1", password: a.credentials.password });
    const liveB = await connect(t.tenantId, { clientId: "dis-1", username: "dis-1", password: b.credentials.password });
    await expectOk(api("DELETE", "/api/v1/devices/del-1", { token: t.ownerToken }), 204);
    expect((await liveA.next("disconnect")).reasonCode).toBe(0x98);
    await expectOk(api("PATCH", "/api/v1/devices/dis-1", { token: t.ownerToken, body: { disabled: true } }));
    expect((await liveB.next("disconnect")).reasonCode).toBe(0x98);
    expect(await connackFor("dis-1", b.credentials.password, "dis-1")).toBe(0x87);
  });

  it("revoking an API key and removing a member disconnect their application clients", async () => {
    const key = await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "backend", role: "MEMBER" } }), 201);
    const member = await memberWithRole(t, "VIEWER");
    const byKey = await connect(t.tenantId, { clientId: "backend-1", username: "api", password: key.key });
    const byUser = await connect(t.tenantId, { clientId: "viewer-1", username: "api", password: member.token });
    await expectOk(api("DELETE", `/api/v1/api-keys/${key.apiKey.id}`, { token: t.ownerToken }), 204);
    expect((await byKey.next("disconnect")).reasonCode).toBe(0x98);
    expect(await connackFor("api", key.key, "backend-2")).toBe(0x86);
    await expectOk(api("DELETE", `/api/v1/members/${member.userId}`, { token: t.ownerToken }), 204);
    expect((await byUser.next("disconnect")).reasonCode).toBe(0x98);
    expect(await connackFor("api", member.token, "viewer-2")).toBe(0x87);
  });

  it("a gateway may publish for a child registered while it is connected", async () => {
    const gw = await createDevice(t.ownerToken, { id: "gw-live", type: "gateway" });
    const live = await connect(t.tenantId, { clientId: "gw-live", username: "gw-live", password: gw.credentials.password });
    const childTopic = `t/${t.tenantId}/devices/kid-live/telemetry`;
    live.send({ type: "publish", topic: childTopic, payload: bytes("{}"), qos: 1, retain: false, dup: false, packetId: 1 });
    expect((await live.next("puback")).reasonCode).toBe(0x87);
    await createDevice(t.ownerToken, { id: "kid-live", parentId: "gw-live" });
    live.send({ type: "publish", topic: childTopic, payload: bytes("{}"), qos: 1, retain: false, dup: false, packetId: 2 });
    expect((await live.next("puback")).reasonCode).toBe(0);
    live.close();
  });

  it("suspending the tenant closes every connection and refuses new ones", async () => {
    const s = await signup();
    const dev = await createDevice(s.ownerToken, { id: "s-1" });
    const live = await connect(s.tenantId, { clientId: "s-1", username: "s-1", password: dev.credentials.password });
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${s.tenantId}`, { token: OPERATOR_TOKEN, body: { status: "suspended" } }));
    expect((await live.next("disconnect")).reasonCode).toBe(0x98);
  });
});
