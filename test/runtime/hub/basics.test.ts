import { beforeAll, describe, expect, it } from "vitest";
import { createDevice, expectOk, api, signup, type TenantFixture } from "../helpers";
import { bytes, connect, openSocket, text } from "./mqtt-client";

let t: TenantFixture;
let secret: Record<string, string> = {};

beforeAll(async () => {
  t = await signup();
  for (const id of ["d1", "d2"]) secret[id] = (await createDevice(t.ownerToken, { id })).credentials.password;
});

describe("hub basics", () => {
  it("accepts a device CONNECT (v5 and v3.1.1) and refuses a wrong secret", async () => {
    const c5 = await connect(t.tenantId, { clientId: "d1", username: "d1", password: secret.d1! });
    c5.close();
    const c3 = await connect(t.tenantId, { clientId: "d1", username: "d1", password: secret.d1!, level: 4 });
    c3.close();
    const bad = await openSocket(t.tenantId, 5);
    bad.send({ type: "connect", protocolLevel: 5, clientId: "d1", keepAlive: 30, cleanStart: true, username: "d1", password: bytes("wrong") });
    expect((await bad.next("connack")).reasonCode).toBe(0x86);
    await bad.waitClosed();
  });

  it("routes a device's telemetry to an application subscriber", async () => {
    const app = await connect(t.tenantId, { clientId: "dash-1", username: "api", password: t.ownerToken });
    app.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${t.tenantId}/devices/+/telemetry`, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    expect((await app.next("suback")).reasonCodes).toEqual([1]);
    const dev = await connect(t.tenantId, { clientId: "d1", username: "d1", password: secret.d1! });
    dev.send({ type: "publish", topic: `t/${t.tenantId}/devices/d1/telemetry`, payload: bytes('{"temp":21}'), qos: 1, retain: false, dup: false, packetId: 7 });
    expect((await dev.next("puback")).packetId).toBe(7);
    const got = await app.next("publish");
    expect(got.topic).toBe(`t/${t.tenantId}/devices/d1/telemetry`);
    expect(text(got.payload)).toBe('{"temp":21}');
    expect(got.qos).toBe(1);
    app.send({ type: "puback", packetId: got.packetId!, reasonCode: 0 });
    dev.close();
    app.close();
  });
});
