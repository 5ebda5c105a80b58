/**
 * Asking for offboarding: the first request's download window holds and a different one is
 * refused naming it; a 0-hour window is accepted and the answer says there is no download; the
 * owner of a deleted workspace is told so at login, once the password has checked out.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { offboardingInstanceId } from "../../../domain/lifecycle/params";
import { api, expectOk, OPERATOR_TOKEN, signup } from "../helpers";
import { auditActions, untilStatus, waitForRun } from "./helpers";

const offboard = (tenantId: string, downloadWindowHours: number) => api("POST", `/api/v1/admin/tenants/${tenantId}/offboard`, { token: OPERATOR_TOKEN, body: { confirm: tenantId, downloadWindowHours } });

describe("offboarding requests", () => {
  it("keeps the first download window and answers 409 naming it when asked again with another", async () => {
    const t = await signup();
    const first = await expectOk(offboard(t.tenantId, 24), 202);
    expect(first).toMatchObject({ workflow: { id: offboardingInstanceId(t.tenantId) }, downloadWindowHours: 24, exportDownloadable: true });

    const changed = await offboard(t.tenantId, 0);
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({ code: "conflict", downloadWindowHours: 24, workflow: offboardingInstanceId(t.tenantId), errors: [{ path: "body.downloadWindowHours" }] });
    expect(changed.body.detail).toContain("24 hours");

    // The same window again is the same run, not an error.
    expect(await expectOk(offboard(t.tenantId, 24), 202)).toMatchObject({ workflow: { id: first.workflow.id }, downloadWindowHours: 24 });
    expect(await auditActions(t.tenantId, "tenant.offboard")).toBe(1);

    const run = await env.TENANT_LIFECYCLE.get(offboardingInstanceId(t.tenantId));
    await run.terminate();
    await untilStatus(run, "terminated");
  });

  it("accepts a 0-hour window, says there is no download, and tells the owner at login that the workspace was deleted", async () => {
    const t = await signup();
    const started = await expectOk(api("POST", "/api/v1/tenant/offboard", { token: t.ownerToken, body: { confirm: t.tenantId, downloadWindowHours: 0 } }), 202);
    expect(started).toMatchObject({ downloadWindowHours: 0, exportDownloadable: false });
    expect(started.notice).toContain("no download");
    expect((await waitForRun(t.tenantId, "offboarding")).status).toBe("complete");

    const login = await api("POST", "/api/v1/auth/login", { body: { email: t.email, password: t.password } });
    expect(login.status).toBe(410);
    expect(login.body).toMatchObject({ code: "gone", tenant: t.tenantId, deletedAt: expect.any(Number) });
    expect(login.body.detail).toContain(`'${t.tenantId}' was deleted`);
    expect(login.body.token).toBeUndefined();

    // Without the password nothing is said about the workspace: the same answer as for an unknown address.
    const guessed = await api("POST", "/api/v1/auth/login", { body: { email: t.email, password: "not the password at all" } });
    const unknown = await api("POST", "/api/v1/auth/login", { body: { email: `nobody-${t.tenantId}@example.com`, password: "not the password at all" } });
    expect(guessed.status).toBe(401);
    expect({ code: guessed.body.code, detail: guessed.body.detail }).toEqual({ code: unknown.body.code, detail: unknown.body.detail });
    expect(JSON.stringify(guessed.body)).not.toContain(t.tenantId);
  });
});
