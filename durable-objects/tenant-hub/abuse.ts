/**
 * Who the hub has thrown out, and who keeps failing to get in. The edge refuses an abuser's
 * address for a cool-down (MqttCooldown, keyed by tenant and address: the Worker cannot see a
 * client id before the upgrade); these cover what the edge cannot: the same client id coming
 * back from another address, and addresses whose CONNECTs keep failing authentication, which the
 * hub reports so the edge cools them down too. In memory only, and bounded: a hub that restarts
 * forgets, and the edge still remembers.
 */
import { check, DEFAULT_MQTT_COOLDOWN, emptyCooldown, penalize, type CooldownCheck, type CooldownState, type MqttCooldownPolicy } from "../../domain/limits/mqtt-cooldown";

/** How long a client from a penalized address must behave before the hub pardons the address at the edge. */
const PARDON_AFTER_MS = 60_000;

/** Failed authentications from one address, within the window, after which the address is reported (`MQTT_AUTH_FAILURES_PER_MINUTE`). */
export const AUTH_FAILURES_REPORTED_AFTER = 10;
const AUTH_FAILURE_WINDOW_MS = 60_000;
/** Entries kept at most; the oldest go first (a flood of client ids or addresses stays bounded). */
const MAX_ENTRIES = 10_000;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key); // re-inserted at the end: Map order is insertion order, the oldest go first
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
}

/** Client ids thrown out for abuse, each with its cool-down (the edge's policy, so both grow alike). */
export class ClientCooldowns {
  private readonly byClient = new Map<string, CooldownState>();

  constructor(private readonly policy: MqttCooldownPolicy = DEFAULT_MQTT_COOLDOWN) {}

  /** Returns how long the client id must now stay away (ms). */
  penalize(clientId: string, now: number): number {
    const next = penalize(this.byClient.get(clientId) ?? emptyCooldown(), this.policy, now);
    remember(this.byClient, clientId, next);
    return next.until - now;
  }

  check(clientId: string, now: number): CooldownCheck {
    const state = this.byClient.get(clientId);
    return state ? check(state, now) : { allowed: true };
  }
}

/**
 * Addresses this hub had cooled down at the edge, and when. A client from one of them that
 * connected after the penalty and behaved for PARDON_AFTER_MS earns the address a pardon when it
 * leaves (so only addresses that were penalized ever cost the edge a call).
 */
export class PenalizedAddresses {
  private readonly at = new Map<string, number>();

  penalized(address: string, now: number): void {
    remember(this.at, address, now);
  }

  /** True when the connection earned its address a pardon (and forgets the address). */
  earnedPardon(address: string, connectedAt: number, now: number): boolean {
    const penalizedAt = this.at.get(address);
    if (penalizedAt === undefined || connectedAt < penalizedAt || now - connectedAt < PARDON_AFTER_MS) return false;
    this.at.delete(address);
    return true;
  }
}

/** Failed CONNECT authentications per client address, in a fixed window. */
export class FailedConnects {
  private readonly byAddress = new Map<string, { start: number; count: number }>();

  constructor(private readonly threshold = AUTH_FAILURES_REPORTED_AFTER) {}

  /** Counts one failure; true when the address just reached the threshold (report it once per window). */
  count(address: string, now: number): boolean {
    let w = this.byAddress.get(address);
    if (!w || now - w.start > AUTH_FAILURE_WINDOW_MS) w = { start: now, count: 0 };
    w.count++;
    remember(this.byAddress, address, w);
    return w.count === this.threshold;
  }
}
