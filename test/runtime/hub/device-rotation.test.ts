/**
 * Credential rotation without downtime: the platform asks the device (attributes/set), the new
 * credential is registered as replacing the old one, and the hub revokes the old one the first
 * time the device connects with the new one. The device is never without a working credential.
 */
import { SignJWT, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { builtCertificate, openWithCf, verifiedAtEdge } from "./certificates";
import { bytes, connect, openSocket, text } from "./mqtt-client";

let t: TenantFixture;
beforeAll(async () => {
  t = await signup();
});

async function newKey() {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JWK;
  const sign = (deviceId: string) => new SignJWT({}).setProtectedHeader({ alg: "ES256" }).setSubject(deviceId).setAudience(`mqtt://${t.tenantId}.localhost`).setIssuedAt().setExpirationTime("1h").sign(pair.privateKey);
  return { jwk, sign };
}

const credentialsOf = async (id: string) => (await expectOk(api("GET", `/api/v1/devices/${id}/credentials`, { token: t.ownerToken }))).items as { id: string; status: string; replacesId: string | null }[];

async function connackFor(deviceId: string, password: string) {
  const c = await openSocket(t.tenantId, 5);
  c.send({ type: "connect", protocolLevel: 5, clientId: deviceId, keepAlive: 30, cleanStart: true, username: deviceId, password: bytes(password) });
  const code = (await c.next("connack")).reasonCode;
  c.close();
  return code;
}

describe("credential rotation", () => {
  it("request, register the replacement, switch: the old key is revoked when the new one is first used", async () => {
    await createDevice(t.ownerToken, { id: "roll-1" });
    const oldKey = await newKey();
    const first = await expectOk(api("POST", "/api/v1/devices/roll-1/credentials", { token: t.ownerToken, body: { type: "jwk", jwk: oldKey.jwk } }), 201);
    const session = { cleanStart: false, properties: { sessionExpiryInterval: 3600 } };
    const before = await connect(t.tenantId, { clientId: "roll-1", username: "roll-1", password: await oldKey.sign("roll-1"), ...session });
    before.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${t.tenantId}/devices/roll-1/attributes/set`, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await before.next("suback");

    // 1. The platform asks the device to rotate.
    const request = await expectOk(api("POST", "/api/v1/devices/roll-1/credentials/rotation-request", { token: t.ownerToken, body: { replaces: first.id, reason: "yearly rotation" } }));
    expect(request.published).toBe(true);
    const asked = await before.next("publish");
    expect(asked.retain).toBe(false);
    expect(JSON.parse(text(asked.payload)).credentialRotation).toMatchObject({ replaces: first.id, type: "jwk", fingerprint: first.fingerprint, reason: "yearly rotation" });

    // 2. The new key is registered as the replacement; the old one keeps working meanwhile.
    const newKeyPair = await newKey();
    const second = await expectOk(api("POST", "/api/v1/devices/roll-1/credentials", { token: t.ownerToken, body: { type: "jwk", jwk: newKeyPair.jwk, replaces: first.id } }), 201);
    expect(second.replacesId).toBe(first.id);
    await before.nothing("disconnect", 200);
    expect((await credentialsOf("roll-1")).map((c) => c.status)).toEqual(["active", "active"]);

    // 3. The device switches: its session carries over, the old key is revoked by the hub.
    const after = await connect(t.tenantId, { clientId: "roll-1", username: "roll-1", password: await newKeyPair.sign("roll-1"), ...session });
    expect((await before.next("disconnect")).reasonCode).toBe(0x8e);
    expect(await credentialsOf("roll-1")).toMatchObject([
      { id: first.id, status: "revoked" },
      { id: second.id, status: "active", replacesId: null },
    ]);
    expect(await connackFor("roll-1", await oldKey.sign("roll-1"))).toBe(0x87);
    after.send({ type: "pingreq" });
    await after.next("pingresp");
    const audit = await expectOk(api("GET", "/api/v1/audit?action=device.credential_revoked", { token: t.ownerToken }));
    expect(audit.items[0]).toMatchObject({ actorType: "device", actorId: "roll-1", details: { credentialId: first.id, replacedBy: second.id, reason: "rotation completed" } });
    after.close();
  });

  it("works the same from one certificate to the next", async () => {
    await createDevice(t.ownerToken, { id: "roll-2" });
    const [oldCert, newCert] = await Promise.all([1, 2].map((n) => builtCertificate({ cn: `roll-2 #${n}`, notAfter: Date.now() + n * 86_400_000 })));
    const first = await expectOk(api("POST", "/api/v1/devices/roll-2/credentials", { token: t.ownerToken, body: { type: "certificate", pem: oldCert!.pem } }), 201);
    await expectOk(api("POST", "/api/v1/devices/roll-2/credentials", { token: t.ownerToken, body: { type: "certificate", pem: newCert!.pem, replaces: first.id } }), 201);
    const client = await openWithCf(t.tenantId, verifiedAtEdge(newCert!.fingerprint));
    client.send({ type: "connect", protocolLevel: 5, clientId: "roll-2", keepAlive: 30, cleanStart: true });
    expect((await client.next("connack")).reasonCode).toBe(0);
    expect((await credentialsOf("roll-2")).map((c) => c.status)).toEqual(["revoked", "active"]);
    client.close();
  });

  it("refuses to replace what is not an active credential of the device", async () => {
    await createDevice(t.ownerToken, { id: "roll-3" });
    const key = await newKey();
    const r = await api("POST", "/api/v1/devices/roll-3/credentials", { token: t.ownerToken, body: { type: "jwk", jwk: key.jwk, replaces: "dc_unknown" } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe("body.replaces");
    expect((await api("POST", "/api/v1/devices/roll-3/credentials/rotation-request", { token: t.ownerToken, body: { replaces: "dc_unknown" } })).status).toBe(404);
  });
});
