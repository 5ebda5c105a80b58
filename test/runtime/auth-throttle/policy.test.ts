/** The throttle and audit-sampling policies on a driven clock (minutes and hours without sleeping). */
import { describe, expect, it } from "vitest";
import {
  addressBucket,
  backoffMs,
  beginAttempt,
  DEFAULT_BACKOFF,
  emptyAccount,
  MAX_ADDRESSES_PER_ACCOUNT,
  outcomeOfSignupStatus,
  outcomeOfStatus,
  settleAttempt,
  takeIpAttempt,
  type AccountState,
  type IpWindows,
} from "../../../domain/limits/auth-throttle";
import { admitEvent, closeWindows, nextClose, type SamplingState } from "../../../domain/limits/audit-sampling";

const P = DEFAULT_BACKOFF;

/** Fails from `address` whenever allowed, for `attempts` tries spaced `everyMs` apart; returns the refusals. */
function hammer(state: AccountState, address: string, attempts: number, start: number, everyMs: number) {
  const refusals = [];
  for (let i = 0; i < attempts; i++) {
    const d = beginAttempt(state, address, P, start + i * everyMs);
    if (!d.allowed) refusals.push(d);
  }
  return refusals;
}

describe("account backoff", () => {
  it("5 free failures, then 1 s, 2 s, 4 s … capped at 15 minutes", () => {
    expect([4, 5, 6, 7, 8, 10].map((n) => backoffMs(n, 5, P))).toEqual([0, 1_000, 2_000, 4_000, 8_000, 32_000]);
    expect(backoffMs(15, 5, P)).toBe(15 * 60_000);
    expect(backoffMs(10_000, 5, P)).toBe(15 * 60_000);
  });

  it("30 failures as fast as allowed never lock for longer than the cap, and refused tries do not lengthen it", () => {
    const state = emptyAccount();
    let now = 0;
    let failures = 0;
    while (failures < 30) {
      const d = beginAttempt(state, "a", P, now);
      if (d.allowed) failures++;
      else {
        expect(d.retryAfterMs).toBeLessThanOrEqual(P.capMs);
        // Hammering during the wait changes nothing…
        expect(beginAttempt(state, "a", P, now + 1)).toMatchObject({ allowed: false });
        now += d.retryAfterMs; // …and the wait really ends when it says.
      }
    }
    const last = beginAttempt(state, "a", P, now);
    expect(last).toEqual({ allowed: false, limit: "auth_account_global", retryAfterMs: P.capMs });
    expect(beginAttempt(state, "a", P, now + P.capMs).allowed).toBe(true);
  });

  it("a success resets the account and its own address, not another address's backoff", () => {
    const state = emptyAccount();
    expect(hammer(state, "attacker", 8, 0, 10)).toHaveLength(3);
    expect(beginAttempt(state, "owner", P, 100).allowed).toBe(true);
    settleAttempt(state, "owner", "success");
    expect(state.global.failures).toBe(0);
    expect(state.byAddress.owner).toBeUndefined();
    expect(beginAttempt(state, "attacker", P, 200)).toMatchObject({ allowed: false, limit: "auth_account" });
  });

  it("a neutral outcome is not held against the account", () => {
    const state = emptyAccount();
    for (let i = 0; i < 50; i++) {
      expect(beginAttempt(state, "a", P, i).allowed).toBe(true);
      settleAttempt(state, "a", "neutral");
    }
    expect(state.global.failures).toBe(0);
  });

  it("failures are forgotten after a quiet day", () => {
    const state = emptyAccount();
    hammer(state, "a", 30, 0, 60_000);
    expect(beginAttempt(state, "a", P, 30 * 60_000 + 1).allowed).toBe(false);
    expect(beginAttempt(state, "a", P, 30 * 60_000 + P.forgetAfterMs + 1).allowed).toBe(true);
    expect(state.global.failures).toBe(1);
  });

  it("remembers at most MAX_ADDRESSES_PER_ACCOUNT addresses", () => {
    const state = emptyAccount();
    for (let i = 0; i < MAX_ADDRESSES_PER_ACCOUNT + 50; i++) {
      beginAttempt(state, `10.0.${i >> 8}.${i & 255}`, { ...P, freeFailuresGlobal: 1_000_000 }, i);
    }
    expect(Object.keys(state.byAddress)).toHaveLength(MAX_ADDRESSES_PER_ACCOUNT);
  });
});

describe("outcomes", () => {
  it("2xx is a success, 401/403/409 a failure, anything else neither; a signup's 201 proves nothing", () => {
    expect([200, 201, 401, 403, 409, 400, 410, 429, 500].map(outcomeOfStatus)).toEqual(["success", "success", "failure", "failure", "failure", "neutral", "neutral", "neutral", "neutral"]);
    expect([201, 409, 400].map(outcomeOfSignupStatus)).toEqual(["failure", "failure", "neutral"]);
  });
});

describe("per-address windows", () => {
  it("a fixed window per endpoint, refused with the time to its end", () => {
    const windows: IpWindows = {};
    const rule = { endpoint: "signup" as const, max: 10, windowMs: 3_600_000 };
    for (let i = 0; i < 10; i++) expect(takeIpAttempt(windows, rule, i).allowed).toBe(true);
    expect(takeIpAttempt(windows, rule, 600_000)).toEqual({ allowed: false, limit: "auth_ip", retryAfterMs: 3_000_000, max: 10, windowMs: 3_600_000 });
    expect(takeIpAttempt(windows, { endpoint: "login", max: 30, windowMs: 60_000 }, 600_000).allowed).toBe(true);
    expect(takeIpAttempt(windows, rule, 3_600_000).allowed).toBe(true);
  });

  it("buckets addresses: IPv4 as is, IPv6 by /64, anything else as 'unknown'", () => {
    expect(addressBucket("203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("2001:DB8:0:1::5")).toBe("2001:db8:0:1::/64");
    expect(addressBucket("2001:db8:0:1:ffff:1:2:3")).toBe("2001:db8:0:1::/64");
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressBucket(undefined)).toBe("unknown");
    expect(addressBucket("")).toBe("unknown");
    expect(addressBucket("not an address")).toBe("unknown");
  });
});

describe("audit sampling", () => {
  const policy = { individually: 5, windowMs: 60_000 };

  it("writes the first 5 of a window, counts the rest, closes into one row with the total and cut samples", () => {
    const state: SamplingState = {};
    const written = Array.from({ length: 1000 }, (_, i) => admitEvent(state, "auth.login", "failure", { email: `${i}${"e".repeat(100)}@x.example`, ip: `10.0.0.${i % 7}` }, policy, i));
    expect(written.filter(Boolean)).toHaveLength(5);
    expect(written.slice(0, 5)).toEqual([true, true, true, true, true]);
    expect(nextClose(state)).toBe(60_000);
    const [row, ...none] = closeWindows(state, 60_000);
    expect(none).toEqual([]);
    expect(row!.details).toMatchObject({ count: 1000, recordedIndividually: 5, summarized: 995, windowStart: 0, windowEnd: 60_000 });
    expect(row!.details.sampleEmails).toHaveLength(5);
    expect(row!.details.sampleEmails.every((e) => e.length <= 64)).toBe(true);
    expect(row!.details.sampleIps).toHaveLength(5);
    expect(state).toEqual({});
  });

  it("keeps actions and outcomes apart, and a window with nothing summarized closes without a row", () => {
    const state: SamplingState = {};
    admitEvent(state, "auth.login", "failure", {}, policy, 0);
    for (let i = 0; i < 7; i++) admitEvent(state, "auth.api_key", "failure", { actorId: `k${i}` }, policy, i);
    const rows = closeWindows(state, 60_000);
    expect(rows.map((r) => [r.action, r.details.count])).toEqual([["auth.api_key", 7]]);
  });
});
