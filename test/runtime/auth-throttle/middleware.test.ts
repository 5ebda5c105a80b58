/**
 * The authThrottle middleware on its own (as honojs middleware is tested): a small app whose
 * handler answers like an authentication endpoint, the real AuthThrottle Durable Object behind
 * it, and the production per-address budgets (the runtime suite raises the configured ones,
 * which `ipRuleFor({})` ignores).
 */
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../../workers/http/app-env";
import { accountByEmail, authThrottle, DEFAULT_IP_BUDGETS, ipRuleFor, type AuthThrottleOptions } from "../../../workers/http/auth-throttle";
import type { AuthEndpoint } from "../../../domain/limits/auth-throttle";

/** An endpoint that accepts the password "right", answers 400 without one, and 401 otherwise. */
function appWith(endpoint: AuthEndpoint, opts: Partial<AuthThrottleOptions> = {}) {
  const app = new Hono<AppEnv>();
  app.use("/attempt", authThrottle({ endpoint, account: accountByEmail, ipRule: ipRuleFor(endpoint, {}), ...opts }));
  app.post("/attempt", async (c) => {
    const body = await c.req.json<{ password?: string }>(); // the body is still readable after the middleware peeked
    if (!body.password) return c.json({ code: "validation_failed" }, 400);
    return body.password === "right" ? c.json({ ok: true }) : c.json({ code: "invalid_credentials" }, 401);
  });
  return (ip: string | null, email: string, password?: string) =>
    app.request("/attempt", { method: "POST", headers: { "content-type": "application/json", ...(ip ? { "cf-connecting-ip": ip } : {}) }, body: JSON.stringify({ email, password }) }, env);
}

let seq = 0;
const fresh = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${seq++}`;
let octet = 1;
const address = () => `192.0.2.${octet++}`;

async function problem(res: Response) {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return { body: (await res.json()) as Record<string, unknown>, retryAfter: Number(res.headers.get("retry-after")) };
}

describe("per-address budgets (production numbers)", () => {
  it("login: 30 attempts a minute from one address across 30 accounts, the 31st is refused naming auth_ip; another address is not", { timeout: 60_000 }, async () => {
    const attempt = appWith("login");
    const ip = address();
    for (let i = 0; i < DEFAULT_IP_BUDGETS.attemptsPerMinute; i++) expect((await attempt(ip, `${fresh("u")}@example.com`, "wrong")).status).toBe(401);
    const { body, retryAfter } = await problem(await attempt(ip, `${fresh("u")}@example.com`, "right"));
    expect(body).toMatchObject({ code: "rate_limited", limit: "auth_ip", max: 30, window: "60s" });
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await attempt(address(), `${fresh("u")}@example.com`, "right")).status).toBe(200);
  });

  it("signup: 10 an hour per address", { timeout: 30_000 }, async () => {
    const attempt = appWith("signup");
    const ip = address();
    for (let i = 0; i < DEFAULT_IP_BUDGETS.signupsPerHour; i++) expect((await attempt(ip, `${fresh("s")}@example.com`, "right")).status).toBe(200);
    const { body, retryAfter } = await problem(await attempt(ip, `${fresh("s")}@example.com`, "right"));
    expect(body).toMatchObject({ limit: "auth_ip", max: 10, window: "3600s" });
    expect(retryAfter).toBeGreaterThan(3500);
  });

  it("verify-email is throttled per address even without an account in the body", { timeout: 30_000 }, async () => {
    const attempt = appWith("verify_email", { account: undefined });
    const ip = address();
    for (let i = 0; i < 30; i++) await attempt(ip, "", "wrong");
    expect((await problem(await attempt(ip, "", "right"))).body.limit).toBe("auth_ip");
  });

  it("IPv6 addresses of one /64 share a bucket, other /64s do not", { timeout: 30_000 }, async () => {
    const attempt = appWith("login", { ipRule: { endpoint: "login", max: 3, windowMs: 60_000 } });
    const prefix = `2001:db8:${(seq++).toString(16)}:7`;
    await attempt(`${prefix}::1`, `${fresh("a")}@example.com`, "right");
    await attempt(`${prefix}:0:0:0:2`, `${fresh("a")}@example.com`, "right");
    await attempt(`${prefix}:ffff::3`, `${fresh("a")}@example.com`, "right");
    expect((await problem(await attempt(`${prefix}::4`, `${fresh("a")}@example.com`, "right"))).body.limit).toBe("auth_ip");
    expect((await attempt(`2001:db8:ffff:1::1`, `${fresh("a")}@example.com`, "right")).status).toBe(200);
  });

  it("the budgets come from AUTH_THROTTLE_IP_*; a missing or invalid value means the production default", () => {
    expect(ipRuleFor("login", { AUTH_THROTTLE_IP_ATTEMPTS_PER_MINUTE: "3" })).toEqual({ endpoint: "login", max: 3, windowMs: 60_000 });
    expect(ipRuleFor("signup", { AUTH_THROTTLE_IP_SIGNUPS_PER_HOUR: "25" })).toEqual({ endpoint: "signup", max: 25, windowMs: 3_600_000 });
    expect(ipRuleFor("token", { AUTH_THROTTLE_IP_ATTEMPTS_PER_MINUTE: "lots" }).max).toBe(30);
    expect(ipRuleFor("signup", {}).max).toBe(10);
  });
});

describe("per-account backoff", () => {
  it("the status decides: 401 counts, 400 does not, 2xx resets", { timeout: 30_000 }, async () => {
    const attempt = appWith("login");
    const ip = address();
    const email = `${fresh("acct")}@example.com`;
    for (let i = 0; i < 10; i++) expect((await attempt(ip, email)).status).toBe(400);
    for (let i = 0; i < 4; i++) expect((await attempt(ip, email, "wrong")).status).toBe(401);
    expect((await attempt(ip, email, "right")).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await attempt(ip, email, "wrong")).status).toBe(401);
    const { body, retryAfter } = await problem(await attempt(ip, email, "right"));
    expect(body).toMatchObject({ code: "rate_limited", limit: "auth_account", retryAfterSeconds: 1 });
    expect(retryAfter).toBe(1);
  });

  it("parallel attempts cannot slip past the count: of 20 at once, 5 reach the handler", { timeout: 30_000 }, async () => {
    const attempt = appWith("login");
    const ip = address();
    const email = `${fresh("burst")}@example.com`;
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => attempt(ip, email, "wrong")))).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  it("emails are one account however they are written", { timeout: 30_000 }, async () => {
    const attempt = appWith("login");
    const ip = address();
    const email = `${fresh("case")}@example.com`;
    for (const spelling of [email, email.toUpperCase(), ` ${email}`, `${email} `, email]) expect((await attempt(ip, spelling, "wrong")).status).toBe(401);
    expect((await attempt(ip, email.toUpperCase(), "right")).status).toBe(429);
  });
});
