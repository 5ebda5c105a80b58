/** Suspension and resume: the API and MQTT refuse a suspended tenant, the hub drops its clients, resume reverses it. */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ReasonCode } from "../../../domain/mqtt";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup } from "../helpers";
import { connect } from "../hub/mqtt-client";
import { auditActions } from "./helpers";

const upgrade = (tenantId: string) => exports.default.fetch(`http://localhost/t/${tenantId}/mqtt`, { headers: { upgrade: "websocket", "sec-websocket-protocol": "mqtt" } });

describe("suspension", () => {
  it("refuses a suspended tenant on the API and MQTT, disconnects its clients, and resume reverses it", async () => {
    const t = await signup();
    const dev = await createDevice(t.ownerToken, { id: "s1" });
    const client = await connect(t.tenantId, { clientId: "s1", username: "s1", password: dev.credentials.password });

    const suspended = await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/suspend`, { token: OPERATOR_TOKEN, body: { reason: "invoice overdue" } }));
    expect(suspended.status).toBe("suspended");
    const disconnect = await client.next("disconnect");
    expect(disconnect.reasonCode).toBe(ReasonCode.AdministrativeAction);
    await client.waitClosed();

    for (const [method, path] of [
      ["GET", "/api/v1/devices"],
      ["GET", "/api/v1/tenant"],
      ["POST", "/api/v1/devices"],
    ] as const) {
      const r = await api(method, path, { token: t.ownerToken, ...(method === "POST" ? { body: { id: "x" } } : {}) });
      expect(r.status, path).toBe(403);
      expect(r.body.code, path).toBe("tenant_suspended");
      expect(r.headers.get("content-type")).toContain("application/problem+json");
    }
    const refused = await upgrade(t.tenantId);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe("tenant_suspended");
    // The owner's export stays reachable (empty until offboarding writes one); other roles are refused.
    expect((await expectOk(api("GET", "/api/v1/exports", { token: t.ownerToken }))).items).toEqual([]);

    const resumed = await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/resume`, { token: OPERATOR_TOKEN, body: {} }));
    expect(resumed.status).toBe("active");
    expect((await api("GET", "/api/v1/devices", { token: t.ownerToken })).status).toBe(200);
    const again = await connect(t.tenantId, { clientId: "s1", username: "s1", password: dev.credentials.password });
    again.close();
    expect(await auditActions(t.tenantId, "tenant.suspended")).toBe(1);
    expect(await auditActions(t.tenantId, "tenant.resumed")).toBe(1);
  });

  it("is idempotent and refuses impossible transitions", async () => {
    const t = await signup();
    await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/suspend`, { token: OPERATOR_TOKEN, body: {} }));
    await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/suspend`, { token: OPERATOR_TOKEN, body: {} }));
    expect(await auditActions(t.tenantId, "tenant.suspended")).toBe(1);
    await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/resume`, { token: OPERATOR_TOKEN, body: {} }));
    expect((await api("POST", "/api/v1/admin/tenants/no-such-tenant/suspend", { token: OPERATOR_TOKEN, body: {} })).status).toBe(404);
    expect((await api("POST", `/api/v1/admin/tenants/${t.tenantId}/suspend`, { token: t.ownerToken, body: {} })).status).toBe(401);
  });
});
