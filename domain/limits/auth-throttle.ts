/**
 * The throttling policy of the unauthenticated surface (login, signup, token vending, invitation
 * acceptance, email verification). Pure: state in, state out, clock passed in; the AuthThrottle
 * Durable Object only stores the state.
 *
 * Two kinds of limit, each with a name a 429 carries:
 * - `auth_ip`: attempts per client address and endpoint in a fixed window (every attempt counts:
 *   each one costs a password hash, and credential stuffing tries many accounts from one address).
 * - `auth_account` / `auth_account_global`: failed attempts against one account (an email, an API
 *   key id, an invitation id) with exponential backoff. `auth_account` counts the failures from
 *   the caller's address only, so an attacker backs off alone and the owner on another address is
 *   not locked out by them; `auth_account_global` counts failures from every address with a larger
 *   allowance, so a distributed attacker is slowed down too (and then the owner waits as well, at
 *   most the current backoff). A success resets the account and the caller's own address, never a
 *   lock of someone else's address. Nothing is permanent: backoff is capped and failures are
 *   forgotten after a quiet day.
 */
import { z } from "zod";

const AUTH_LIMITS = ["auth_ip", "auth_account", "auth_account_global"] as const;
type AuthLimit = (typeof AUTH_LIMITS)[number];

const AUTH_ENDPOINTS = ["login", "signup", "token", "accept", "verify_email"] as const;
export type AuthEndpoint = (typeof AUTH_ENDPOINTS)[number];

export type Refusal = { allowed: false; limit: AuthLimit; retryAfterMs: number; max?: number; windowMs?: number };
export type Admission = { allowed: true } | Refusal;

// ---------------------------------------------------------------------------------------------
// Per address: a fixed window per endpoint.

export const IpRule = z.object({ endpoint: z.enum(AUTH_ENDPOINTS), max: z.number().int().positive(), windowMs: z.number().int().positive() });
export type IpRule = z.infer<typeof IpRule>;
export type IpWindows = Partial<Record<AuthEndpoint, { start: number; used: number }>>;

export function takeIpAttempt(windows: IpWindows, rule: IpRule, now: number): Admission {
  let w = windows[rule.endpoint];
  if (!w || now >= w.start + rule.windowMs) w = windows[rule.endpoint] = { start: now, used: 0 };
  if (w.used >= rule.max) return { allowed: false, limit: "auth_ip", retryAfterMs: w.start + rule.windowMs - now, max: rule.max, windowMs: rule.windowMs };
  w.used++;
  return { allowed: true };
}

/** When nothing in `windows` matters any more (the object may then forget everything). */
export function ipWindowsExpireAt(windows: IpWindows, rules: Partial<Record<AuthEndpoint, number>>): number {
  return Math.max(0, ...Object.entries(windows).map(([e, w]) => w.start + (rules[e as AuthEndpoint] ?? 0)));
}

// ---------------------------------------------------------------------------------------------
// Per account: failures with exponential backoff.

export const BackoffPolicy = z.object({
  /** Failures from one address before it backs off (the `auth_account` limit). */
  freeFailuresPerAddress: z.number().int().positive(),
  /** Failures from all addresses together before everyone backs off (`auth_account_global`). */
  freeFailuresGlobal: z.number().int().positive(),
  baseMs: z.number().int().positive(),
  capMs: z.number().int().positive(),
  /** A counter with no failure for this long starts again from zero. */
  forgetAfterMs: z.number().int().positive(),
});
export type BackoffPolicy = z.infer<typeof BackoffPolicy>;

export const DEFAULT_BACKOFF: BackoffPolicy = {
  freeFailuresPerAddress: 5,
  freeFailuresGlobal: 20,
  baseMs: 1_000,
  capMs: 15 * 60_000,
  forgetAfterMs: 24 * 3_600_000,
};

type Failures = { failures: number; lastFailureAt: number };
export type AccountState = { global: Failures; byAddress: Record<string, Failures> };

/** Addresses remembered per account; the stalest are forgotten first (a flood from many addresses stays bounded). */
export const MAX_ADDRESSES_PER_ACCOUNT = 256;

export const emptyAccount = (): AccountState => ({ global: { failures: 0, lastFailureAt: 0 }, byAddress: {} });

/** How long failures `f` keep the next attempt waiting: 1 s after the free ones, doubling, capped. */
export function backoffMs(failures: number, free: number, policy: BackoffPolicy): number {
  if (failures < free) return 0;
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failures - free, 40));
}

function blockedFor(f: Failures | undefined, free: number, policy: BackoffPolicy, now: number): number {
  if (!f || f.failures === 0) return 0;
  return Math.max(0, f.lastFailureAt + backoffMs(f.failures, free, policy) - now);
}

function forgetStale(state: AccountState, policy: BackoffPolicy, now: number): void {
  if (now - state.global.lastFailureAt > policy.forgetAfterMs) state.global = { failures: 0, lastFailureAt: 0 };
  for (const [addr, f] of Object.entries(state.byAddress)) if (now - f.lastFailureAt > policy.forgetAfterMs) delete state.byAddress[addr];
}

/**
 * Admits an attempt and counts it as a failure up front, so parallel attempts cannot all pass
 * before the first failure is recorded; `settleAttempt` undoes it on success or a neutral outcome.
 * Refused attempts are not counted: hammering a locked account does not lengthen its lock.
 */
export function beginAttempt(state: AccountState, address: string, policy: BackoffPolicy, now: number): Admission {
  forgetStale(state, policy, now);
  const global = blockedFor(state.global, policy.freeFailuresGlobal, policy, now);
  if (global > 0) return { allowed: false, limit: "auth_account_global", retryAfterMs: global };
  const own = blockedFor(state.byAddress[address], policy.freeFailuresPerAddress, policy, now);
  if (own > 0) return { allowed: false, limit: "auth_account", retryAfterMs: own };
  state.global = { failures: state.global.failures + 1, lastFailureAt: now };
  const mine = state.byAddress[address];
  state.byAddress[address] = { failures: (mine?.failures ?? 0) + 1, lastFailureAt: now };
  const addresses = Object.entries(state.byAddress);
  if (addresses.length > MAX_ADDRESSES_PER_ACCOUNT) {
    addresses.sort((a, b) => a[1].lastFailureAt - b[1].lastFailureAt);
    for (const [addr] of addresses.slice(0, addresses.length - MAX_ADDRESSES_PER_ACCOUNT)) delete state.byAddress[addr];
  }
  return { allowed: true };
}

export const AttemptOutcome = z.enum(["success", "failure", "neutral"]);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

/** What the handler's status says about the credentials: 2xx right, 401/403/409 wrong, else neither. */
export function outcomeOfStatus(status: number): AttemptOutcome {
  if (status >= 200 && status < 300) return "success";
  if (status === 401 || status === 403 || status === 409) return "failure";
  return "neutral";
}

/**
 * Signup answers 201 whether or not the password was the address's (a wrong one gets an account
 * of its own), so its status alone proves nothing and must not reset the account that logins
 * guess against; unless the handler tells the throttle better (a first account of a new address
 * guessed nothing; the password of an existing account proved it), it stays counted.
 */
export function outcomeOfSignupStatus(status: number): AttemptOutcome {
  const outcome = outcomeOfStatus(status);
  return outcome === "success" ? "failure" : outcome;
}

export function settleAttempt(state: AccountState, address: string, outcome: AttemptOutcome): void {
  if (outcome === "failure") return; // counted when it began
  if (outcome === "success") {
    // The right credentials: the account starts afresh, and so does this address. Other
    // addresses keep their own backoff (an attacker elsewhere is not pardoned by the owner).
    state.global = { failures: 0, lastFailureAt: 0 };
    delete state.byAddress[address];
    return;
  }
  state.global.failures = Math.max(0, state.global.failures - 1);
  const mine = state.byAddress[address];
  if (mine) mine.failures = Math.max(0, mine.failures - 1);
}

/** When the account's counters will have been forgotten. */
export function accountExpiresAt(state: AccountState, policy: BackoffPolicy): number {
  return Math.max(state.global.lastFailureAt, ...Object.values(state.byAddress).map((f) => f.lastFailureAt)) + policy.forgetAfterMs;
}

// ---------------------------------------------------------------------------------------------
// Addresses.

/**
 * The bucket a client address falls into. IPv6 clients usually hold a whole /64, so the /64 is
 * the bucket; an absent address (only possible off Cloudflare: tests, `wrangler dev` behind
 * something that drops the header) shares one bucket, "unknown".
 */
export function addressBucket(raw: string | undefined | null): string {
  const ip = raw?.trim().toLowerCase();
  if (!ip) return "unknown";
  if (!ip.includes(":")) return /^[0-9.]{7,15}$/.test(ip) ? ip : "unknown";
  const [head = "", tail = ""] = ip.split("::", 2) as [string, string?];
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") && tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right] : left;
  if (groups.length < 4 || groups.some((g) => !/^[0-9a-f.]{0,15}$/.test(g))) return "unknown";
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
