/**
 * AuthThrottle: the counters that throttle the unauthenticated surface (policy in
 * domain/limits/auth-throttle.ts). Addressed by name, one object per key: `ip:{bucket}` holds an
 * address's windows per endpoint, `account:{sha256(kind:value)}` an account's failures. One object
 * per key rather than a few shards: every key is touched by few requests except under attack, and
 * then the attacker's own key is the hot one, so a flood against one account or from one address
 * never slows anyone else's login; idle objects cost nothing, and an alarm deletes their storage
 * once nothing in it matters any more. State is one small value in the object's SQLite-backed
 * key-value store, written on every change, so an evicted object does not forget a backoff.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import {
  accountExpiresAt,
  AttemptOutcome,
  BackoffPolicy,
  beginAttempt,
  DEFAULT_BACKOFF,
  emptyAccount,
  IpRule,
  ipWindowsExpireAt,
  settleAttempt,
  takeIpAttempt,
  type AccountState,
  type Admission,
  type AuthEndpoint,
  type IpWindows,
} from "../../domain/limits/auth-throttle";

const IP_KEY = "ip";
const IP_RULES_KEY = "ip-rules";
const ACCOUNT_KEY = "account";
const POLICY_KEY = "policy";

const BeginArgs = z.object({ address: z.string().min(1).max(64), policy: BackoffPolicy.optional() });
const SettleArgs = z.object({ address: z.string().min(1).max(64), outcome: AttemptOutcome, policy: BackoffPolicy.optional() });

export class AuthThrottle extends DurableObject<Env> {
  /** Counts one attempt from this address against the endpoint's window. */
  async takeIp(args: z.input<typeof IpRule>): Promise<Admission> {
    const rule = IpRule.parse(args);
    const windows = this.ctx.storage.kv.get<IpWindows>(IP_KEY) ?? {};
    // Window lengths are remembered so the alarm knows when every window has run out.
    const lengths = this.ctx.storage.kv.get<Partial<Record<AuthEndpoint, number>>>(IP_RULES_KEY) ?? {};
    if (lengths[rule.endpoint] !== rule.windowMs) {
      lengths[rule.endpoint] = rule.windowMs;
      this.ctx.storage.kv.put(IP_RULES_KEY, lengths);
    }
    const decision = takeIpAttempt(windows, rule, Date.now());
    this.ctx.storage.kv.put(IP_KEY, windows);
    await this.forgetAt(ipWindowsExpireAt(windows, lengths));
    return decision;
  }

  /** Admits an attempt against this account (counted as a failure until settled otherwise). */
  async beginAttempt(args: z.input<typeof BeginArgs>): Promise<Admission> {
    const { address, policy = DEFAULT_BACKOFF } = BeginArgs.parse(args);
    const state = this.ctx.storage.kv.get<AccountState>(ACCOUNT_KEY) ?? emptyAccount();
    const decision = beginAttempt(state, address, policy, Date.now());
    if (decision.allowed) {
      this.ctx.storage.kv.put(ACCOUNT_KEY, state);
      // Only a non-default policy (tests, a future per-endpoint one) is worth a write; the alarm needs it.
      if (policy !== DEFAULT_BACKOFF) this.ctx.storage.kv.put(POLICY_KEY, policy);
      await this.forgetAt(accountExpiresAt(state, policy));
    }
    return decision;
  }

  /** Records what the attempt turned out to be: a success resets, a neutral outcome is undone. */
  async settleAttempt(args: z.input<typeof SettleArgs>): Promise<void> {
    const { address, outcome, policy = DEFAULT_BACKOFF } = SettleArgs.parse(args);
    const state = this.ctx.storage.kv.get<AccountState>(ACCOUNT_KEY);
    if (!state) return;
    settleAttempt(state, address, outcome);
    this.ctx.storage.kv.put(ACCOUNT_KEY, state);
    await this.forgetAt(accountExpiresAt(state, policy));
  }

  /** Makes sure an alarm will look at the state by `when` (it moves itself on if the state still matters then). */
  private async forgetAt(when: number): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(when);
  }

  /** When everything stored has expired; 0 when nothing is stored. */
  private expiresAt(): number {
    const windows = this.ctx.storage.kv.get<IpWindows>(IP_KEY);
    const lengths = this.ctx.storage.kv.get<Partial<Record<AuthEndpoint, number>>>(IP_RULES_KEY) ?? {};
    const account = this.ctx.storage.kv.get<AccountState>(ACCOUNT_KEY);
    return Math.max(windows ? ipWindowsExpireAt(windows, lengths) : 0, account ? accountExpiresAt(account, this.ctx.storage.kv.get<BackoffPolicy>(POLICY_KEY) ?? DEFAULT_BACKOFF) : 0);
  }

  override async alarm(): Promise<void> {
    const expiresAt = this.expiresAt();
    if (expiresAt > Date.now()) await this.ctx.storage.setAlarm(expiresAt);
    else await this.ctx.storage.deleteAll();
  }
}
