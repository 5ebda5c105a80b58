/**
 * Devices that connect with a JWT they signed themselves (password = token, username = device id):
 * the hub checks it against the keys registered through the API. Every refusal gets its reason
 * code and is audited; revoking one key closes only the connections that used it.
 */
import { SignJWT, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { bytes, connect, openSocket, type TestClient } from "./mqtt-client";

let t: TenantFixture;
beforeAll(async () => {
  t = await signup();
});

type DeviceKey = { alg: "ES256" | "EdDSA"; privateKey: CryptoKey; publicJwk: JWK };

async function newKey(alg: "ES256" | "EdDSA" = "ES256"): Promise<DeviceKey> {
  const params = alg === "ES256" ? { name: "ECDSA", namedCurve: "P-256" } : { name: "Ed25519" };
  const pair = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  return { alg, privateKey: pair.privateKey, publicJwk: (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JWK };
}

const audience = (tenantId: string) => `mqtt://${tenantId}.localhost`;

async function token(key: DeviceKey, claims: { sub?: string; aud?: string; iat?: number; exp?: number; iss?: string }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims.iss ? { iss: claims.iss } : {})
    .setProtectedHeader({ alg: key.alg })
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + 600);
  if (claims.sub) jwt.setSubject(claims.sub);
  if (claims.aud) jwt.setAudience(claims.aud);
  return jwt.sign(key.privateKey);
}

const deviceToken = (key: DeviceKey, deviceId: string, tenantId = t.tenantId) => token(key, { sub: deviceId, aud: audience(tenantId) });

async function register(deviceId: string, key: DeviceKey, tenant = t) {
  return expectOk(api("POST", `/api/v1/devices/${deviceId}/credentials`, { token: tenant.ownerToken, body: { type: "jwk", jwk: key.publicJwk } }), 201);
}

async function connackFor(deviceId: string, password: string, o: { level?: 4 | 5; tenantId?: string } = {}) {
  const level = o.level ?? 5;
  const c = await openSocket(o.tenantId ?? t.tenantId, level);
  c.send({ type: "connect", protocolLevel: level, clientId: deviceId, keepAlive: 30, cleanStart: true, username: deviceId, password: bytes(password) });
  const code = (await c.next("connack")).reasonCode;
  c.close();
  return code;
}

async function stillConnected(c: TestClient) {
  c.send({ type: "pingreq" });
  await c.next("pingresp");
}

describe("device-signed JWT", () => {
  it("a device connects with a token signed by its registered ES256 or EdDSA key", async () => {
    for (const alg of ["ES256", "EdDSA"] as const) {
      const id = `jwt-${alg.toLowerCase()}`;
      await createDevice(t.ownerToken, { id });
      const key = await newKey(alg);
      const credential = await register(id, key);
      expect(credential).toMatchObject({ type: "jwk", algorithm: alg, status: "active", deviceId: id, lastUsedAt: null });
      const live = await connect(t.tenantId, { clientId: id, username: id, password: await deviceToken(key, id) });
      await stillConnected(live);
      live.close();
      // Publishing works as for any device.
    }
    // The hub records when a key was last used (in the background).
    await new Promise((r) => setTimeout(r, 300));
    const list = await expectOk(api("GET", "/api/v1/devices/jwt-es256/credentials", { token: t.ownerToken }));
    expect(list.items[0].lastUsedAt).toBeGreaterThan(0);
  });

  it("refuses bad tokens with 0x86 (v3: 4) and revoked keys or disabled devices with 0x87 (v3: 5), and audits each refusal", async () => {
    await createDevice(t.ownerToken, { id: "jwt-bad" });
    const key = await newKey();
    const stranger = await newKey();
    await register("jwt-bad", key);
    const now = Math.floor(Date.now() / 1000);
    const refusedAsBad = {
      "an unregistered key": await deviceToken(stranger, "jwt-bad"),
      expired: await token(key, { sub: "jwt-bad", aud: audience(t.tenantId), iat: now - 7200, exp: now - 3600 }),
      "living longer than 24 h": await token(key, { sub: "jwt-bad", aud: audience(t.tenantId), iat: now, exp: now + 25 * 3600 }),
      "another audience": await token(key, { sub: "jwt-bad", aud: "mqtt://someone-else.localhost" }),
      "no audience": await token(key, { sub: "jwt-bad" }),
      "another subject": await token(key, { sub: "jwt-other", aud: audience(t.tenantId) }),
      "another issuer": await token(key, { sub: "jwt-bad", iss: "jwt-other", aud: audience(t.tenantId) }),
      "no subject": await token(key, { aud: audience(t.tenantId) }),
      "HS256 (a shared secret)": await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("jwt-bad").setAudience(audience(t.tenantId)).setIssuedAt().setExpirationTime("10m").sign(new Uint8Array(32)),
    };
    for (const [what, jwt] of Object.entries(refusedAsBad)) expect(await connackFor("jwt-bad", jwt), what).toBe(0x86);
    expect(await connackFor("jwt-bad", refusedAsBad.expired, { level: 4 })).toBe(4);

    const good = await deviceToken(key, "jwt-bad");
    await expectOk(api("PATCH", "/api/v1/devices/jwt-bad", { token: t.ownerToken, body: { disabled: true } }));
    expect(await connackFor("jwt-bad", good)).toBe(0x87);
    await expectOk(api("PATCH", "/api/v1/devices/jwt-bad", { token: t.ownerToken, body: { disabled: false } }));
    expect(await connackFor("jwt-bad", good)).toBe(0);

    const [credential] = (await expectOk(api("GET", "/api/v1/devices/jwt-bad/credentials", { token: t.ownerToken }))).items;
    await expectOk(api("DELETE", `/api/v1/devices/jwt-bad/credentials/${credential.id}`, { token: t.ownerToken }), 204);
    expect(await connackFor("jwt-bad", good)).toBe(0x87);
    expect(await connackFor("jwt-bad", good, { level: 4 })).toBe(5);

    await new Promise((r) => setTimeout(r, 1200));
    const audit = await expectOk(api("GET", "/api/v1/audit?action=mqtt.connect&outcome=failure&limit=200", { token: t.ownerToken }));
    const details = audit.items.filter((e: { actorId: string }) => e.actorId === "jwt-bad").map((e: { details: { detail: string } }) => e.details.detail);
    expect(details).toEqual(expect.arrayContaining(["the token has expired", "the token is signed by a revoked key", "the token's aud is not this tenant's MQTT endpoint", "the device is disabled"]));
    expect(details.length).toBeGreaterThanOrEqual(Object.keys(refusedAsBad).length + 4);
  });

  it("a token for another tenant's device is refused, even when the same device id exists here", async () => {
    const other = await signup();
    await createDevice(other.ownerToken, { id: "twin-id" });
    const theirs = await newKey();
    await register("twin-id", theirs, other);
    const theirToken = await deviceToken(theirs, "twin-id", other.tenantId);
    expect(await connackFor("twin-id", theirToken, { tenantId: other.tenantId })).toBe(0);
    // Not in this tenant at all, then here with a key of its own.
    expect(await connackFor("twin-id", theirToken)).toBe(0x86);
    await createDevice(t.ownerToken, { id: "twin-id" });
    const mine = await newKey();
    await register("twin-id", mine);
    expect(await connackFor("twin-id", theirToken)).toBe(0x86);
    // Even their key registered here does not make their token (aud = their endpoint) valid here.
    await expectOk(api("POST", "/api/v1/devices/twin-id/credentials", { token: t.ownerToken, body: { type: "jwk", jwk: theirs.publicJwk } }), 201);
    expect(await connackFor("twin-id", theirToken)).toBe(0x86);
    expect(await connackFor("twin-id", await deviceToken(theirs, "twin-id"))).toBe(0);
  });

  it("rotation: a second key is added, the device reconnects with it, revoking the first closes nothing", async () => {
    await createDevice(t.ownerToken, { id: "jwt-roll" });
    const oldKey = await newKey();
    const first = await register("jwt-roll", oldKey);
    const before = await connect(t.tenantId, { clientId: "jwt-roll", username: "jwt-roll", password: await deviceToken(oldKey, "jwt-roll"), cleanStart: false, properties: { sessionExpiryInterval: 3600 } });
    before.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${t.tenantId}/devices/jwt-roll/attributes/set`, qos: 1 as const, noLocal: false, retainAsPublished: false, retainHandling: 0 as const }] });
    await before.next("suback");

    const newKeyPair = await newKey("EdDSA");
    await register("jwt-roll", newKeyPair);
    // A third active credential is refused until one is revoked.
    expect((await api("POST", "/api/v1/devices/jwt-roll/credentials", { token: t.ownerToken, body: { type: "jwk", jwk: (await newKey()).publicJwk } })).status).toBe(409);

    const after = await connect(t.tenantId, { clientId: "jwt-roll", username: "jwt-roll", password: await deviceToken(newKeyPair, "jwt-roll"), cleanStart: false, properties: { sessionExpiryInterval: 3600 } });
    expect((await before.next("disconnect")).reasonCode).toBe(0x8e); // session taken over by the same device
    await expectOk(api("DELETE", `/api/v1/devices/jwt-roll/credentials/${first.id}`, { token: t.ownerToken }), 204);
    await after.nothing("disconnect", 300);
    await stillConnected(after);
    // The session (and its subscription) survived the switch.
    await expectOk(api("PUT", "/api/v1/devices/jwt-roll/attributes/desired", { token: t.ownerToken, body: { interval: 5 } }));
    expect((await after.next("publish")).topic).toBe(`t/${t.tenantId}/devices/jwt-roll/attributes/set`);
    expect(await connackFor("jwt-roll", await deviceToken(oldKey, "jwt-roll"))).toBe(0x87);
    after.close();
  });

  it("revoking a key disconnects its connection with 0x98; rotating the secret leaves key-based connections alone", async () => {
    const { credentials } = await createDevice(t.ownerToken, { id: "jwt-rev" });
    const key = await newKey();
    const credential = await register("jwt-rev", key);
    const live = await connect(t.tenantId, { clientId: "jwt-rev", username: "jwt-rev", password: await deviceToken(key, "jwt-rev") });
    await expectOk(api("POST", "/api/v1/devices/jwt-rev/credentials/rotate", { token: t.ownerToken }));
    await live.nothing("disconnect", 300);
    await stillConnected(live);
    expect(await connackFor("jwt-rev", credentials.password)).toBe(0x86);

    await expectOk(api("DELETE", `/api/v1/devices/jwt-rev/credentials/${credential.id}`, { token: t.ownerToken }), 204);
    expect((await live.next("disconnect")).reasonCode).toBe(0x98);
  });
});
