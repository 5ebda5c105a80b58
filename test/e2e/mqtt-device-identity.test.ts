/**
 * Device-signed JWTs with a real MQTT client: a device registers its public key over REST, then
 * MQTT.js connects with password = a token the device signed (ES256 here, with Node's WebCrypto).
 * Revoking the key disconnects the client at once; the hub accepts no token signed by it after.
 */
import { SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { http, uniqueId } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, rest, VERSIONS, vName, type Tenant } from "./mqtt-helpers";

afterEach(closeClients);

let t: Tenant;
beforeAll(async () => {
  t = await newTenant("ident");
});

const BAD_CREDENTIALS = { 5: 0x86, 4: 4 } as const;
const NOT_AUTHORIZED = { 5: 0x87, 4: 5 } as const;

async function deviceWithKey(id: string) {
  await registerDevice(t, id);
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  const credential = await rest.ok(http("POST", `/api/v1/devices/${id}/credentials`, { token: t.token, body: { type: "jwk", jwk } }), 201);
  // The audience is the tenant's MQTT endpoint under PLATFORM_DOMAIN ("localhost" locally).
  const sign = (o: { exp?: number } = {}) =>
    new SignJWT({})
      .setProtectedHeader({ alg: "ES256" })
      .setSubject(id)
      .setAudience(`mqtt://${t.id}.localhost`)
      .setIssuedAt()
      .setExpirationTime(o.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(pair.privateKey);
  return { credentialId: credential.id as string, sign };
}

for (const v of VERSIONS) {
  describe(`device-signed JWT, MQTT ${vName(v)}`, () => {
    it("connects and publishes with a token as password; a revoked key disconnects it and is refused", async () => {
      const id = uniqueId("jwt");
      const key = await deviceWithKey(id);
      const live = await Client.open(t.id, deviceOpts({ id, password: await key.sign() }, v));
      await live.pub(`t/${t.id}/devices/${id}/telemetry`, JSON.stringify({ temp: 21.5 }));
      await rest.ok(http("DELETE", `/api/v1/devices/${id}/credentials/${key.credentialId}`, { token: t.token }), 204);
      await live.waitClosed();
      if (v === 5) expect(live.disconnects[0]?.reasonCode).toBe(0x98);
      expect(await Client.refused(t.id, deviceOpts({ id, password: await key.sign() }, v))).toEqual({ connected: false, code: NOT_AUTHORIZED[v] });
    });

    it("refuses an expired token", async () => {
      const id = uniqueId("jwt-exp");
      const key = await deviceWithKey(id);
      const expired = await key.sign({ exp: Math.floor(Date.now() / 1000) - 3600 });
      expect(await Client.refused(t.id, deviceOpts({ id, password: expired }, v))).toEqual({ connected: false, code: BAD_CREDENTIALS[v] });
    });
  });
}
