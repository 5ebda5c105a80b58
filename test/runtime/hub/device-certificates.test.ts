/**
 * Devices that connect over mTLS: Cloudflare verifies the client certificate at the edge and the
 * Worker forwards its fingerprint to the hub (here `cf` is supplied by the test, as the edge would).
 * Username and password become optional; the certificate must be registered and active in this
 * tenant, and within its validity.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { builtCertificate, openWithCf, verifiedAtEdge } from "./certificates";
import { bytes, type TestClient } from "./mqtt-client";

let t: TenantFixture;
beforeAll(async () => {
  t = await signup();
});

const YEAR = 365 * 86_400_000;

async function deviceWithCertificate(id: string, tenant = t, notAfter = Date.now() + YEAR) {
  const device = await createDevice(tenant.ownerToken, { id });
  const cert = await builtCertificate({ cn: id, notAfter });
  const credential = await expectOk(api("POST", `/api/v1/devices/${id}/credentials`, { token: tenant.ownerToken, body: { type: "certificate", pem: cert.pem } }), 201);
  expect(credential.fingerprint).toBe(cert.fingerprint);
  return { secret: device.credentials.password as string, fingerprint: cert.fingerprint, credentialId: credential.id as string };
}

type Login = { clientId: string; username?: string; password?: string; level?: 4 | 5; cf?: unknown; headers?: Record<string, string>; tenantId?: string };

async function open(o: Login): Promise<{ client: TestClient; code: number }> {
  const level = o.level ?? 5;
  const client = await openWithCf(o.tenantId ?? t.tenantId, o.cf, { level, ...(o.headers ? { headers: o.headers } : {}) });
  client.send({
    type: "connect",
    protocolLevel: level,
    clientId: o.clientId,
    keepAlive: 30,
    cleanStart: true,
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: bytes(o.password) } : {}),
  });
  return { client, code: (await client.next("connack")).reasonCode };
}

async function connackFor(o: Login): Promise<number> {
  const { client, code } = await open(o);
  client.close();
  return code;
}

describe("device certificates (mTLS at the edge)", () => {
  it("a device connects with its verified certificate alone, or with its own id as username", async () => {
    const { fingerprint } = await deviceWithCertificate("cert-1");
    expect(await connackFor({ clientId: "cert-1", cf: verifiedAtEdge(fingerprint) })).toBe(0);
    expect(await connackFor({ clientId: "cert-1", username: "cert-1", cf: verifiedAtEdge(fingerprint.toUpperCase()) })).toBe(0);
    expect(await connackFor({ clientId: "cert-1", cf: verifiedAtEdge(fingerprint), level: 4 })).toBe(0);
    // The certificate names the device: another username or client id is refused.
    await createDevice(t.ownerToken, { id: "cert-other" });
    expect(await connackFor({ clientId: "cert-1", username: "cert-other", cf: verifiedAtEdge(fingerprint) })).toBe(0x86);
    expect(await connackFor({ clientId: "cert-other", cf: verifiedAtEdge(fingerprint) })).toBe(0x85);
    await new Promise((r) => setTimeout(r, 300));
    const [credential] = (await expectOk(api("GET", "/api/v1/devices/cert-1/credentials", { token: t.ownerToken }))).items;
    expect(credential.lastUsedAt).toBeGreaterThan(0);
  });

  it("counts only what the edge verified: unverified certificates and client-sent headers are ignored", async () => {
    const { fingerprint, secret } = await deviceWithCertificate("cert-2");
    const unverified = { tlsClientAuth: { certPresented: "1", certVerified: "FAILED:unable to get local issuer certificate", certFingerprintSHA256: fingerprint } };
    expect(await connackFor({ clientId: "cert-2", username: "cert-2", cf: unverified })).toBe(0x86);
    const revokedAtEdge = { tlsClientAuth: { ...verifiedAtEdge(fingerprint).tlsClientAuth, certRevoked: "1" } };
    expect(await connackFor({ clientId: "cert-2", username: "cert-2", cf: revokedAtEdge })).toBe(0x86);
    // A client cannot claim a certificate by sending the header the Worker uses towards the hub.
    expect(await connackFor({ clientId: "cert-2", username: "cert-2", headers: { "x-skylark-client-cert-sha256": fingerprint } })).toBe(0x86);
    // A verified but unregistered certificate (the zone's CA signs for others too): the password decides.
    const stranger = await builtCertificate({ cn: "stranger", notAfter: Date.now() + YEAR });
    expect(await connackFor({ clientId: "cert-2", cf: verifiedAtEdge(stranger.fingerprint) })).toBe(0x86);
    expect(await connackFor({ clientId: "cert-2", username: "cert-2", password: secret, cf: verifiedAtEdge(stranger.fingerprint) })).toBe(0);
  });

  it("another tenant's certificate is refused here (0x86, v3: 4)", async () => {
    const other = await signup();
    const { fingerprint } = await deviceWithCertificate("cert-3", other);
    expect(await connackFor({ clientId: "cert-3", cf: verifiedAtEdge(fingerprint), tenantId: other.tenantId })).toBe(0);
    await createDevice(t.ownerToken, { id: "cert-3" });
    expect(await connackFor({ clientId: "cert-3", cf: verifiedAtEdge(fingerprint) })).toBe(0x86);
    expect(await connackFor({ clientId: "cert-3", username: "cert-3", cf: verifiedAtEdge(fingerprint), level: 4 })).toBe(4);
  });

  it("an expired certificate is refused with 0x86; a disabled device with 0x87; both audited", async () => {
    const { fingerprint } = await deviceWithCertificate("cert-4", t, Date.now() + 1500);
    expect(await connackFor({ clientId: "cert-4", cf: verifiedAtEdge(fingerprint) })).toBe(0);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await connackFor({ clientId: "cert-4", cf: verifiedAtEdge(fingerprint) })).toBe(0x86);

    const live = await deviceWithCertificate("cert-5");
    await expectOk(api("PATCH", "/api/v1/devices/cert-5", { token: t.ownerToken, body: { disabled: true } }));
    expect(await connackFor({ clientId: "cert-5", cf: verifiedAtEdge(live.fingerprint) })).toBe(0x87);

    await new Promise((r) => setTimeout(r, 1200));
    const audit = await expectOk(api("GET", "/api/v1/audit?action=mqtt.connect&outcome=failure&limit=200", { token: t.ownerToken }));
    const details = audit.items.map((e: { details: { detail: string; clientId: string } }) => `${e.details.clientId}: ${e.details.detail}`);
    expect(details).toEqual(expect.arrayContaining(["cert-4: the client certificate has expired", "cert-5: the device is disabled"]));
  });

  it("revoking a certificate disconnects its connection (0x98) and refuses it (0x87, v3: 5); the other certificate keeps the device connected", async () => {
    const first = await deviceWithCertificate("cert-6");
    const { client: before, code } = await open({ clientId: "cert-6", cf: verifiedAtEdge(first.fingerprint) });
    expect(code).toBe(0);
    // Rotation: a second certificate, the device moves to it, then the first is revoked.
    const second = await builtCertificate({ cn: "cert-6 (2027)", notAfter: Date.now() + 2 * YEAR });
    await expectOk(api("POST", "/api/v1/devices/cert-6/credentials", { token: t.ownerToken, body: { type: "certificate", pem: second.pem } }), 201);
    const { client: after } = await open({ clientId: "cert-6", cf: verifiedAtEdge(second.fingerprint) });
    expect((await before.next("disconnect")).reasonCode).toBe(0x8e);
    await expectOk(api("DELETE", `/api/v1/devices/cert-6/credentials/${first.credentialId}`, { token: t.ownerToken }), 204);
    await after.nothing("disconnect", 300);
    after.send({ type: "pingreq" });
    await after.next("pingresp");
    expect(await connackFor({ clientId: "cert-6", cf: verifiedAtEdge(first.fingerprint) })).toBe(0x87);
    expect(await connackFor({ clientId: "cert-6", cf: verifiedAtEdge(first.fingerprint), level: 4 })).toBe(5);

    const [, current] = (await expectOk(api("GET", "/api/v1/devices/cert-6/credentials", { token: t.ownerToken }))).items;
    await expectOk(api("DELETE", `/api/v1/devices/cert-6/credentials/${current.id}`, { token: t.ownerToken }), 204);
    expect((await after.next("disconnect")).reasonCode).toBe(0x98);
  });
});
