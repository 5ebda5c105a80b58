/**
 * Throttles an unauthenticated endpoint (policy: domain/limits/auth-throttle.ts, counters: the
 * AuthThrottle Durable Object). Before the handler: the caller's address must be within the
 * endpoint's window (`auth_ip`), and the account the body names must not be backing off
 * (`auth_account`, `auth_account_global`). After it, the status says how the attempt went:
 * 2xx resets the account, 401/403/409 stay counted as failures, anything else is not held
 * against it; a handler whose status cannot tell says so itself (`c.set("authAttempt", …)`: signup's
 * 201 is the same whether or not it guessed an existing account's password). Refusals
 * are 429 problem+json naming the limit, with `Retry-After`.
 *
 * The address is `cf-connecting-ip`, which Cloudflare sets on every request; locally and in
 * tests the caller supplies it, and without one all callers share the bucket "unknown".
 */
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { parseApiKey, parseEmailToken, parseInvitationToken } from "../../domain/auth/credentials";
import { sha256Hex } from "../../domain/auth/hashing";
import { AppError } from "../../domain/errors";
import { addressBucket, outcomeOfStatus, type AttemptOutcome, type AuthEndpoint, type BackoffPolicy, type IpRule, type Refusal } from "../../domain/limits/auth-throttle";
import type { AppEnv } from "./app-env";
import { problemResponse } from "./problem";

const MAX_BODY_BYTES = 1024 * 1024; // as validate(): larger bodies are refused there

/** Production budgets per address; wrangler.toml's vars (see `ipRuleFor`) may change them. */
export const DEFAULT_IP_BUDGETS = { attemptsPerMinute: 30, signupsPerHour: 10 } as const;

const Budget = (fallback: number) => z.coerce.number().int().positive().catch(fallback);

/** The endpoint's window per address, from `AUTH_THROTTLE_IP_*` (a missing or invalid value means the default). */
export function ipRuleFor(endpoint: AuthEndpoint, env: Partial<Pick<Env, "AUTH_THROTTLE_IP_ATTEMPTS_PER_MINUTE" | "AUTH_THROTTLE_IP_SIGNUPS_PER_HOUR">>): IpRule {
  if (endpoint === "signup") return { endpoint, max: Budget(DEFAULT_IP_BUDGETS.signupsPerHour).parse(env.AUTH_THROTTLE_IP_SIGNUPS_PER_HOUR), windowMs: 3_600_000 };
  return { endpoint, max: Budget(DEFAULT_IP_BUDGETS.attemptsPerMinute).parse(env.AUTH_THROTTLE_IP_ATTEMPTS_PER_MINUTE), windowMs: 60_000 };
}

/** Names the account an attempt is against, from the request body (null: none, only the address counts). */
export type AccountOf = (body: unknown) => string | null;

const field = (body: unknown, name: string): string | null => {
  const v = body && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === "string" ? v : null;
};

/** Login and signup: the email (normalized as the Email schema does, so `A@x.com ` is `a@x.com`). */
export const accountByEmail: AccountOf = (body) => {
  const email = field(body, "email")?.trim().toLowerCase();
  return email ? `email:${email}` : null;
};
/** Token vending: the API key's id (its tenant and id are in clear; the secret never leaves the body). */
export const accountByApiKey: AccountOf = (body) => {
  const key = parseApiKey(field(body, "apiKey") ?? "");
  return key ? `api_key:${key.tenantId}:${key.id}` : null;
};
/** Invitation acceptance: the invitation's id. */
export const accountByInvitation: AccountOf = (body) => {
  const inv = parseInvitationToken(field(body, "token") ?? "");
  return inv ? `invitation:${inv.tenantId}:${inv.id}` : null;
};

/** Email verification: the verification token's id (its secret is what a guesser would try). */
export const accountByEmailToken: AccountOf = (body) => {
  const proof = parseEmailToken(field(body, "token") ?? "");
  return proof ? `email_token:${proof.id}` : null;
};

/** Reads the JSON body for the account, leaving it to the validator (Hono caches the text it read). */
async function peekJson(c: Context<AppEnv>): Promise<unknown> {
  if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) return null;
  try {
    return JSON.parse(await c.req.text());
  } catch {
    return null;
  }
}

function refuse(c: Context<AppEnv>, endpoint: AuthEndpoint, r: Refusal): Response {
  const seconds = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
  const detail =
    r.limit === "auth_ip"
      ? `too many ${endpoint} attempts from your address: at most ${r.max} per ${r.windowMs! / 1000} s; try again in ${seconds} s`
      : r.limit === "auth_account"
        ? `too many failed attempts for this account from your address; try again in ${seconds} s`
        : `too many failed attempts for this account; try again in ${seconds} s`;
  const extra = { limit: r.limit, retryAfterSeconds: seconds, ...(r.max !== undefined ? { max: r.max, window: `${r.windowMs! / 1000}s` } : {}) };
  return problemResponse(c, new AppError("rate_limited", detail, extra), { "Retry-After": String(seconds) });
}

export type AuthThrottleOptions = {
  endpoint: AuthEndpoint;
  /** Which account the body names; absent: the endpoint is throttled per address only. */
  account?: AccountOf;
  /** Fixed per-address window; default: from the environment (`ipRuleFor`). */
  ipRule?: IpRule;
  backoff?: BackoffPolicy;
  /** What the handler's status says about the credentials; default `outcomeOfStatus`. */
  outcomeOf?: (status: number) => AttemptOutcome;
};

export function authThrottle(opts: AuthThrottleOptions): MiddlewareHandler<AppEnv> {
  // Sent only when set: the object then uses (and need not store) its default.
  const policy = opts.backoff ? { policy: opts.backoff } : {};
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method !== "POST") return next();
    const address = addressBucket(c.req.header("cf-connecting-ip"));
    const ip = await c.env.AUTH_THROTTLE.getByName(`ip:${address}`).takeIp(opts.ipRule ?? ipRuleFor(opts.endpoint, c.env));
    if (!ip.allowed) return refuse(c, opts.endpoint, ip);

    const accountKey = opts.account ? opts.account(await peekJson(c)) : null;
    // Hashed, so object names (visible in the dashboard) carry no email addresses.
    const account = accountKey ? c.env.AUTH_THROTTLE.getByName(`account:${await sha256Hex(accountKey)}`) : null;
    if (account) {
      const admission = await account.beginAttempt({ address, ...policy });
      if (!admission.allowed) return refuse(c, opts.endpoint, admission);
    }
    await next();
    const outcome = c.get("authAttempt") ?? (opts.outcomeOf ?? outcomeOfStatus)(c.res.status);
    // A failure was counted when the attempt began; only the other outcomes change the account.
    if (account && outcome !== "failure") await account.settleAttempt({ address, outcome, ...policy });
  });
}
