/**
 * The throttle on the real unauthenticated endpoints, with the production account policy (5 free
 * failures per address, 20 across addresses, then 1 s doubling to 15 min). The per-address
 * budgets are raised for the whole runtime suite (vitest.config.ts); their production numbers are
 * tested in middleware.test.ts. Every test uses addresses of its own (`cf-connecting-ip`).
 */
import { describe, expect, it } from "vitest";
import { api, expectOk, signup, unique, type ApiResult } from "../helpers";

let nextAddress = 1;
/** A fresh client address (TEST-NET-2), so no test shares a per-address bucket with another. */
const address = () => `198.51.100.${nextAddress++}`;

const login = (ip: string, email: string, password: string, tenant?: string) => api("POST", "/api/v1/auth/login", { headers: { "cf-connecting-ip": ip }, body: { email, password, ...(tenant ? { tenant } : {}) } });

function expectThrottled(r: ApiResult, limit: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(429);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  expect(r.body).toMatchObject({ code: "rate_limited", limit });
  const retryAfter = Number(r.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(r.body.retryAfterSeconds).toBe(retryAfter);
  return retryAfter;
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000 + 50));

/**
 * Keeps failing until refused with at least `minSeconds` to wait, sleeping through shorter
 * backoffs (each failure after them doubles the next one). Then the requests that follow at once
 * surely fall inside the backoff, however slow the machine. Returns the statuses seen.
 */
async function failUntilBackoff(fail: () => Promise<ApiResult>, limit: string, minSeconds = 4): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < 60; i++) {
    const r = await fail();
    statuses.push(r.status);
    if (r.status !== 429) continue;
    const wait = expectThrottled(r, limit);
    if (wait >= minSeconds) return statuses;
    await sleep(wait);
  }
  throw new Error(`never backed off for ${minSeconds} s: ${statuses.join(",")}`);
}

describe("login throttling", () => {
  it("30 wrong passwords, then the right one: refused with Retry-After before it is checked, and the owner gets in once the backoff has passed", { timeout: 60_000 }, async () => {
    const t = await signup();
    const ip = address();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await login(ip, t.email, `wrong password ${i}`)).status);
    // Five failures are free; then the account backs off for this address (1 s, then doubling),
    // so of the other 25 only those arriving after a backoff ran out are tried at all.
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // On a slow machine the last backoff may be about to end: wait for a longer one first.
    await failUntilBackoff(() => login(ip, t.email, "still wrong"), "auth_account");

    const right = await login(ip, t.email, t.password);
    const retryAfter = expectThrottled(right, "auth_account");
    expect(retryAfter).toBeLessThanOrEqual(64); // a short backoff, not a lock
    await sleep(retryAfter);
    const after = await login(ip, t.email, t.password);
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    // The success reset the account: a typo now is an ordinary 401, not a 429.
    expect((await login(ip, t.email, "one typo")).status).toBe(401);
  });

  it("an attacker's backoff does not lock out the owner on another address, nor other accounts on the attacker's address", { timeout: 60_000 }, async () => {
    const t = await signup();
    const other = await signup();
    const attacker = address();
    for (let i = 0; i < 30; i++) await login(attacker, t.email, `guess ${i}`);
    await failUntilBackoff(() => login(attacker, t.email, "one more guess"), "auth_account");
    expectThrottled(await login(attacker, t.email, t.password), "auth_account");
    expect((await login(address(), t.email, t.password)).status).toBe(200);
    // The owner's success does not pardon the attacker's address.
    expectThrottled(await login(attacker, t.email, "another guess"), "auth_account");
    expect((await login(attacker, other.email, other.password)).status).toBe(200);
  });

  it("failures from many addresses back the account off everywhere (auth_account_global), for the backoff only", { timeout: 60_000 }, async () => {
    const t = await signup();
    expect((await login(address(), t.email, t.password)).status).toBe(200);
    // 20 failures, 4 from each of 5 addresses: none of them reaches its own 5.
    for (let a = 0; a < 5; a++) {
      const ip = address();
      for (let i = 0; i < 4; i++) expect((await login(ip, t.email, `spray ${a}-${i}`)).status).toBe(401);
    }
    // Every further failure, each from a new address, is refused or doubles the account's backoff.
    const spray = await failUntilBackoff(() => login(address(), t.email, "spray on"), "auth_account_global", 2);
    expect(spray.length).toBeLessThanOrEqual(10);
    const owner = address();
    const retryAfter = expectThrottled(await login(owner, t.email, t.password), "auth_account_global");
    expect(retryAfter).toBeLessThanOrEqual(16);
    await sleep(retryAfter);
    expect((await login(owner, t.email, t.password)).status).toBe(200);
  });

  it("unknown emails are throttled like real ones (no hint which accounts exist)", async () => {
    const ip = address();
    const ghost = `${unique("ghost")}@example.com`;
    for (let i = 0; i < 5; i++) expect((await login(ip, ghost, "whatever it is")).status).toBe(401);
    expectThrottled(await login(ip, ghost, "whatever it is"), "auth_account");
  });

  it("requests the validator refuses do not count against the account", async () => {
    const t = await signup();
    const ip = address();
    for (let i = 0; i < 8; i++) expect((await api("POST", "/api/v1/auth/login", { headers: { "cf-connecting-ip": ip }, body: { email: t.email, password: "", tenant: "NOT A TENANT" } })).status).toBe(400);
    expect((await login(ip, t.email, t.password)).status).toBe(200);
  });
});

describe("signup, token vending, invitation acceptance and email verification", () => {
  it("signup answered 409 again and again for one email backs that email off", { timeout: 30_000 }, async () => {
    const taken = await signup();
    const ip = address();
    const email = `${unique("squatter")}@example.com`;
    const attempt = () => api("POST", "/api/v1/auth/signup", { headers: { "cf-connecting-ip": ip }, body: { email, password: "a good long password", tenant: { id: taken.tenantId, name: "x" } } });
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(409);
    expectThrottled(await attempt(), "auth_account");
  });

  it("a signup (201 whatever the password, so it proves nothing) never resets an account's login backoff", { timeout: 60_000 }, async () => {
    const t = await signup();
    const ip = address();
    for (let i = 0; i < 5; i++) expect((await login(ip, t.email, `guess ${i}`)).status).toBe(401);
    const refused = await login(ip, t.email, "guess 5");
    if (refused.status === 429) await sleep(expectThrottled(refused, "auth_account"));
    const signedUp = await api("POST", "/api/v1/auth/signup", { headers: { "cf-connecting-ip": ip }, body: { email: t.email, password: "yet another guess", tenant: { id: unique("guess"), name: "x" } } });
    expect(signedUp.status).toBe(201);
    // Had the signup reset the account, five more guesses would reach the password check.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(ip, t.email, `guess after signup ${i}`)).status);
    expect(statuses.filter((s) => s === 401).length, statuses.join(",")).toBeLessThanOrEqual(1);
  });

  it("an address's first signup guessed no password: its owner still has five free typos, from the same address", async () => {
    const ip = address();
    const email = `${unique("fresh")}@example.com`;
    const created = await api("POST", "/api/v1/auth/signup", { headers: { "cf-connecting-ip": ip }, body: { email, password: "the owner's password", tenant: { id: unique("fresh"), name: "x" } } });
    expect(created.status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await login(ip, email, `typo ${i}`)).status).toBe(401);
    expectThrottled(await login(ip, email, "typo 5"), "auth_account");
  });

  it("a signup with an existing account's password proves it, like a login: the address's backoff starts afresh", { timeout: 30_000 }, async () => {
    const t = await signup();
    const ip = address();
    for (let i = 0; i < 4; i++) expect((await login(ip, t.email, `typo ${i}`)).status).toBe(401);
    const again = await api("POST", "/api/v1/auth/signup", { headers: { "cf-connecting-ip": ip }, body: { email: t.email, password: t.password, tenant: { id: unique("second"), name: "x" } } });
    expect(again.status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await login(ip, t.email, `typo after ${i}`)).status).toBe(401);
  });

  it("token vending with a real key id and wrong secrets backs off for that key; the real key elsewhere still works", { timeout: 30_000 }, async () => {
    const t = await signup();
    const created = await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "machine" } }), 201);
    const forged = `${created.key.split("_").slice(0, 3).join("_")}_${"a".repeat(32)}`;
    const ip = address();
    const vend = (apiKey: string, from = ip) => api("POST", "/api/v1/auth/token", { headers: { "cf-connecting-ip": from }, body: { apiKey } });
    for (let i = 0; i < 5; i++) expect((await vend(forged)).status).toBe(401);
    expectThrottled(await vend(forged), "auth_account");
    expectThrottled(await vend(created.key), "auth_account");
    expect((await vend(created.key, address())).status).toBe(200);
  });

  it("invitation acceptance with a real invitation id and wrong secrets backs off for that invitation", { timeout: 30_000 }, async () => {
    const t = await signup();
    await expectOk(api("POST", "/api/v1/invitations", { token: t.ownerToken, body: { email: `${unique("invitee")}@example.com`, role: "MEMBER" } }), 201);
    const [invitation] = (await expectOk(api("GET", "/api/v1/invitations", { token: t.ownerToken }))).items;
    const forged = `inv_${t.tenantId}_${invitation.id}_${"b".repeat(32)}`;
    const ip = address();
    const accept = () => api("POST", "/api/v1/auth/invitations/accept", { headers: { "cf-connecting-ip": ip }, body: { token: forged, password: "a brand new password" } });
    for (let i = 0; i < 5; i++) expect((await accept()).status).toBe(401);
    expectThrottled(await accept(), "auth_account");
  });

  it("email verification with a forged secret backs off for that token", { timeout: 30_000 }, async () => {
    const ip = address();
    const forged = `ver_${unique("v")
      .replace(/[^0-9a-z]/g, "")
      .padEnd(12, "0")
      .slice(0, 12)}_${"e".repeat(32)}`;
    const verify = () => api("POST", "/api/v1/auth/verify-email", { headers: { "cf-connecting-ip": ip }, body: { token: forged } });
    for (let i = 0; i < 5; i++) expect((await verify()).status).toBe(401);
    expectThrottled(await verify(), "auth_account");
  });
});
