/**
 * Onboarding as a Workflow: signup and operator creation run it, every step is retried and
 * idempotent, a failed run leaves the tenant `provisioning` (refused everywhere), and a replayed
 * run (restart) ends with exactly one of everything.
 */
import { introspectWorkflowInstance } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openRegistry } from "../../../domain/data/db";
import { platformData } from "../../../domain/data/platform";
import { onboardingInstanceId } from "../../../domain/lifecycle/params";
import { startOnboarding } from "../../../workers/control-plane/lifecycle";
import { ONBOARDING_STEPS } from "../../../workers/workflows/onboarding";
import { api, expectOk, lastMail, linkToken, OPERATOR_TOKEN, unique } from "../helpers";
import { auditActions, registryCounts, tenantRow, untilStatus } from "./helpers";

const signupBody = (tenantId: string) => ({ email: `${unique("own")}@example.com`, password: "correct horse battery", tenant: { id: tenantId, name: `Tenant ${tenantId}` } });

/** The state a finished onboarding leaves: one owner (or invitation), one default profile, one dashboard, one usage row, one audit entry. */
async function expectExactlyOneOfEverything(tenantId: string, owner: "user" | "invitation" = "user", domains = 0) {
  const counts = await registryCounts(tenantId);
  expect(counts).toMatchObject({ memberships: owner === "user" ? 1 : 0, invitations: owner === "invitation" ? 1 : 0, device_profiles: 1, dashboards: 1, usage: 1, domains });
  expect(await auditActions(tenantId, "tenant.onboarded")).toBe(1);
  expect((await tenantRow(tenantId)).status).toBe("active");
}

describe("onboarding workflow", () => {
  it("signup answers with an active tenant whose token works at once, well within 30 s", async () => {
    const id = unique("onb");
    const started = Date.now();
    const body = await expectOk(api("POST", "/api/v1/auth/signup", { body: signupBody(id) }), 201);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(30_000);
    expect(body.tenant).toMatchObject({ id, status: "active", region: "default" });
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: body.token.token }))).tenant.status).toBe("active");
    await expectExactlyOneOfEverything(id);
    const profiles = await expectOk(api("GET", "/api/v1/device-profiles", { token: body.token.token }));
    expect(profiles.items).toEqual([expect.objectContaining({ id: "default", isDefault: true })]);
    console.log(`signup with onboarding took ${elapsed} ms`);
  });

  it.each(ONBOARDING_STEPS)("retries a failing '%s' step and still ends with exactly one of everything", async (stepName) => {
    const id = unique("inj");
    await using instance = await introspectWorkflowInstance(env.TENANT_LIFECYCLE, onboardingInstanceId(id));
    await instance.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: stepName }, new Error(`injected failure in ${stepName}`), 2);
    });
    const body = await expectOk(api("POST", "/api/v1/auth/signup", { body: signupBody(id) }), 201);
    await instance.waitForStatus("complete");
    expect(body.tenant.status).toBe("active");
    await expectExactlyOneOfEverything(id);
  });

  it("a run that dies half-way leaves the tenant provisioning and refused; the replay finishes it with one of everything", async () => {
    // A real failure after real effects: limit overrides that are not valid limits make "apply plan limits" fail on every attempt.
    const owner = await expectOk(api("POST", "/api/v1/auth/signup", { body: signupBody(unique("first")) }), 201);
    const id = unique("half");
    await platformData(openRegistry(env.REGISTRY)).lifecycle.claim({ id, name: "Half built", plan: "starter", region: "default" });
    await env.REGISTRY.prepare("UPDATE tenants SET limits = ? WHERE id = ?")
      .bind(JSON.stringify({ maxDevices: -1 }), id)
      .run();
    await using instance = await introspectWorkflowInstance(env.TENANT_LIFECYCLE, onboardingInstanceId(id));
    await instance.modify((m) => m.disableRetryDelays());
    const run = await startOnboarding(env, { kind: "onboard", tenant: { id, name: "Half built", plan: "starter", region: "default" }, owner: { type: "user", userId: owner.user.id }, requestedBy: "operator" });
    await instance.waitForStatus("errored");

    // Half-built: owner, profile and dashboard exist, metering does not, and nothing lets the tenant in.
    expect(await registryCounts(id)).toMatchObject({ memberships: 1, device_profiles: 1, dashboards: 1, usage: 0 });
    expect((await tenantRow(id)).status).toBe("provisioning");
    const login = await api("POST", "/api/v1/auth/login", { body: { email: owner.user.email, password: "correct horse battery", tenant: id } });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe("tenant_unavailable");
    const mqtt = await exports.default.fetch(`http://localhost/t/${id}/mqtt`, { headers: { upgrade: "websocket", "sec-websocket-protocol": "mqtt" } });
    expect(mqtt.status).toBe(403);

    // The operator fixes the overrides and replays the run from its first step.
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${id}`, { token: OPERATOR_TOKEN, body: { limits: { maxDevices: 10 } } }));
    await run.restart();
    await untilStatus(run, "complete");
    await expectExactlyOneOfEverything(id);
    const token = (await expectOk(api("POST", "/api/v1/auth/login", { body: { email: owner.user.email, password: "correct horse battery", tenant: id } }))).token;
    expect((await expectOk(api("GET", "/api/v1/tenant", { token }))).limits.maxDevices).toBe(10);
  });

  it("a step that keeps failing ends the run errored without activating the tenant", async () => {
    const id = unique("fail");
    await using instance = await introspectWorkflowInstance(env.TENANT_LIFECYCLE, onboardingInstanceId(id));
    await instance.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "register metering" }, new Error("metering down"));
    });
    const body = await expectOk(api("POST", "/api/v1/auth/signup", { body: signupBody(id) }), 201);
    await instance.waitForStatus("errored");
    expect((await instance.getError()).message).toContain("metering down");
    expect(body.tenant.status).toBe("provisioning");
    const refused = await api("GET", "/api/v1/devices", { token: body.token.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("tenant_unavailable");
    expect(await auditActions(id, "tenant.onboarded")).toBe(0);
  });

  it("replaying a finished run (restart from the first step) changes nothing", async () => {
    const id = unique("replay");
    await expectOk(api("POST", "/api/v1/auth/signup", { body: signupBody(id) }), 201);
    await expectExactlyOneOfEverything(id);
    const run = await env.TENANT_LIFECYCLE.get(onboardingInstanceId(id));
    await run.restart();
    await untilStatus(run, "complete");
    await expectExactlyOneOfEverything(id);
  });

  it("uses one instance per tenant: starting onboarding again finds the first run", async () => {
    const id = unique("once");
    await expectOk(api("POST", "/api/v1/auth/signup", { body: signupBody(id) }), 201);
    const tenant = await tenantRow(id);
    const again = await startOnboarding(env, { kind: "onboard", tenant: { id, name: tenant.name, plan: "starter", region: "default" }, owner: { type: "user", userId: "usr_nobody" }, requestedBy: "operator" });
    expect(again.id).toBe(onboardingInstanceId(id));
    expect((await again.status()).status).toBe("complete");
    // The second start ran nothing: still the original owner only.
    expect((await registryCounts(id)).memberships).toBe(1);
    expect((await api("POST", "/api/v1/auth/signup", { body: signupBody(id) })).status).toBe(409);
  });

  it("operator creation onboards with an owner invitation, a region and a custom domain", async () => {
    const id = unique("opc");
    const created = await expectOk(
      api("POST", "/api/v1/admin/tenants", { token: OPERATOR_TOKEN, body: { id, name: "Operator made", plan: "professional", region: "eu", ownerEmail: `${unique("boss")}@example.com`, customDomain: `IoT.${id}.Example.` } }),
      201,
    );
    expect(created.tenant).toMatchObject({ id, status: "active", region: "eu", plan: "professional" });
    await expectExactlyOneOfEverything(id, "invitation", 1);
    const accepted = await expectOk(api("POST", "/api/v1/auth/invitations/accept", { body: { token: linkToken(await lastMail(created.invitation.email, "invitation")), password: "the boss password" } }));
    expect(accepted).toMatchObject({ tenant: id, role: "OWNER" });
    const domains = await expectOk(api("GET", "/api/v1/domains", { token: accepted.token }));
    expect(domains.items).toEqual([expect.objectContaining({ hostname: `iot.${id}.example`, status: "pending" })]);
    const lifecycle = await expectOk(api("GET", `/api/v1/admin/tenants/${id}/lifecycle`, { token: OPERATOR_TOKEN }));
    expect(lifecycle.onboarding).toMatchObject({ id: onboardingInstanceId(id), status: "complete" });
    expect(lifecycle.offboarding).toBeNull();
  });
});
