/** The plan is the operator's (or a billing integration's) to change, never the tenant's own. */
import { beforeAll, describe, expect, it } from "vitest";
import { api, expectOk, OPERATOR_TOKEN, signup, type TenantFixture } from "../helpers";

let t: TenantFixture;
beforeAll(async () => {
  t = await signup();
});

describe("PATCH /tenant and the plan", () => {
  it("refuses a plan change from the self-signup OWNER with 403, and the plan stays", async () => {
    const r = await api("PATCH", "/api/v1/tenant", { token: t.ownerToken, body: { plan: "enterprise" } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("forbidden");
    expect(r.body.detail).toContain("operator");
    const me = await expectOk(api("GET", "/api/v1/tenant", { token: t.ownerToken }));
    expect(me.tenant.plan).toBe("starter");
    expect(me.limits.maxDevices).toBe(50);
  });

  it("refuses the whole patch when the plan rides along with allowed fields, and audits the refusal", async () => {
    const r = await api("PATCH", "/api/v1/tenant", { token: t.ownerToken, body: { name: "Renamed", plan: "professional" } });
    expect(r.status).toBe(403);
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: t.ownerToken }))).tenant.name).not.toBe("Renamed");
    const audit = await expectOk(api("GET", "/api/v1/audit?action=tenant.update&outcome=denied", { token: t.ownerToken }));
    expect(audit.items[0]).toMatchObject({ outcome: "denied", details: { reason: "plan_is_operator_managed", plan: "professional" } });
  });

  it("still lets ADMINs and OWNERs change the name and branding", async () => {
    const updated = await expectOk(api("PATCH", "/api/v1/tenant", { token: t.ownerToken, body: { name: "New name", branding: { primaryColor: "#112233" } } }));
    expect(updated).toMatchObject({ name: "New name", plan: "starter", branding: { primaryColor: "#112233" } });
  });

  it("the operator's PATCH still changes the plan, and the tenant sees the new limits", async () => {
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${t.tenantId}`, { token: OPERATOR_TOKEN, body: { plan: "enterprise" } }));
    const me = await expectOk(api("GET", "/api/v1/tenant", { token: t.ownerToken }));
    expect(me.tenant.plan).toBe("enterprise");
    expect(me.limits.maxDevices).toBe(100_000);
  });
});
