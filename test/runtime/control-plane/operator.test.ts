/** The operator's control-plane API: list with usage, lifecycle view, suspend/resume/offboard guards, certificates, audit. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueAccessToken, signStatement, verifyAccessToken, verifyStatement } from "../../../domain/auth/tokens";
import { TENANT_TABLES } from "../../../domain/data/tenant-tables";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup } from "../helpers";
import { auditActions } from "./helpers";

describe("operator API", () => {
  it("lists tenants with status, plan, device counts and this month's usage", async () => {
    const t = await signup();
    await createDevice(t.ownerToken, { id: "u1" });
    const list = await expectOk(api("GET", `/api/v1/admin/tenants?q=${t.tenantId}`, { token: OPERATOR_TOKEN }));
    expect(list.items).toEqual([expect.objectContaining({ id: t.tenantId, status: "active", plan: "starter", deviceCount: 1, usage: expect.objectContaining({ devices_registered: 0 }) })]);
    const active = await expectOk(api("GET", "/api/v1/admin/tenants?status=active&limit=200", { token: OPERATOR_TOKEN }));
    expect(active.items.every((i: { status: string }) => i.status === "active")).toBe(true);
  });

  it("guards offboarding: confirmation required, unknown tenants 404, and every action audited", async () => {
    const t = await signup();
    const wrong = await api("POST", `/api/v1/admin/tenants/${t.tenantId}/offboard`, { token: OPERATOR_TOKEN, body: { confirm: "someone-else" } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe("body.confirm");
    expect((await api("POST", "/api/v1/admin/tenants/no-such-tenant/offboard", { token: OPERATOR_TOKEN, body: { confirm: "no-such-tenant" } })).status).toBe(404);
    expect((await api("GET", "/api/v1/admin/tenants/no-such-tenant/deletion-certificates", { token: OPERATOR_TOKEN })).status).toBe(404);
    expect((await expectOk(api("GET", `/api/v1/admin/tenants/${t.tenantId}/deletion-certificates`, { token: OPERATOR_TOKEN }))).items).toEqual([]);
    await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/suspend`, { token: OPERATOR_TOKEN, body: { reason: "audit check" } }));
    await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/resume`, { token: OPERATOR_TOKEN, body: {} }));
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${t.tenantId}`, { token: OPERATOR_TOKEN, body: { plan: "professional" } }));
    for (const action of ["tenant.suspended", "tenant.resumed", "tenant.operator_update"]) expect(await auditActions(t.tenantId, action), action).toBeGreaterThanOrEqual(1);
    const view = await expectOk(api("GET", `/api/v1/admin/tenants/${t.tenantId}/lifecycle`, { token: OPERATOR_TOKEN }));
    expect(view).toMatchObject({ tenant: { id: t.tenantId }, onboarding: { status: "complete", output: { tenantId: t.tenantId, status: "active" } }, offboarding: null });
  });
});

describe("offboarding building blocks", () => {
  it("finds every registry table a tenant owns, in an order that deletes without tripping foreign keys", () => {
    const names = TENANT_TABLES.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["memberships", "invitations", "api_keys", "device_profiles", "devices", "assets", "sensors", "domains", "audit_log", "usage", "dashboards"]));
    expect(names).not.toContain("deletion_certificates");
    expect(names).not.toContain("tenants");
    for (const t of TENANT_TABLES) for (const ref of t.references) if (names.includes(ref)) expect(names.indexOf(t.name), `${t.name} → ${ref}`).toBeLessThan(names.indexOf(ref));
  });

  it("signs statements that verify with the platform key and are never accepted as access tokens", async () => {
    const key = env.JWT_SIGNING_KEY;
    const jws = await signStatement(key, "skylark-test+jwt", { sub: "acme", counts: { devices: 0 } });
    expect(await verifyStatement(key, "skylark-test+jwt", jws)).toMatchObject({ sub: "acme", counts: { devices: 0 } });
    expect(await verifyStatement(key, "other-type+jwt", jws)).toBeNull();
    expect(await verifyAccessToken(key, jws)).toBeNull();
    const { token } = await issueAccessToken(key, { sub: "u", tid: "acme", role: "OWNER", act: "user" });
    expect(await verifyStatement(key, "skylark-test+jwt", token)).toBeNull();
  });
});
