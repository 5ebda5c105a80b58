/**
 * MqttCooldown: the abuse cool-down of one client address bucket in one tenant (policy in
 * domain/limits/mqtt-cooldown.ts). Addressed by name (`mqttCooldownName(tenantId, bucket)`), one
 * object per key, as AuthThrottle: an abuser's reconnect storm hits only its own object, idle
 * objects cost nothing, and an alarm deletes their storage once nothing in it matters any more.
 * The hub penalizes (it is the one that sees the abuse) and pardons; the Worker checks before it
 * hands a WebSocket upgrade to the hub. State is one small value in the object's SQLite-backed
 * key-value store, written on every change, so an evicted object does not forget a cool-down.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { check, cooldownExpiresAt, cooldownPolicyWithBase, emptyCooldown, MqttAbuseReason, MqttCooldownPolicy, pardon, penalize, type CooldownCheck, type CooldownState } from "../../domain/limits/mqtt-cooldown";
import { createLogger } from "../../domain/log";

const log = createLogger({ component: "mqtt-cooldown" });

/** The state with the policy of its last penalty (the alarm needs its `forgetAfterMs`). */
type Stored = { state: CooldownState; policy: MqttCooldownPolicy };
const STORED_KEY = "cooldown";

const PenalizeArgs = z.object({
  reason: MqttAbuseReason,
  /** Only logged: the edge cannot see client ids, so the cool-down is the address's. */
  clientId: z.string().max(65_535).optional(),
  /** Absent: the default, with `MQTT_ABUSE_COOLDOWN_BASE_SECONDS` as its base. */
  policy: MqttCooldownPolicy.optional(),
});
const PardonArgs = z.object({ connectedAt: z.number().int().nonnegative().optional() });

export type MqttPenalty = { level: number; retryAfterMs: number };

export class MqttCooldown extends DurableObject<Env> {
  /** Records one abuse: the address is refused at the edge for the returned time. */
  async penalize(args: z.input<typeof PenalizeArgs>): Promise<MqttPenalty> {
    const { reason, clientId, policy = cooldownPolicyWithBase(this.env.MQTT_ABUSE_COOLDOWN_BASE_SECONDS) } = PenalizeArgs.parse(args);
    const now = Date.now();
    const state = penalize(this.load()?.state ?? emptyCooldown(), policy, now);
    this.ctx.storage.kv.put<Stored>(STORED_KEY, { state, policy });
    await this.forgetAt(cooldownExpiresAt(state, policy));
    const penalty = { level: state.level, retryAfterMs: state.until - now };
    // One line per penalty (not per refused reconnect): what an operator needs to explain a 429.
    log.info("mqtt abuse cool-down", { cooldownKey: this.ctx.id.name, reason, clientId: clientId?.slice(0, 64), cooldownLevel: penalty.level, retryAfterMs: penalty.retryAfterMs });
    return penalty;
  }

  /** Whether an upgrade from this address may reach the hub now. Reads only. */
  async check(): Promise<CooldownCheck> {
    const stored = this.load();
    return stored ? check(stored.state, Date.now()) : { allowed: true };
  }

  /**
   * Good behaviour: forgets the level and any running cool-down. With `connectedAt`, a client that
   * connected before the last penalty does not pardon the address (see `pardon` in the policy).
   */
  async pardon(args: z.input<typeof PardonArgs> = {}): Promise<void> {
    const { connectedAt } = PardonArgs.parse(args);
    const stored = this.load();
    if (!stored) return;
    const state = pardon(stored.state, connectedAt);
    if (state === stored.state) return;
    // Nothing left to remember; the alarm that is still set finds nothing and deletes the rest.
    this.ctx.storage.kv.delete(STORED_KEY);
  }

  private load(): Stored | undefined {
    return this.ctx.storage.kv.get<Stored>(STORED_KEY);
  }

  /** Makes sure an alarm will look at the state by `when` (it moves itself on if the state still matters then). */
  private async forgetAt(when: number): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(when);
  }

  override async alarm(): Promise<void> {
    const stored = this.load();
    const expiresAt = stored ? cooldownExpiresAt(stored.state, stored.policy) : 0;
    if (expiresAt > Date.now()) await this.ctx.storage.setAlarm(expiresAt);
    else await this.ctx.storage.deleteAll();
  }
}
