/**
 * The permission matrix, enforced per role on every tenant route: below a route's minimum role
 * the answer is 403 `forbidden`; at or above it, exactly the status the route gives any caller it
 * admits (so a 500 or a wrong status cannot pass as "allowed").
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ROLES, roleAtLeast, type Role } from "../../domain/roles";
import { api, expectOk, memberWithRole, signup, type TenantFixture } from "./helpers";
import { apiRoutes, authScopeOf, concretePath, minRoleOf } from "./route-table";

/**
 * What a role at or above the minimum gets from each tenant route when asked with placeholder ids that
 * exist nowhere and, for writes, an empty JSON body: 404 `not_found` for a missing resource, 400
 * `validation_failed` for a body or query that lacks its required fields, or the read's own success.
 * A new tenant route needs one entry here; the sweep fails while it has none.
 */
const ADMITTED_STATUS: Record<string, 200 | 201 | 202 | 204 | 400 | 404> = {
  "GET /api/v1/tenant": 200,
  "PATCH /api/v1/tenant": 200,
  "POST /api/v1/tenant/offboard": 400,
  "POST /api/v1/devices": 400,
  "GET /api/v1/devices": 200,
  "GET /api/v1/devices/:id": 404,
  "PATCH /api/v1/devices/:id": 404,
  "POST /api/v1/devices/:id/credentials/rotate": 404,
  "GET /api/v1/devices/:id/telemetry/latest": 404,
  "GET /api/v1/devices/:id/attributes": 404,
  "PUT /api/v1/devices/:id/attributes/desired": 404,
  "PATCH /api/v1/devices/:id/attributes/desired": 404,
  "POST /api/v1/devices/:id/credentials": 400,
  "POST /api/v1/devices/:id/credentials/rotation-request": 400,
  "GET /api/v1/devices/:id/credentials": 404,
  "POST /api/v1/devices/:id/commands": 400,
  "GET /api/v1/devices/:id/commands": 404,
  "GET /api/v1/devices/:id/commands/:commandId": 404,
  "POST /api/v1/devices/:id/commands/:commandId/cancel": 404,
  "GET /api/v1/devices/:id/command-settings": 404,
  "PUT /api/v1/devices/:id/command-settings": 400,
  "GET /api/v1/devices/:id/health": 404,
  "GET /api/v1/devices/:id/connectivity": 404,
  "POST /api/v1/commands": 400,
  "POST /api/v1/device-profiles": 400,
  "GET /api/v1/device-profiles": 200,
  "GET /api/v1/device-profiles/:id": 404,
  "PATCH /api/v1/device-profiles/:id": 404,
  "POST /api/v1/assets": 400,
  "GET /api/v1/assets": 200,
  "GET /api/v1/assets/:assetId": 404,
  "PATCH /api/v1/assets/:assetId": 404,
  "POST /api/v1/assets/:assetId/sensors": 400,
  "GET /api/v1/assets/:assetId/sensors": 404,
  "GET /api/v1/assets/:assetId/sensors/:sensorId": 404,
  "PATCH /api/v1/assets/:assetId/sensors/:sensorId": 404,
  "GET /api/v1/members": 200,
  "GET /api/v1/members/:userId": 404,
  "PATCH /api/v1/members/:userId": 400,
  "POST /api/v1/invitations": 400,
  "GET /api/v1/invitations": 200,
  "POST /api/v1/api-keys": 400,
  "GET /api/v1/api-keys": 200,
  "GET /api/v1/audit": 200,
  "POST /api/v1/domains": 400,
  "GET /api/v1/domains": 200,
  "GET /api/v1/domains/:hostname": 404,
  "POST /api/v1/domains/:hostname/verify": 404,
  "GET /api/v1/exports": 200,
  "GET /api/v1/exports/:exportId/manifest": 400,
  "GET /api/v1/exports/:exportId/files/:name": 400,
  "GET /api/v1/telemetry": 400,
  "GET /api/v1/telemetry/export": 400,
  "GET /api/v1/telemetry/stream": 400,
  "GET /api/v1/telemetry/latest": 400,
  "GET /api/v1/telemetry/rejected": 200,
  "GET /api/v1/telemetry/dead-letters": 200,
  "GET /api/v1/telemetry/trace/:traceId": 404,
  "GET /api/v1/status": 200,
  "POST /api/v1/telemetry/dead-letters/:id/redrive": 400,
  "GET /api/v1/dashboards": 200,
  "POST /api/v1/dashboards": 400,
  "POST /api/v1/dashboards/import": 400,
  "GET /api/v1/dashboards/:id": 404,
  "PUT /api/v1/dashboards/:id": 400,
  "GET /api/v1/dashboards/:id/export": 404,
  "GET /api/v1/fleet/health": 200,
  "GET /api/v1/fleet/summary": 200,
  "GET /api/v1/firmware": 200,
  "GET /api/v1/firmware/storage": 200,
  "GET /api/v1/firmware/signing": 200,
  "PUT /api/v1/firmware/signing": 400,
  "POST /api/v1/firmware": 400,
  "GET /api/v1/firmware/:id": 404,
  "PUT /api/v1/firmware/:id/artifact": 404,
  "POST /api/v1/firmware/:id/download-urls": 400,
  "POST /api/v1/firmware/:id/deprecate": 404,
  "POST /api/v1/alarm-rules": 400,
  "GET /api/v1/alarm-rules": 200,
  "GET /api/v1/alarm-rules/:id": 404,
  "PATCH /api/v1/alarm-rules/:id": 400,
  "GET /api/v1/alarms": 200,
  "GET /api/v1/alarms/counts": 200,
  "GET /api/v1/alarms/:id": 404,
  "POST /api/v1/alarms/:id/acknowledge": 404,
  "POST /api/v1/alarms/:id/clear": 404,
  "POST /api/v1/alarm-webhooks": 400,
  "GET /api/v1/alarm-webhooks": 200,
  "GET /api/v1/alarm-webhooks/:id": 404,
  "PATCH /api/v1/alarm-webhooks/:id": 400,
  "GET /api/v1/alarm-webhooks/:id/deliveries": 404,
  "GET /api/v1/usage": 200,
  "DELETE /api/v1/devices/:id": 404,
  "DELETE /api/v1/devices/:id/credentials/:credentialId": 404,
  "DELETE /api/v1/device-profiles/:id": 404,
  "DELETE /api/v1/assets/:assetId": 404,
  "DELETE /api/v1/assets/:assetId/sensors/:sensorId": 404,
  "DELETE /api/v1/members/:userId": 404,
  "DELETE /api/v1/invitations/:id": 404,
  "DELETE /api/v1/api-keys/:id": 404,
  "DELETE /api/v1/domains/:hostname": 404,
  "DELETE /api/v1/telemetry/dead-letters/:id": 400,
  "DELETE /api/v1/dashboards/:id": 404,
  "DELETE /api/v1/firmware/:id": 404,
  "DELETE /api/v1/alarm-rules/:id": 404,
  "DELETE /api/v1/alarm-webhooks/:id": 404,
  "GET /api/v1/rollouts": 200,
  "POST /api/v1/rollouts": 400,
  "GET /api/v1/rollouts/:id": 404,
  "GET /api/v1/rollouts/:id/devices": 404,
  "POST /api/v1/rollouts/:id/pause": 404,
  "POST /api/v1/rollouts/:id/resume": 404,
  "POST /api/v1/rollouts/:id/cancel": 404,
  "POST /api/v1/rollouts/:id/rollback": 404,
};

/** The problem code that goes with each expected error status. */
const PROBLEM_CODE: Partial<Record<number, string>> = { 400: "validation_failed", 404: "not_found" };

const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

let t: TenantFixture;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  t = await signup();
  tokens.OWNER = t.ownerToken;
  for (const role of ["ADMIN", "MEMBER", "VIEWER"] as const) tokens[role] = (await memberWithRole(t, role)).token;
});

describe("permission matrix", () => {
  it("every tenant route declares its minimum role", () => {
    const tenantRoutes = apiRoutes().filter((r) => authScopeOf(r) === "tenant");
    expect(tenantRoutes.length).toBeGreaterThan(30);
    expect(tenantRoutes.filter((r) => !minRoleOf(r)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it("knows the admitted status of every tenant route, and of no route that is gone", () => {
    const tenantRoutes = apiRoutes()
      .filter((r) => authScopeOf(r) === "tenant")
      .map(routeKey);
    expect(
      tenantRoutes.filter((key) => !(key in ADMITTED_STATUS)),
      "tenant routes without an entry in ADMITTED_STATUS",
    ).toEqual([]);
    expect(
      Object.keys(ADMITTED_STATUS).filter((key) => !tenantRoutes.includes(key)),
      "ADMITTED_STATUS entries for routes that no longer exist",
    ).toEqual([]);
  });

  it("refuses roles below the minimum with 403 and gives the rest the route's exact status", async () => {
    // DELETE last so that nothing the other requests need is gone; the placeholder ids exist nowhere anyway.
    const routes = apiRoutes()
      .filter((r) => authScopeOf(r) === "tenant")
      .sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
    for (const route of routes) {
      const min = minRoleOf(route)!;
      const admitted = ADMITTED_STATUS[routeKey(route)];
      for (const role of ROLES) {
        const r = await api(route.method, concretePath(route.path), { token: tokens[role], ...(["POST", "PATCH", "PUT"].includes(route.method) ? { body: {} } : {}) });
        const label = `${role} ${route.method} ${route.path} (min ${min}) → ${r.status} ${JSON.stringify(r.body)}`;
        if (roleAtLeast(role, min)) {
          expect(admitted, `${routeKey(route)} has no entry in ADMITTED_STATUS`).toBeDefined();
          expect(r.status, label).toBe(admitted);
          if (PROBLEM_CODE[r.status]) expect(r.body.code, label).toBe(PROBLEM_CODE[r.status]);
        } else {
          expect(r.status, label).toBe(403);
          expect(r.body.code, label).toBe("forbidden");
        }
      }
    }
    // Four roles on every tenant route: over four hundred requests, more than the suite's default on a busy machine.
  }, 90_000);

  it("documents the matrix: VIEWER reads, MEMBER manages devices and dashboards, ADMIN manages people and keys", () => {
    const min = (method: string, path: string) => minRoleOf(apiRoutes().find((r) => r.method === method && r.path === path)!);
    expect(min("GET", "/api/v1/devices")).toBe("VIEWER");
    expect(min("POST", "/api/v1/devices")).toBe("MEMBER");
    expect(min("POST", "/api/v1/assets")).toBe("MEMBER");
    expect(min("POST", "/api/v1/invitations")).toBe("ADMIN");
    expect(min("POST", "/api/v1/api-keys")).toBe("ADMIN");
    expect(min("PATCH", "/api/v1/members/:userId")).toBe("ADMIN");
    expect(min("GET", "/api/v1/audit")).toBe("ADMIN");
    for (const [method, path] of [
      ["GET", "/api/v1/dashboards"],
      ["GET", "/api/v1/dashboards/:id"],
      ["GET", "/api/v1/dashboards/:id/export"],
    ])
      expect(min(method!, path!)).toBe("VIEWER");
    for (const path of ["/api/v1/firmware", "/api/v1/firmware/:id", "/api/v1/firmware/storage", "/api/v1/firmware/signing"]) expect(min("GET", path)).toBe("MEMBER");
    for (const [method, path] of [
      ["POST", "/api/v1/firmware"],
      ["PUT", "/api/v1/firmware/:id/artifact"],
      ["POST", "/api/v1/firmware/:id/deprecate"],
      ["DELETE", "/api/v1/firmware/:id"],
      ["PUT", "/api/v1/firmware/signing"],
      ["POST", "/api/v1/firmware/:id/download-urls"],
    ])
      expect(min(method!, path!)).toBe("ADMIN");
    for (const path of ["/api/v1/rollouts", "/api/v1/rollouts/:id", "/api/v1/rollouts/:id/devices"]) expect(min("GET", path)).toBe("MEMBER");
    for (const path of ["/api/v1/rollouts", "/api/v1/rollouts/:id/pause", "/api/v1/rollouts/:id/resume", "/api/v1/rollouts/:id/cancel", "/api/v1/rollouts/:id/rollback"]) expect(min("POST", path)).toBe("ADMIN");
    for (const path of ["/api/v1/fleet/summary", "/api/v1/fleet/health", "/api/v1/telemetry/latest", "/api/v1/devices/:id/health", "/api/v1/devices/:id/connectivity"]) expect(min("GET", path)).toBe("VIEWER");
    // Commands: VIEWER reads them, MEMBER sends and cancels.
    for (const path of ["/api/v1/devices/:id/commands", "/api/v1/devices/:id/commands/:commandId", "/api/v1/devices/:id/command-settings"]) expect(min("GET", path)).toBe("VIEWER");
    expect(min("PUT", "/api/v1/devices/:id/command-settings")).toBe("MEMBER");
    for (const path of ["/api/v1/devices/:id/commands", "/api/v1/devices/:id/commands/:commandId/cancel", "/api/v1/commands"]) expect(min("POST", path)).toBe("MEMBER");
    // …and they are in the matrix above (authenticated as tenant routes by the devices router they sit under).
    const tenantScoped = apiRoutes()
      .filter((r) => authScopeOf(r) === "tenant")
      .map((r) => `${r.method} ${r.path}`);
    for (const route of ["POST /api/v1/devices/:id/commands", "GET /api/v1/devices/:id/commands/:commandId", "POST /api/v1/commands"]) expect(tenantScoped).toContain(route);
    for (const [method, path] of [
      ["POST", "/api/v1/dashboards"],
      ["POST", "/api/v1/dashboards/import"],
      ["PUT", "/api/v1/dashboards/:id"],
      ["DELETE", "/api/v1/dashboards/:id"],
    ])
      expect(min(method!, path!)).toBe("MEMBER");
    // Alarms: everyone reads them, MEMBER acknowledges and clears, ADMIN manages rules and webhooks.
    for (const path of ["/api/v1/alarms", "/api/v1/alarms/counts", "/api/v1/alarms/:id"]) expect(min("GET", path)).toBe("VIEWER");
    for (const path of ["/api/v1/alarms/:id/acknowledge", "/api/v1/alarms/:id/clear"]) expect(min("POST", path)).toBe("MEMBER");
    for (const [method, path] of [
      ["POST", "/api/v1/alarm-rules"],
      ["GET", "/api/v1/alarm-rules"],
      ["PATCH", "/api/v1/alarm-rules/:id"],
      ["DELETE", "/api/v1/alarm-rules/:id"],
      ["POST", "/api/v1/alarm-webhooks"],
      ["GET", "/api/v1/alarm-webhooks/:id/deliveries"],
    ])
      expect(min(method!, path!)).toBe("ADMIN");
  });

  it("keeps OWNER-only actions for owners", async () => {
    const plan = await api("PATCH", "/api/v1/tenant", { token: tokens.ADMIN, body: { plan: "professional" } });
    expect(plan.status).toBe(403);
    const invite = await api("POST", "/api/v1/invitations", { token: tokens.ADMIN, body: { email: "o@example.com", role: "OWNER" } });
    expect(invite.status).toBe(403);
    const members = await expectOk(api("GET", "/api/v1/members", { token: tokens.ADMIN }));
    const owner = members.items.find((m: { role: string }) => m.role === "OWNER");
    expect((await api("DELETE", `/api/v1/members/${owner.userId}`, { token: tokens.ADMIN })).status).toBe(403);
    // The plan is the operator's, not even the OWNER's (test/runtime/hardening/tenant-plan.test.ts).
    expect((await api("PATCH", "/api/v1/tenant", { token: tokens.OWNER, body: { plan: "professional" } })).status).toBe(403);
  });

  it("never lets a key be stronger than its creator", async () => {
    const admin = await api("POST", "/api/v1/api-keys", { token: tokens.ADMIN, body: { name: "too strong", role: "OWNER" } });
    expect(admin.status).toBe(403);
    const ok = await api("POST", "/api/v1/api-keys", { token: tokens.ADMIN, body: { name: "fine", role: "MEMBER" } });
    expect(ok.status).toBe(201);
    // A MEMBER key acts as a MEMBER: can register devices, cannot create keys.
    expect((await api("POST", "/api/v1/devices", { token: ok.body.key, body: { id: "from-key" } })).status).toBe(201);
    expect((await api("POST", "/api/v1/api-keys", { token: ok.body.key, body: { name: "x" } })).status).toBe(403);
  });

  it("applies a role change immediately, even to tokens already issued", async () => {
    const member = await memberWithRole(t, "MEMBER");
    expect((await api("POST", "/api/v1/devices", { token: member.token, body: { id: "before-demotion" } })).status).toBe(201);
    await expectOk(api("PATCH", `/api/v1/members/${member.userId}`, { token: tokens.OWNER, body: { role: "VIEWER" } }));
    expect((await api("POST", "/api/v1/devices", { token: member.token, body: { id: "after-demotion" } })).status).toBe(403);
    await expectOk(api("DELETE", `/api/v1/members/${member.userId}`, { token: tokens.OWNER }), 204);
    expect((await api("GET", "/api/v1/devices", { token: member.token })).status).toBe(401);
  });
});
