import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { issueAccessToken, publicJwks, verifyAccessToken } from "../../domain/auth/tokens";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../../domain/auth/passwords";
import { api, expectOk, invite, lastMail, linkToken, signup, unique } from "./helpers";

describe("signup and login", () => {
  it("signup creates the tenant and its OWNER and returns a working token", async () => {
    const id = unique("signup");
    const r = await expectOk(api("POST", "/api/v1/auth/signup", { body: { email: "Founder@Example.com ", password: "a very good password", tenant: { id, name: "Acme Corp" } } }), 201);
    expect(r.tenant).toMatchObject({ id, name: "Acme Corp", status: "active", plan: "starter", region: "default" });
    expect(r.user.email).toBe("founder@example.com");
    expect(r.token).toMatchObject({ tokenType: "Bearer", tenant: id, role: "OWNER" });
    const me = await expectOk(api("GET", "/api/v1/tenant", { token: r.token.token }));
    expect(me).toMatchObject({ tenant: { id }, role: "OWNER", deviceCount: 0 });
    expect(me.limits.maxDevices).toBe(50);
  });

  it("refuses taken, reserved and malformed tenant ids", async () => {
    const t = await signup();
    const taken = await api("POST", "/api/v1/auth/signup", { body: { email: "x@example.com", password: "a very good password", tenant: { id: t.tenantId, name: "x" } } });
    expect(taken.status).toBe(409);
    const reserved = await api("POST", "/api/v1/auth/signup", { body: { email: "x@example.com", password: "a very good password", tenant: { id: "www", name: "x" } } });
    expect(reserved.status).toBe(409);
    for (const id of ["A", "-abc", "a", "has_underscore", "x".repeat(33), "Acme"]) {
      const r = await api("POST", "/api/v1/auth/signup", { body: { email: "x@example.com", password: "a very good password", tenant: { id, name: "x" } } });
      expect(r.status, id).toBe(400);
      expect(r.body.errors[0].path).toBe("body.tenant.id");
    }
  });

  it("login works, wrong passwords fail the same way as unknown emails, and failures are audited", async () => {
    const t = await signup();
    const ok = await expectOk(api("POST", "/api/v1/auth/login", { body: { email: t.email, password: t.password } }));
    expect(ok).toMatchObject({ tenant: t.tenantId, role: "OWNER" });
    const wrong = await api("POST", "/api/v1/auth/login", { body: { email: t.email, password: "nope nope nope", tenant: t.tenantId } });
    const unknown = await api("POST", "/api/v1/auth/login", { body: { email: "ghost@example.com", password: "nope nope nope" } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    const audit = await expectOk(api("GET", "/api/v1/audit?action=auth.login", { token: t.ownerToken }));
    expect(audit.items.map((e: { outcome: string }) => e.outcome)).toEqual(expect.arrayContaining(["success", "failure"]));
  });

  it("a user with several workspaces switches the active tenant by getting a token for it", async () => {
    const first = await signup();
    const secondId = unique("second");
    const second = await expectOk(api("POST", "/api/v1/auth/signup", { body: { email: first.email, password: first.password, tenant: { id: secondId, name: "Second" } } }), 201);
    expect(second.user.id).toBe(first.ownerId);
    const ws = await expectOk(api("GET", "/api/v1/auth/workspaces", { token: first.ownerToken }));
    expect(ws.items.map((w: { tenant: { id: string } }) => w.tenant.id).sort()).toEqual([first.tenantId, secondId].sort());
    const switched = await expectOk(api("POST", "/api/v1/auth/switch", { token: first.ownerToken, body: { tenant: secondId } }));
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: switched.token }))).tenant.id).toBe(secondId);
    const login = await expectOk(api("POST", "/api/v1/auth/login", { body: { email: first.email, password: first.password, tenant: secondId } }));
    expect(login.tenant).toBe(secondId);
    // The wrong password cannot add a workspace to someone else's account: it gets an account of its own.
    const other = await expectOk(api("POST", "/api/v1/auth/signup", { body: { email: first.email, password: "guessing wrongly", tenant: { id: unique("other"), name: "x" } } }), 201);
    expect(other.user.id).not.toBe(first.ownerId);
    const after = await expectOk(api("GET", "/api/v1/auth/workspaces", { token: first.ownerToken }));
    expect(after.items.map((w: { tenant: { id: string } }) => w.tenant.id).sort()).toEqual([first.tenantId, secondId].sort());
  });
});

describe("API keys and token vending", () => {
  it("shows a key once, stores only a hash, vends short-lived tokens, and revocation is immediate", async () => {
    const t = await signup();
    const created = await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "backend", role: "MEMBER" } }), 201);
    expect(created.key).toMatch(new RegExp(`^sky_${t.tenantId}_`));
    const listed = await expectOk(api("GET", "/api/v1/api-keys", { token: t.ownerToken }));
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(listed.items[0].prefix).toBe(created.key.split("_").slice(0, 3).join("_"));

    const vended = await expectOk(api("POST", "/api/v1/auth/token", { body: { apiKey: created.key } }));
    expect(vended).toMatchObject({ tokenType: "Bearer", tenant: t.tenantId, role: "MEMBER", expiresIn: 900 });
    expect((await api("POST", "/api/v1/devices", { token: vended.token, body: { id: "by-vended" } })).status).toBe(201);
    expect((await api("GET", "/api/v1/devices", { headers: { "x-api-key": created.key } })).status).toBe(200);
    const used = await expectOk(api("GET", "/api/v1/api-keys", { token: t.ownerToken }));
    expect(used.items[0].lastUsedAt).toBeGreaterThan(0);

    await expectOk(api("DELETE", `/api/v1/api-keys/${created.apiKey.id}`, { token: t.ownerToken }), 204);
    expect((await api("GET", "/api/v1/devices", { token: created.key })).status).toBe(401);
    expect((await api("GET", "/api/v1/devices", { token: vended.token })).status).toBe(401);
    expect((await api("POST", "/api/v1/auth/token", { body: { apiKey: created.key } })).status).toBe(401);
    const audit = await expectOk(api("GET", "/api/v1/audit", { token: t.ownerToken }));
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["api_key.create", "auth.token_vended", "api_key.revoke", "auth.api_key"]));
  });

  it("expired keys stop working", async () => {
    const t = await signup();
    const created = await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "short", expiresInDays: 1 } }), 201);
    expect(created.apiKey.expiresAt).toBeGreaterThan(Date.now());
    expect((await api("GET", "/api/v1/tenant", { token: created.key })).status).toBe(200);
  });
});

describe("invitations", () => {
  it("invites by token, creates the account, joins with the invited role, and cannot be reused", async () => {
    const t = await signup();
    const email = `${unique("new.person")}@example.com`;
    const created = await expectOk(api("POST", "/api/v1/invitations", { token: t.ownerToken, body: { email, role: "ADMIN" } }), 201);
    // The token goes to the invited address only, never back to the inviter.
    expect(created).toMatchObject({ invitation: { email, role: "ADMIN" }, delivery: "mailed" });
    expect(JSON.stringify(created)).not.toMatch(/inv_/);
    const mail = await lastMail(email, "invitation");
    expect(mail.link).toMatch(/^http:\/\/localhost\/accept-invitation#token=inv_/);
    const token = linkToken(mail);
    const noPassword = await api("POST", "/api/v1/auth/invitations/accept", { body: { token } });
    expect(noPassword.status).toBe(400);
    const accepted = await expectOk(api("POST", "/api/v1/auth/invitations/accept", { body: { token, password: "brand new password", name: "New Person" } }));
    expect(accepted).toMatchObject({ tenant: t.tenantId, role: "ADMIN" });
    expect((await api("POST", "/api/v1/auth/invitations/accept", { body: { token, password: "brand new password" } })).status).toBe(401);
    const members = await expectOk(api("GET", "/api/v1/members", { token: t.ownerToken }));
    expect(members.items.find((m: { email: string }) => m.email === email).role).toBe("ADMIN");
    const login = await expectOk(api("POST", "/api/v1/auth/login", { body: { email, password: "brand new password" } }));
    expect(login.tenant).toBe(t.tenantId);
  });

  it("revoked invitations cannot be accepted", async () => {
    const t = await signup();
    const email = `${unique("late")}@example.com`;
    const token = await invite(t.ownerToken, email, "MEMBER");
    const [open] = (await expectOk(api("GET", "/api/v1/invitations", { token: t.ownerToken }))).items;
    await expectOk(api("DELETE", `/api/v1/invitations/${open.id}`, { token: t.ownerToken }), 204);
    expect((await api("POST", "/api/v1/auth/invitations/accept", { body: { token, password: "some password ok" } })).status).toBe(401);
  });

  it("a tenant always keeps an owner", async () => {
    const t = await signup();
    const r = await api("PATCH", `/api/v1/members/${t.ownerId}`, { token: t.ownerToken, body: { role: "ADMIN" } });
    expect(r.status).toBe(409);
    expect((await api("DELETE", `/api/v1/members/${t.ownerId}`, { token: t.ownerToken })).status).toBe(409);
  });
});

describe("tokens and passwords", () => {
  it("hashes passwords with PBKDF2-SHA256 at the runtime's maximum cost and a per-user salt", async () => {
    const a = await hashPassword("same password");
    const b = await hashPassword("same password");
    expect(a).not.toBe(b);
    expect(a.startsWith(`pbkdf2-sha256$${PBKDF2_ITERATIONS}$`)).toBe(true);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("other password", a)).toBe(false);
  });

  it("ES256 keys publish a JWKS and verify; HS256 secrets publish nothing", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = JSON.stringify({ ...(await crypto.subtle.exportKey("jwk", pair.privateKey)), kid: "k1" });
    const { token } = await issueAccessToken(jwk, { sub: "usr_1", tid: "acme", role: "VIEWER", act: "user" });
    expect(JSON.parse(atob(token.split(".")[0]!))).toMatchObject({ alg: "ES256", kid: "k1" });
    expect(await verifyAccessToken(jwk, token)).toMatchObject({ sub: "usr_1", tid: "acme" });
    const jwks = await publicJwks(jwk);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty("d");
    expect((await publicJwks("an-hs256-secret-that-is-long-enough-123")).keys).toEqual([]);
    const res = await exports.default.fetch("http://localhost/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ keys: [] });
  });

  it("rejects expired and wrongly signed tokens", async () => {
    const key = "test-signing-secret-not-for-production-0123456789";
    const expired = await issueAccessToken(key, { sub: "u", tid: "acme", role: "OWNER", act: "user" }, -10);
    expect(await verifyAccessToken(key, expired.token)).toBeNull();
    const other = await issueAccessToken("another-secret-another-secret-another", { sub: "u", tid: "acme", role: "OWNER", act: "user" });
    expect(await verifyAccessToken(key, other.token)).toBeNull();
    expect((await api("GET", "/api/v1/tenant", { token: other.token })).status).toBe(401);
  });
});
