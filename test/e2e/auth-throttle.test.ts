/**
 * The auth throttle on the running platform (wrangler dev, real sockets). wrangler dev fills in
 * `cf-connecting-ip` with the client's address (127.0.0.1 here) as Cloudflare would; the e2e
 * platform raises the per-address budgets (scripts/platform.mjs), the account backoff is the
 * production one.
 */
import { describe, expect, it } from "vitest";
import { http, signupTenant } from "./client";

describe("auth throttle over HTTP", () => {
  it("five wrong passwords, then 429 with Retry-After naming auth_account; the owner gets in after the backoff", async () => {
    const t = await signupTenant();
    const wrong = () => http("POST", "/api/v1/auth/login", { body: { email: t.email, password: "not the password" } });
    for (let i = 0; i < 5; i++) {
      const r = await wrong();
      expect(r.status, JSON.stringify(r.body)).toBe(401);
    }
    let refused = await wrong();
    // On a slow machine the 1 s backoff may already be over: the next failure doubles it.
    for (let i = 0; i < 5 && refused.status !== 429; i++) refused = await wrong();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({ code: "rate_limited", limit: "auth_account" });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(32);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    expect((await http("POST", "/api/v1/auth/login", { body: { email: t.email, password: t.password } })).status).toBe(200);
  });
});
