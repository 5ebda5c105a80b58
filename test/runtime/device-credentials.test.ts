/** The device credential API: registering keys and certificates, the two-active limit, revocation, and the certificate reader. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCertificatePem } from "../../domain/auth/x509";
import { TENANT_TABLES } from "../../domain/data/tenant-tables";
import { tenantStores } from "../../workers/control-plane/tenant-stores";
import { api, createDevice, expectOk, signup, type TenantFixture } from "./helpers";
import { builtCertificate, OPENSSL_CERT, OPENSSL_CERT_2054 } from "./hub/certificates";

let t: TenantFixture;
beforeAll(async () => {
  t = await signup();
});

async function publicJwk(alg: "ES256" | "EdDSA" = "ES256") {
  const pair = (await crypto.subtle.generateKey(alg === "ES256" ? { name: "ECDSA", namedCurve: "P-256" } : { name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  return { pub: (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey, priv: (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey };
}

const add = (deviceId: string, body: unknown) => api("POST", `/api/v1/devices/${deviceId}/credentials`, { token: t.ownerToken, body });

describe("certificate reader", () => {
  it("reads fingerprint, serial, subject and validity as OpenSSL does", async () => {
    for (const fixture of [OPENSSL_CERT, OPENSSL_CERT_2054]) {
      const parsed = await parseCertificatePem(fixture.pem);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.certificate).toMatchObject({ fingerprint: fixture.fingerprint, serial: fixture.serial, subject: fixture.subject, issuer: fixture.subject, notBefore: fixture.notBefore, notAfter: fixture.notAfter });
    }
  });

  it("refuses what is not one DER certificate", async () => {
    const der = OPENSSL_CERT.pem.split("\n").slice(1, -1).join("");
    for (const pem of ["hello", OPENSSL_CERT.pem.replace("MIIBwjCC", "MIIBwzCC"), `-----BEGIN CERTIFICATE-----\n${der.slice(0, 100)}\n-----END CERTIFICATE-----`, `-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----`]) {
      expect((await parseCertificatePem(pem)).ok, pem.slice(0, 40)).toBe(false);
    }
  });
});

describe("device credentials API", () => {
  it("registers a certificate with what it says about itself, and a key with its algorithm and thumbprint", async () => {
    await createDevice(t.ownerToken, { id: "dc-1" });
    const cert = await expectOk(add("dc-1", { type: "certificate", pem: OPENSSL_CERT.pem }), 201);
    expect(cert).toMatchObject({
      type: "certificate",
      deviceId: "dc-1",
      status: "active",
      fingerprint: OPENSSL_CERT.fingerprint,
      serial: OPENSSL_CERT.serial,
      subject: OPENSSL_CERT.subject,
      notBefore: OPENSSL_CERT.notBefore,
      notAfter: OPENSSL_CERT.notAfter,
      algorithm: null,
      jwk: null,
      revokedAt: null,
    });
    const { pub } = await publicJwk("EdDSA");
    const key = await expectOk(add("dc-1", { type: "jwk", jwk: pub }), 201);
    expect(key).toMatchObject({ type: "jwk", algorithm: "EdDSA", status: "active", jwk: { kty: "OKP", crv: "Ed25519", x: pub.x } });
    expect(key.fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.jwk).not.toHaveProperty("key_ops");
    const list = await expectOk(api("GET", "/api/v1/devices/dc-1/credentials", { token: t.ownerToken }));
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([cert.id, key.id]);
    const audit = await expectOk(api("GET", "/api/v1/audit?action=device.credential_added", { token: t.ownerToken }));
    expect(audit.items.map((e: { details: { credentialId: string } }) => e.details.credentialId)).toEqual(expect.arrayContaining([cert.id, key.id]));
  });

  it("refuses private keys, other curves, points off the curve, unreadable or expired certificates (400)", async () => {
    await createDevice(t.ownerToken, { id: "dc-2" });
    const { pub, priv } = await publicJwk();
    const expired = await builtCertificate({ cn: "old", notBefore: Date.now() - 2 * 86_400_000, notAfter: Date.now() - 86_400_000 });
    const bad = {
      "a private key": { type: "jwk", jwk: priv },
      "P-384": { type: "jwk", jwk: { ...pub, crv: "P-384" } },
      "a point off the curve": { type: "jwk", jwk: { ...pub, y: pub.x } },
      "an RSA key": { type: "jwk", jwk: { kty: "RSA", n: "AQAB", e: "AQAB" } },
      "not a certificate": { type: "certificate", pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----".padEnd(120, " ") },
      "an expired certificate": { type: "certificate", pem: expired.pem },
    };
    for (const [what, body] of Object.entries(bad)) {
      const r = await add("dc-2", body);
      expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.code).toBe("validation_failed");
    }
    expect((await expectOk(api("GET", "/api/v1/devices/dc-2/credentials", { token: t.ownerToken }))).items).toEqual([]);
  });

  it("allows two active credentials (409 beyond), one device per certificate, and frees a slot on revocation", async () => {
    await createDevice(t.ownerToken, { id: "dc-3" });
    await createDevice(t.ownerToken, { id: "dc-4" });
    const a = await expectOk(add("dc-3", { type: "jwk", jwk: (await publicJwk()).pub }), 201);
    const cert = await builtCertificate({ cn: "dc-3", notAfter: Date.now() + 86_400_000 });
    await expectOk(add("dc-3", { type: "certificate", pem: cert.pem }), 201);
    const third = await add("dc-3", { type: "jwk", jwk: (await publicJwk()).pub });
    expect(third.status).toBe(409);
    expect(third.body.code).toBe("conflict");
    // The same certificate cannot also be active on another device of the tenant.
    const again = await add("dc-4", { type: "certificate", pem: cert.pem });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("already_exists");

    await expectOk(api("DELETE", `/api/v1/devices/dc-3/credentials/${a.id}`, { token: t.ownerToken }), 204);
    await expectOk(api("DELETE", `/api/v1/devices/dc-3/credentials/${a.id}`, { token: t.ownerToken }), 204); // idempotent
    await expectOk(add("dc-3", { type: "jwk", jwk: (await publicJwk()).pub }), 201);
    const list = (await expectOk(api("GET", "/api/v1/devices/dc-3/credentials", { token: t.ownerToken }))).items;
    expect(list.map((c: { status: string }) => c.status)).toEqual(["revoked", "active", "active"]);
    expect(list[0].revokedAt).toBeGreaterThan(0);
    expect((await api("DELETE", "/api/v1/devices/dc-3/credentials/dc_nope", { token: t.ownerToken })).status).toBe(404);
    expect((await api("GET", "/api/v1/devices/nope/credentials", { token: t.ownerToken })).status).toBe(404);
  });

  it("lists devices whose active certificate expires before a time (GET /devices?certExpiresBefore=)", async () => {
    const day = 86_400_000;
    const expiringSoon = async () => (await expectOk(api("GET", "/api/v1/tenant", { token: t.ownerToken }))).certificatesExpiringSoon;
    const baseline = await expiringSoon();
    const soon = await builtCertificate({ cn: "exp-soon", notAfter: Date.now() + 10 * day });
    const later = await builtCertificate({ cn: "exp-later", notAfter: Date.now() + 100 * day });
    const revoked = await builtCertificate({ cn: "exp-revoked", notAfter: Date.now() + 5 * day });
    for (const [id, cert] of [
      ["exp-soon", soon],
      ["exp-later", later],
      ["exp-revoked", revoked],
    ] as const) {
      await createDevice(t.ownerToken, { id });
      const c = await expectOk(add(id, { type: "certificate", pem: cert.pem }), 201);
      if (id === "exp-revoked") await expectOk(api("DELETE", `/api/v1/devices/${id}/credentials/${c.id}`, { token: t.ownerToken }), 204);
    }
    const expiring = async (before: number) =>
      (await expectOk(api("GET", `/api/v1/devices?certExpiresBefore=${before}&limit=200`, { token: t.ownerToken }))).items.map((d: { id: string }) => d.id).filter((id: string) => id.startsWith("exp-"));
    expect(await expiring(Date.now() + 30 * day)).toEqual(["exp-soon"]);
    expect(await expiring(Date.now() + 365 * day)).toEqual(["exp-later", "exp-soon"]);
    expect(await expiring(Date.now())).toEqual([]);
    expect((await api("GET", "/api/v1/devices?certExpiresBefore=soon", { token: t.ownerToken })).status).toBe(400);
    // Fleet health on GET /tenant counts active certificates expiring within 30 days.
    expect(await expiringSoon()).toBe(baseline + 1);
  });

  it("deleting a device deletes its credentials", async () => {
    await createDevice(t.ownerToken, { id: "dc-5" });
    await expectOk(add("dc-5", { type: "jwk", jwk: (await publicJwk()).pub }), 201);
    await expectOk(api("DELETE", "/api/v1/devices/dc-5", { token: t.ownerToken }), 204);
    await createDevice(t.ownerToken, { id: "dc-5" });
    expect((await expectOk(api("GET", "/api/v1/devices/dc-5/credentials", { token: t.ownerToken }))).items).toEqual([]);
  });

  it("offboarding's registry store counts and purges a tenant's device credentials (before their devices), and only that tenant's", async () => {
    const names = TENANT_TABLES.map((table) => table.name);
    expect(names.indexOf("device_credentials")).toBeGreaterThanOrEqual(0);
    expect(names.indexOf("device_credentials")).toBeLessThan(names.indexOf("devices"));
    const leaving = await signup();
    await createDevice(leaving.ownerToken, { id: "dc-off" });
    await expectOk(api("POST", "/api/v1/devices/dc-off/credentials", { token: leaving.ownerToken, body: { type: "jwk", jwk: (await publicJwk()).pub } }), 201);
    await createDevice(t.ownerToken, { id: "dc-stays" });
    await expectOk(add("dc-stays", { type: "jwk", jwk: (await publicJwk()).pub }), 201);
    const registry = (tenantId: string) => tenantStores(env, { id: tenantId, region: "default" }).find((s) => s.name === "registry")!;
    expect((await registry(leaving.tenantId).count()).device_credentials).toBe(1);
    await registry(leaving.tenantId).purge();
    expect((await registry(leaving.tenantId).count()).device_credentials).toBe(0);
    expect((await expectOk(api("GET", "/api/v1/devices/dc-stays/credentials", { token: t.ownerToken }))).items).toHaveLength(1);
  });
});
