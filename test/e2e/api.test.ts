/** The REST API through a real HTTP server (wrangler dev), as a client would use it. */
import { describe, expect, it } from "vitest";
import { http, operatorToken, platformUrl, signupTenant, uniqueId } from "./client";

describe("REST API over HTTP", () => {
  it("signup → login → register a device → list it", async () => {
    const t = await signupTenant();
    const login = await http("POST", "/api/v1/auth/login", { body: { email: t.email, password: t.password } });
    expect(login.status).toBe(200);
    const created = await http("POST", "/api/v1/devices", { token: login.body.token, body: { id: "e2e-dev", name: "E2E device" } });
    expect(created.status).toBe(201);
    expect(created.body.credentials.username).toBe("e2e-dev");
    const list = await http("GET", "/api/v1/devices", { token: login.body.token });
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual(["e2e-dev"]);
    expect(list.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("mails an invitation to the dev outbox, and the invited person joins through the mailed link", async () => {
    const t = await signupTenant();
    const verification = await http("GET", `/api/v1/dev/outbox?to=${encodeURIComponent(t.email)}&kind=email_verification`);
    const verifyToken = new URL(verification.body.items[0].link).hash.slice("#token=".length);
    expect((await http("POST", "/api/v1/auth/verify-email", { body: { token: verifyToken } })).body.user.emailVerified).toBe(true);

    const invitee = `${uniqueId("invitee")}@example.com`;
    const invited = await http("POST", "/api/v1/invitations", { token: t.token, body: { email: invitee, role: "MEMBER" } });
    expect(invited.body).toMatchObject({ delivery: "mailed" });
    const mail = await http("GET", `/api/v1/dev/outbox?to=${encodeURIComponent(invitee)}&kind=invitation`);
    expect(mail.body.items[0].link).toContain(`${platformUrl()}/accept-invitation#token=inv_${t.tenantId}_`);
    const token = new URL(mail.body.items[0].link).hash.slice("#token=".length);
    const accepted = await http("POST", "/api/v1/auth/invitations/accept", { body: { token, password: "invitee password" } });
    expect(accepted.body).toMatchObject({ tenant: t.tenantId, role: "MEMBER" });
  });

  it("serves problem+json for bad input and unknown hosts", async () => {
    const r = await http("POST", "/api/v1/auth/signup", { body: { email: "nope" } });
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(r.body.code).toBe("validation_failed");
  });

  it("publishes the JWKS of the configured ES256 key and the operator token works", async () => {
    const jwks = await http("GET", "/.well-known/jwks.json");
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
    expect(jwks.body.keys[0].d).toBeUndefined();
    const tenants = await http("GET", "/api/v1/admin/tenants", { token: operatorToken() });
    expect(tenants.status).toBe(200);
  });

  it("routes tenant subdomains to their tenant only", async () => {
    const a = await signupTenant("host-a");
    const b = await signupTenant("host-b");
    const own = await http("GET", "/api/v1/tenant", { token: a.token, host: `${a.tenantId}.localhost` });
    expect(own.body.tenant.id).toBe(a.tenantId);
    const foreign = await http("GET", "/api/v1/tenant", { token: a.token, host: `${b.tenantId}.localhost` });
    expect(foreign.status).toBe(403);
  });
});
