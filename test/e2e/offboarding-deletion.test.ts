/**
 * The deletion certificate stays true against the running platform: a tenant offboarded with a
 * 0-hour window shows no usage (or any other row) after the REST limiter's 10 s flush has come and
 * gone, and its owner is told at login that the workspace was deleted.
 */
import { describe, expect, it } from "vitest";
import { http, operatorToken, signupTenant } from "./client";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilDeleted(tenantId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await http("GET", `/api/v1/admin/tenants/${tenantId}`, { token: operatorToken() });
    if (view.body.status === "deleted") return view.body;
    if (Date.now() > deadline) throw new Error(`${tenantId} is still ${view.body.status}`);
    await sleep(200);
  }
}

describe("offboarding against wrangler dev", () => {
  it("leaves no usage row behind once the limiter's flush is past, and the owner's login says the workspace was deleted", async () => {
    const t = await signupTenant("e2e-gone");
    // Requests the REST limiter meters and flushes only every 10 s.
    for (let i = 0; i < 5; i++) expect((await http("GET", "/api/v1/tenant", { token: t.token })).status).toBe(200);

    const started = await http("POST", "/api/v1/tenant/offboard", { token: t.token, body: { confirm: t.tenantId, downloadWindowHours: 0 } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ downloadWindowHours: 0, exportDownloadable: false });
    expect((await untilDeleted(t.tenantId)).usage).toEqual({});

    await sleep(12_000); // past the limiter's flush (10 s) and the hub's batched writes
    const later = await http("GET", `/api/v1/admin/tenants/${t.tenantId}`, { token: operatorToken() });
    expect(later.body).toMatchObject({ status: "deleted", deviceCount: 0, usage: {} });
    const certificates = await http("GET", `/api/v1/admin/tenants/${t.tenantId}/deletion-certificates`, { token: operatorToken() });
    expect(certificates.body.items[0].claims.stores.registry.afterDeletion).toMatchObject({ usage: 0, audit_log: 0 });

    const login = await http("POST", "/api/v1/auth/login", { body: { email: t.email, password: t.password } });
    expect(login.status).toBe(410);
    expect(login.body.detail).toContain(`'${t.tenantId}' was deleted`);
  }, 60_000);
});
