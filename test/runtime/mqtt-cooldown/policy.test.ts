/** The MQTT abuse cool-down policy on a driven clock (minutes without sleeping). */
import { describe, expect, it } from "vitest";
import { check, cooldownExpiresAt, cooldownMs, cooldownPolicyWithBase, DEFAULT_MQTT_COOLDOWN, emptyCooldown, MqttCooldownPolicy, mqttCooldownName, pardon, penalize, type CooldownState } from "../../../domain/limits/mqtt-cooldown";

const P = DEFAULT_MQTT_COOLDOWN;
const S = 1_000;
const MIN = 60_000;

/** Penalizes an address that comes back `afterMs` after each cool-down ends, `times` times; the cool-downs it got. */
function comesBack(times: number, afterMs: number, start = 1_000_000) {
  let state = emptyCooldown();
  let now = start;
  const waits: number[] = [];
  for (let i = 0; i < times; i++) {
    state = penalize(state, P, now);
    waits.push(state.until - now);
    now = state.until + afterMs;
  }
  return { state, waits, now };
}

describe("mqtt abuse cool-down", () => {
  it("defaults: 2 s base, 15 min cap, forgotten after 10 quiet minutes", () => {
    expect(P).toEqual({ baseMs: 2 * S, capMs: 15 * MIN, forgetAfterMs: 10 * MIN });
    expect(MqttCooldownPolicy.safeParse(P).success).toBe(true);
  });

  it("grows 2, 4, 8 … s while the address keeps coming back, capped at 15 minutes", () => {
    const { waits } = comesBack(14, 500);
    expect(waits.slice(0, 10)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 900].map((s) => s * S));
    expect(waits.slice(10)).toEqual([900 * S, 900 * S, 900 * S, 900 * S]);
    expect(cooldownMs(10_000, P)).toBe(15 * MIN);
  });

  it("at the cap it stays at the cap: quiet time counts from the end of a cool-down, not from the penalty", () => {
    // Back 9 minutes after each 15-minute cool-down: more than 10 minutes after the penalty, but
    // never 10 quiet minutes, so it never starts from 2 s again.
    const { waits } = comesBack(16, 9 * MIN);
    expect(waits.slice(-4)).toEqual([900 * S, 900 * S, 900 * S, 900 * S]);
  });

  it("refused checks do not lengthen it, and it ends when it says", () => {
    let state = emptyCooldown();
    state = penalize(state, P, 0);
    state = penalize(state, P, state.until + 1_000); // level 1: 4 s
    const frozen = JSON.stringify(state);
    const t0 = state.lastPenaltyAt;
    for (let t = t0; t < t0 + 4 * S; t += 50) {
      const verdict = check(state, t);
      expect(verdict).toEqual({ allowed: false, retryAfterMs: t0 + 4 * S - t });
    }
    expect(JSON.stringify(state)).toBe(frozen);
    expect(check(state, t0 + 4 * S)).toEqual({ allowed: true });
    expect(check(emptyCooldown(), 123)).toEqual({ allowed: true });
  });

  it("a penalty during a running cool-down is the same storm: the level stays, the wait is never shortened", () => {
    const first = penalize(emptyCooldown(), P, 10_000); // 2 s, until 12 000
    const again = penalize(first, P, 11_000);
    expect(again.level).toBe(0);
    expect(again.until).toBe(13_000);
    const thrice = penalize(again, P, 11_500);
    expect(thrice).toMatchObject({ level: 0, until: 13_500 });
    // Once it has ended, coming back and abusing again doubles.
    expect(penalize(thrice, P, 14_000)).toMatchObject({ level: 1, until: 18_000 });
  });

  it("good behaviour resets: 10 quiet minutes after the cool-down ended, it starts from 2 s again", () => {
    const { state, waits } = comesBack(5, 500);
    expect(waits.at(-1)).toBe(32 * S);
    const almost = penalize(state, P, state.until + P.forgetAfterMs - 1);
    expect(almost.until - almost.lastPenaltyAt).toBe(64 * S);
    const quiet = penalize(state, P, state.until + P.forgetAfterMs);
    expect(quiet).toMatchObject({ level: 0 });
    expect(quiet.until - quiet.lastPenaltyAt).toBe(2 * S);
  });

  it("a pardon forgets everything, a running cool-down included", () => {
    const { state, now } = comesBack(6, 500);
    const cooling = penalize(state, P, now);
    expect(check(cooling, now + 1).allowed).toBe(false);
    const pardoned = pardon(cooling);
    expect(pardoned).toEqual(emptyCooldown());
    expect(check(pardoned, now + 1)).toEqual({ allowed: true });
    expect(penalize(pardoned, P, now + 2).level).toBe(0);
  });

  it("a client connected before the last penalty pardons nothing (it may be the abuser's NAT neighbour)", () => {
    const cooling = penalize(emptyCooldown(), P, 50_000);
    expect(pardon(cooling, 49_999)).toBe(cooling);
    expect(pardon(cooling, 50_000)).toEqual(emptyCooldown());
  });

  it("the state expires once the level is forgotten", () => {
    const state: CooldownState = penalize(emptyCooldown(), P, 1_000);
    expect(cooldownExpiresAt(state, P)).toBe(state.until + P.forgetAfterMs);
    expect(cooldownExpiresAt(emptyCooldown(), P)).toBe(0);
  });

  it("the base comes from MQTT_ABUSE_COOLDOWN_BASE_SECONDS; a missing or invalid value means 2 s", () => {
    expect(cooldownPolicyWithBase("5").baseMs).toBe(5_000);
    expect(cooldownPolicyWithBase("0.25").baseMs).toBe(250);
    for (const bad of [undefined, "", "0", "-1", "lots", "100000"]) expect(cooldownPolicyWithBase(bad)).toEqual(P);
  });

  it("the policy schema refuses nonsense", () => {
    expect(MqttCooldownPolicy.safeParse({ baseMs: 0, capMs: 1, forgetAfterMs: 1 }).success).toBe(false);
    expect(MqttCooldownPolicy.safeParse({ baseMs: 10, capMs: 5, forgetAfterMs: 1 }).success).toBe(false);
    expect(MqttCooldownPolicy.safeParse({ baseMs: 1.5, capMs: 5, forgetAfterMs: 1 }).success).toBe(false);
  });

  it("object names are per tenant and address bucket", () => {
    expect(mqttCooldownName("acme", "192.0.2.7")).toBe("mqtt:acme:192.0.2.7");
    expect(mqttCooldownName("acme", "2001:db8:1:2::/64")).not.toBe(mqttCooldownName("globex", "2001:db8:1:2::/64"));
  });
});
