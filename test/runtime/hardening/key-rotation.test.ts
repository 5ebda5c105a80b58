/**
 * Signing-key rotation without logging anyone out (domain/auth/key-ring.ts): every token names its
 * key in `kid`; while JWT_SIGNING_KEY_PREVIOUS holds the old key, tokens it signed keep working and
 * the JWKS publishes both public keys; once it is removed they are refused, as is any kid the ring
 * does not hold. OPERATOR_TOKEN_PREVIOUS does the same for the operator token. The platform runs
 * with rotated settings through `createApp().fetch(request, env)` against the real D1 registry.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { issueAccessToken, issueDownloadToken, publicJwks, verifyAccessToken, verifyDownloadToken } from "../../../domain/auth/tokens";
import { createApp } from "../../../workers/app";
import { OPERATOR_TOKEN, signup } from "../helpers";

type Jwk = Record<string, unknown>;

async function es256Key(kid: string): Promise<{ privateJwk: string; publicJwk: string }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const privateJwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as unknown as Jwk;
  const publicJwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as unknown as Jwk;
  return { privateJwk: JSON.stringify({ ...privateJwk, kid }), publicJwk: JSON.stringify({ ...publicJwk, kid }) };
}

/** The platform with these settings in place of the test configuration's. */
async function call(settings: Record<string, string>, method: string, path: string, token?: string, body?: unknown) {
  const request = new Request(`http://localhost${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const res = await createApp().fetch(request, { ...env, ...settings } as Env, createExecutionContext());
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

const subject = { sub: "usr_1", tid: "acme", role: "OWNER", act: "user" } as const;

describe("tokens name their key", () => {
  it("an ES256 token carries the JWK's kid, an HS256 token the kid 'hs256'", async () => {
    const key = await es256Key("k-2026-12");
    expect(decodeProtectedHeader((await issueAccessToken(key.privateJwk, subject)).token).kid).toBe("k-2026-12");
    expect(decodeProtectedHeader((await issueAccessToken(env.JWT_SIGNING_KEY, subject)).token).kid).toBe("hs256");
  });
});

describe("a rotated signing key", () => {
  it("keeps the old key's user tokens working while it is the previous key, and refuses them once it is removed", async () => {
    const t = await signup(); // its token is signed with the test configuration's HS256 key
    const next = await es256Key("next");
    expect((await call({}, "GET", "/api/v1/devices", t.ownerToken)).status).toBe(200);
    const rotated = { JWT_SIGNING_KEY: next.privateJwk, JWT_SIGNING_KEY_PREVIOUS: env.JWT_SIGNING_KEY };
    expect((await call(rotated, "GET", "/api/v1/devices", t.ownerToken)).status).toBe(200);
    // New logins are signed with the new key, which the rotated platform accepts.
    const login = await call(rotated, "POST", "/api/v1/auth/login", undefined, { email: t.email, password: t.password });
    expect(login.status).toBe(200);
    expect(decodeProtectedHeader(login.body.token).kid).toBe("next");
    expect((await call(rotated, "GET", "/api/v1/devices", login.body.token)).status).toBe(200);
    // The previous key removed: the old token is refused, the new one still works.
    const settled = { JWT_SIGNING_KEY: next.privateJwk, JWT_SIGNING_KEY_PREVIOUS: "" };
    expect((await call(settled, "GET", "/api/v1/devices", t.ownerToken)).status).toBe(401);
    expect((await call(settled, "GET", "/api/v1/devices", login.body.token)).status).toBe(200);
  });

  it("accepts a previous ES256 key given as its public JWK only (what a remote rotation reads from the JWKS)", async () => {
    const old = await es256Key("old");
    const next = await es256Key("next");
    const { token } = await issueAccessToken(old.privateJwk, subject);
    expect(await verifyAccessToken({ JWT_SIGNING_KEY: next.privateJwk, JWT_SIGNING_KEY_PREVIOUS: old.publicJwk }, token)).toMatchObject({ sub: "usr_1", tid: "acme" });
    expect(await verifyAccessToken({ JWT_SIGNING_KEY: next.privateJwk }, token)).toBeNull();
  });

  it("refuses a token whose kid names a key the ring does not hold, even one signed by a key of the same algorithm", async () => {
    const t = await signup();
    const old = await es256Key("old");
    const next = await es256Key("next");
    const stranger = await es256Key("old"); // claims the previous key's kid, signed by another key
    const forged = (await issueAccessToken(stranger.privateJwk, { sub: t.ownerId, tid: t.tenantId, role: "OWNER", act: "user" })).token;
    const unknownKid = (await issueAccessToken((await es256Key("elsewhere")).privateJwk, { sub: t.ownerId, tid: t.tenantId, role: "OWNER", act: "user" })).token;
    const rotated = { JWT_SIGNING_KEY: next.privateJwk, JWT_SIGNING_KEY_PREVIOUS: old.privateJwk };
    expect((await call(rotated, "GET", "/api/v1/devices", forged)).status).toBe(401);
    expect((await call(rotated, "GET", "/api/v1/devices", unknownKid)).status).toBe(401);
    const genuine = (await issueAccessToken(old.privateJwk, { sub: t.ownerId, tid: t.tenantId, role: "OWNER", act: "user" })).token;
    expect((await call(rotated, "GET", "/api/v1/devices", genuine)).status).toBe(200);
  });

  it("publishes the current and the previous public key in the JWKS, without private parts", async () => {
    const old = await es256Key("old");
    const next = await es256Key("next");
    const res = await call({ JWT_SIGNING_KEY: next.privateJwk, JWT_SIGNING_KEY_PREVIOUS: old.privateJwk }, "GET", "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.body.keys.map((k: Jwk) => k.kid)).toEqual(["next", "old"]);
    for (const k of res.body.keys) expect(k).not.toHaveProperty("d");
    expect(res.body.keys[1].x).toBe(JSON.parse(old.publicJwk).x);
    const settled = await call({ JWT_SIGNING_KEY: next.privateJwk }, "GET", "/.well-known/jwks.json");
    expect(settled.body.keys.map((k: Jwk) => k.kid)).toEqual(["next"]);
    expect((await publicJwks({ JWT_SIGNING_KEY: next.privateJwk, JWT_SIGNING_KEY_PREVIOUS: old.publicJwk })).keys).toHaveLength(2);
  });

  it("keeps firmware download links signed by the old key working while it is the previous key", async () => {
    const old = await es256Key("old");
    const next = await es256Key("next");
    const claims = { tid: "acme", sub: "thermo-1", fw: "fw_1", sha256: "ab".repeat(32) };
    const { token } = await issueDownloadToken(old.privateJwk, claims, 300);
    expect(await verifyDownloadToken({ JWT_SIGNING_KEY: next.privateJwk, JWT_SIGNING_KEY_PREVIOUS: old.publicJwk }, token)).toMatchObject(claims);
    expect(await verifyDownloadToken({ JWT_SIGNING_KEY: next.privateJwk }, token)).toBeNull();
  });

  it("fails the health check naming JWT_SIGNING_KEY_PREVIOUS when the previous key is unusable", async () => {
    const res = await call({ JWT_SIGNING_KEY_PREVIOUS: "short" }, "GET", "/healthz");
    expect(res.status).toBe(503);
    expect(res.body.detail).toMatch(/JWT_SIGNING_KEY_PREVIOUS/);
    expect((await call({}, "GET", "/healthz")).status).toBe(200);
  });
});

describe("a rotated operator token", () => {
  it("accepts OPERATOR_TOKEN_PREVIOUS until it is removed, and the new token throughout", async () => {
    const rotated = { OPERATOR_TOKEN: "op_new-operator-token", OPERATOR_TOKEN_PREVIOUS: OPERATOR_TOKEN };
    expect((await call(rotated, "GET", "/api/v1/admin/tenants", OPERATOR_TOKEN)).status).toBe(200);
    expect((await call(rotated, "GET", "/api/v1/admin/tenants", "op_new-operator-token")).status).toBe(200);
    const settled = { OPERATOR_TOKEN: "op_new-operator-token", OPERATOR_TOKEN_PREVIOUS: "" };
    expect((await call(settled, "GET", "/api/v1/admin/tenants", OPERATOR_TOKEN)).status).toBe(401);
    expect((await call(settled, "GET", "/api/v1/admin/tenants", "op_new-operator-token")).status).toBe(200);
  });
});
