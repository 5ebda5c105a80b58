/**
 * JWT_SIGNING_KEY: a JSON JWK must be a usable EC P-256 private key. Anything else that looks like
 * a JWK is refused with a message naming what is wrong, never quietly used as an HS256 secret
 * (a *public* JWK as HS256 secret would let anyone who reads the JWKS-style key forge tokens).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildSigningKey, issueAccessToken, publicJwks, verifyAccessToken } from "../../../domain/auth/tokens";
import { createApp } from "../../../workers/app";

type Jwk = Record<string, unknown>;
const exportJwk = async (key: CryptoKey): Promise<Jwk> => (await crypto.subtle.exportKey("jwk", key)) as unknown as Jwk;

async function ecPair(namedCurve = "P-256"): Promise<{ privateJwk: Jwk; publicJwk: Jwk }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve }, true, ["sign", "verify"])) as CryptoKeyPair;
  return { privateJwk: await exportJwk(pair.privateKey), publicJwk: await exportJwk(pair.publicKey) };
}

const subject = { sub: "usr_1", tid: "acme", role: "OWNER", act: "user" } as const;

describe("JWT_SIGNING_KEY as a JWK", () => {
  it("refuses a public EC JWK (no 'd'), naming the missing private part", async () => {
    const { publicJwk } = await ecPair();
    await expect(buildSigningKey(JSON.stringify(publicJwk))).rejects.toThrow(/public key.*'d'/);
    // Through the public API too: no token is ever signed with it.
    await expect(issueAccessToken(JSON.stringify({ ...publicJwk, kid: "pub" }), subject)).rejects.toThrow(/JWT_SIGNING_KEY/);
  });

  it("refuses other key types and curves, naming them", async () => {
    const rsaPair = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const rsa = await exportJwk(rsaPair.privateKey);
    await expect(buildSigningKey(JSON.stringify(rsa))).rejects.toThrow(/kty 'RSA'/);
    const { privateJwk: p384 } = await ecPair("P-384");
    await expect(buildSigningKey(JSON.stringify(p384))).rejects.toThrow(/crv 'P-384'/);
    await expect(buildSigningKey(JSON.stringify({ kty: "oct", k: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA" }))).rejects.toThrow(/kty 'oct'/);
    await expect(buildSigningKey(JSON.stringify({ kty: "EC", crv: "P-256" }))).rejects.toThrow(/public key.*'d'/);
  });

  it("refuses a private JWK whose parts do not belong together, or that is not usable", async () => {
    const a = await ecPair();
    const b = await ecPair();
    await expect(buildSigningKey(JSON.stringify({ ...a.privateJwk, d: b.privateJwk.d }))).rejects.toThrow(/JWT_SIGNING_KEY/);
    await expect(buildSigningKey(JSON.stringify({ ...a.privateJwk, d: "not-a-scalar" }))).rejects.toThrow(/JWT_SIGNING_KEY/);
    await expect(buildSigningKey(JSON.stringify({ ...a.privateJwk, alg: "HS256" }))).rejects.toThrow(/alg 'HS256'/);
  });

  it("refuses text that starts like a JWK but is not JSON", async () => {
    await expect(buildSigningKey('{"kty":"EC","crv":"P-256", oops this is long enough for a secret')).rejects.toThrow(/not valid JSON/);
  });

  it("accepts an EC P-256 private JWK: ES256, and the JWKS publishes only the public half", async () => {
    const { privateJwk } = await ecPair();
    const material = JSON.stringify({ ...privateJwk, kid: "k1" });
    expect((await buildSigningKey(material)).alg).toBe("ES256");
    const { token } = await issueAccessToken(material, subject);
    expect(await verifyAccessToken(material, token)).toMatchObject({ sub: "usr_1", tid: "acme" });
    const jwks = await publicJwks(material);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", kid: "k1", alg: "ES256" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
  });
});

describe("JWT_SIGNING_KEY as a shared secret", () => {
  it("uses a plain string of 32+ characters as an HS256 secret, and refuses shorter ones", async () => {
    expect((await buildSigningKey("a-plain-secret-that-is-long-enough-0123")).alg).toBe("HS256");
    await expect(buildSigningKey("too-short")).rejects.toThrow(/32/);
  });
});

describe("a platform started with a refused key", () => {
  it("fails its health check with 503 naming the problem, so nothing waiting for health goes live", async () => {
    const { publicJwk } = await ecPair();
    const misconfigured = { ...env, JWT_SIGNING_KEY: JSON.stringify(publicJwk) };
    const res = await createApp().fetch(new Request("http://localhost/healthz"), misconfigured);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe("unavailable");
    expect(body.detail).toMatch(/JWT_SIGNING_KEY is a public key/);
    expect(JSON.stringify(body)).not.toContain(String(publicJwk.x));
    // With the configured key, it is healthy.
    expect((await createApp().fetch(new Request("http://localhost/healthz"), env)).status).toBe(200);
  });
});
