/**
 * The MQTT abuse cool-down at the edge (policy: domain/limits/mqtt-cooldown.ts, state: the
 * MqttCooldown Durable Object, penalties: the tenant hub). Before a WebSocket upgrade is handed to
 * the hub, the (tenant, client address bucket) must not be cooling down; a refusal is 429
 * problem+json (`rate_limited`, `limit: "mqtt_abuse_cooldown"`, `retryAfterSeconds`) with
 * `Retry-After`, so a reconnect storm never reaches the hub.
 *
 * Refusals are also kept in a small in-isolate cache (key → until), so a storm from one address
 * is answered without even a Durable Object call. Only refusals are cached: an allowed upgrade
 * always asks the object, so a new penalty takes effect on the next upgrade. The price: a pardon
 * lifts a refusal early only in the object; isolates that cached it keep refusing until the
 * cached cool-down ends (at most the cool-down the object had already announced).
 */
import type { Context } from "hono";
import { AppError } from "../../domain/errors";
import { mqttCooldownName, type CooldownCheck } from "../../domain/limits/mqtt-cooldown";
import type { AppEnv } from "./app-env";
import { problemResponse } from "./problem";
import { errorFields } from "../../domain/log";
import { requestLog } from "./log";

const MQTT_COOLDOWN_LIMIT = "mqtt_abuse_cooldown";

/** A bounded map of refusals (key → until, ms since epoch); past the bound the oldest entry goes first. */
export class RefusalCache {
  private readonly until = new Map<string, number>();

  constructor(readonly maxEntries: number) {}

  /** How long `key` is still refused at `now`; 0 if it is not (an expired entry is dropped). */
  retryAfterMs(key: string, now: number): number {
    const until = this.until.get(key);
    if (until === undefined) return 0;
    if (until > now) return until - now;
    this.until.delete(key);
    return 0;
  }

  refuse(key: string, until: number): void {
    // Re-inserted, so a refreshed entry counts as the newest (Maps iterate in insertion order).
    this.until.delete(key);
    this.until.set(key, until);
    while (this.until.size > this.maxEntries) this.until.delete(this.until.keys().next().value!);
  }

  get size(): number {
    return this.until.size;
  }

  clear(): void {
    this.until.clear();
  }
}

/** This isolate's refusals: 10 000 entries of a short key and a number stay well under a megabyte. */
export const mqttRefusals = new RefusalCache(10_000);

function refusal(c: Context<AppEnv>, retryAfterMs: number): Response {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const detail = `this address was disconnected for abusing the MQTT broker; reconnect in ${seconds} s`;
  return problemResponse(c, new AppError("rate_limited", detail, { limit: MQTT_COOLDOWN_LIMIT, retryAfterSeconds: seconds }), { "Retry-After": String(seconds) });
}

/** The 429 for a refusal this isolate already knows of, without any I/O; null if it knows none. */
export function cachedMqttCooldownRefusal(c: Context<AppEnv>, tenantId: string, bucket: string): Response | null {
  const retryAfterMs = mqttRefusals.retryAfterMs(mqttCooldownName(tenantId, bucket), Date.now());
  return retryAfterMs > 0 ? refusal(c, retryAfterMs) : null;
}

/**
 * Asks the address's MqttCooldown; the 429 if it is cooling down, else null. If the object cannot
 * be reached the upgrade fails closed (503), like the auth throttle: only this key's object is
 * involved, so the failure refuses only this address.
 */
export async function mqttCooldownRefusal(c: Context<AppEnv>, tenantId: string, bucket: string): Promise<Response | null> {
  const key = mqttCooldownName(tenantId, bucket);
  let verdict: CooldownCheck;
  try {
    verdict = await c.env.MQTT_COOLDOWN.getByName(key).check();
  } catch (err) {
    requestLog(c, "mqtt-edge").error("mqtt cool-down check failed", { tenant: tenantId, cooldownKey: key, ...errorFields(err) });
    return problemResponse(c, new AppError("unavailable", "the MQTT edge cannot check this address right now; try again shortly"), { "Retry-After": "5" });
  }
  if (verdict.allowed) return null;
  mqttRefusals.refuse(key, Date.now() + verdict.retryAfterMs);
  return refusal(c, verdict.retryAfterMs);
}
