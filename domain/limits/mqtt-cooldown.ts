/**
 * The MQTT abuse cool-down: how long the edge refuses WebSocket upgrades from a client address
 * after the hub threw one of its clients out for abuse (persistent rate-limit refusals, repeated
 * failed authentication). Pure: state in, state out, clock passed in; the MqttCooldown Durable
 * Object stores the state, the Worker refuses upgrades with it before they reach the hub.
 *
 * The key is the tenant and the client's address bucket (`addressBucket` of `cf-connecting-ip`,
 * IPv6 → /64): the Worker cannot see the MQTT client id before the upgrade, it travels inside
 * CONNECT. One tenant's cool-down never touches another tenant's clients on the same address.
 *
 * Rules:
 * - A penalty cools the address down for `base × 2^level`, capped. The level grows while the
 *   address keeps coming back: when the previous cool-down ended less than `forgetAfterMs` ago.
 *   Quiet time is counted from the end of the cool-down, not from the penalty, because time spent
 *   refused proves nothing (and with the defaults a 15 min cap would otherwise outlast the 10 min
 *   memory, and a persistent abuser would cycle back to 2 s).
 * - A penalty that arrives while the address is still cooling down does not raise the level: it
 *   comes from a socket opened before the cool-down began (new ones are refused at the edge), so it
 *   is the same storm reported twice, e.g. several devices behind one NAT thrown out together.
 * - Refused attempts change nothing: hammering a cooled address does not lengthen its wait.
 * - Good behaviour resets: `forgetAfterMs` without a penalty after the cool-down ended, or an
 *   explicit pardon (the hub's: a client from that address stayed connected and well-behaved).
 */
import { z } from "zod";

/** What the hub reports; both end the offending connection before they are reported. */
export const MqttAbuseReason = z.enum(["rate_abuse", "auth_failures"]);
export type MqttAbuseReason = z.infer<typeof MqttAbuseReason>;

/**
 * The header in which the Worker hands the client's address bucket to the hub. The Worker strips
 * any copy the client sent and always sets its own, so the hub may trust it.
 */
export const CLIENT_ADDRESS_HEADER = "x-skylark-client-address";

/**
 * Whether an address bucket can be cooled down. `unknown` (no `cf-connecting-ip`: only off
 * Cloudflare — tests, a bare `wrangler dev`) is everyone at once: cooling it down would lock out
 * every client, so it never is, and the edge need not ask about it.
 */
export const coolable = (bucket: string): boolean => bucket !== "unknown";

/** An address bucket as `addressBucket` makes it (`192.0.2.7`, `2001:db8:1:2::/64`, `unknown`). */
export const AddressBucket = z.string().min(1).max(64);

const WEEK_MS = 7 * 24 * 3_600_000;

export const MqttCooldownPolicy = z
  .object({
    /** The first cool-down; each penalty while the address keeps coming back doubles it. */
    baseMs: z.number().int().positive().max(WEEK_MS),
    capMs: z.number().int().positive().max(WEEK_MS),
    /** Quiet time after a cool-down ends before the level starts from 0 again. */
    forgetAfterMs: z.number().int().positive().max(WEEK_MS),
  })
  .refine((p) => p.capMs >= p.baseMs, { message: "capMs must be at least baseMs", path: ["capMs"] });
export type MqttCooldownPolicy = z.infer<typeof MqttCooldownPolicy>;

export const DEFAULT_MQTT_COOLDOWN: MqttCooldownPolicy = {
  baseMs: 2_000,
  capMs: 15 * 60_000,
  forgetAfterMs: 10 * 60_000,
};

/** `base` from `MQTT_ABUSE_COOLDOWN_BASE_SECONDS` (fractions allowed); a missing or invalid value means the default. */
export function cooldownPolicyWithBase(baseSeconds: unknown, policy: MqttCooldownPolicy = DEFAULT_MQTT_COOLDOWN): MqttCooldownPolicy {
  const seconds = z.coerce
    .number()
    .positive()
    .max(policy.capMs / 1000)
    .safeParse(baseSeconds);
  if (!seconds.success) return policy;
  return { ...policy, baseMs: Math.max(1, Math.round(seconds.data * 1000)) };
}

export type CooldownState = {
  /** How many times in a row the address came back and was penalized again (0: first penalty). */
  level: number;
  /** Upgrades are refused until then (ms since epoch; 0: never penalized). */
  until: number;
  lastPenaltyAt: number;
};

export const emptyCooldown = (): CooldownState => ({ level: 0, until: 0, lastPenaltyAt: 0 });

export type CooldownCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

/** The cool-down at `level`: base × 2^level, capped. */
export function cooldownMs(level: number, policy: MqttCooldownPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(level, 40));
}

/** Whether the address is still remembered as one that keeps coming back. */
function stillRemembered(state: CooldownState, policy: MqttCooldownPolicy, now: number): boolean {
  return state.until > 0 && now < state.until + policy.forgetAfterMs;
}

/** The state after one more penalty at `now`. */
export function penalize(state: CooldownState, policy: MqttCooldownPolicy, now: number): CooldownState {
  if (now < state.until) {
    // Same storm, reported again by a socket that was already open: keep the level, and never shorten.
    return { level: state.level, until: Math.max(state.until, now + cooldownMs(state.level, policy)), lastPenaltyAt: now };
  }
  const level = stillRemembered(state, policy, now) ? state.level + 1 : 0;
  return { level, until: now + cooldownMs(level, policy), lastPenaltyAt: now };
}

/** Whether an upgrade from the address may go through at `now`. Reads only: a refusal lengthens nothing. */
export function check(state: CooldownState, now: number): CooldownCheck {
  return now < state.until ? { allowed: false, retryAfterMs: state.until - now } : { allowed: true };
}

/**
 * Good behaviour seen by the hub: everything is forgotten, a running cool-down included. With
 * `connectedAt` (when the well-behaved client connected), a client that was already connected
 * before the last penalty proves nothing about the address (it may be a NAT neighbour of the
 * abuser), and the state is kept.
 */
export function pardon(state: CooldownState, connectedAt?: number): CooldownState {
  if (connectedAt !== undefined && connectedAt < state.lastPenaltyAt) return state;
  return emptyCooldown();
}

/** When nothing in the state matters any more (the object may then forget it); 0 when nothing is stored. */
export function cooldownExpiresAt(state: CooldownState, policy: MqttCooldownPolicy): number {
  return state.until > 0 ? state.until + policy.forgetAfterMs : 0;
}

/** The MqttCooldown object of an address bucket in a tenant (tenant ids have no ':', so the name is unambiguous). */
export function mqttCooldownName(tenantId: string, bucket: string): string {
  return `mqtt:${tenantId}:${bucket}`;
}
