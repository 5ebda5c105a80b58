/**
 * The alarm evaluator: given one rule, its state for one device and a reading, the next state
 * and at most one transition (raise or clear). Pure, so the hot store can run it inside its
 * ingest transaction and persist the state with the points: a redelivered batch is skipped by
 * the ledger before it gets here, which makes evaluation exactly once per reading.
 *
 * Hysteresis: `raiseAfter` consecutive breaching readings (whose first-to-latest span also covers
 * `durationSeconds`) raise; `clearAfter` consecutive normal readings clear. Silence is different:
 * readings only clear it or move its deadline; the deadline itself raises it (`silenceDue`).
 */
import type { AlarmCondition, AlarmRule } from "../schemas/alarms";
import type { TelemetryValue } from "../telemetry/points";
import { EMPTY_STATS, learn, zScore, type EwmaStats } from "./anomaly";

export type RuleState = {
  /** An alarm is open for this rule and device. */
  active: boolean;
  breaches: number;
  normals: number;
  /** Time of the first reading of the current breach streak. */
  breachSince: number | null;
  /** The previous reading (`changed`). */
  previous: TelemetryValue | null;
  /** EWMA statistics (`anomaly`). */
  stats: EwmaStats;
  /** When a counted reading last arrived (`silence`), in the store's clock. */
  lastSeen: number | null;
};

export const INITIAL_STATE: RuleState = { active: false, breaches: 0, normals: 0, breachSince: null, previous: null, stats: EMPTY_STATS, lastSeen: null };

export type Reading = { metric: string; ts: number; value: TelemetryValue; /** arrival time at the store */ at: number };

type Transition = { kind: "raise"; ts: number; value: TelemetryValue | null; details: Record<string, unknown> } | { kind: "clear"; ts: number };

export type Evaluation = { state: RuleState; transition: Transition | null };

export type EvaluatedRule = Pick<AlarmRule, "condition" | "raiseAfter" | "clearAfter" | "durationSeconds">;

type Judgement = { breach: boolean; details: Record<string, unknown>; state: RuleState } | null;

/** Whether a reading breaches the condition; null when the condition does not read this value. */
function judge(c: Exclude<AlarmCondition, { type: "silence" }>, s: RuleState, value: TelemetryValue): Judgement {
  switch (c.type) {
    case "above":
      return typeof value === "number" ? { breach: value > c.value, details: { threshold: c.value }, state: s } : null;
    case "below":
      return typeof value === "number" ? { breach: value < c.value, details: { threshold: c.value }, state: s } : null;
    case "range": {
      if (typeof value !== "number") return null;
      const inside = value >= c.min && value <= c.max;
      return { breach: c.when === "inside" ? inside : !inside, details: { min: c.min, max: c.max, when: c.when }, state: s };
    }
    case "equals":
      return { breach: value === c.value, details: { equals: c.value }, state: s };
    case "changed":
      return { breach: s.previous !== null && value !== s.previous, details: { previous: s.previous }, state: { ...s, previous: value } };
    case "anomaly": {
      if (typeof value !== "number" || !Number.isFinite(value)) return null;
      const z = zScore(s.stats, value);
      const judged = s.stats.n >= c.warmup;
      const details = { zScore: Number.isFinite(z) ? Math.round(z * 100) / 100 : null, mean: s.stats.mean, deviation: Math.sqrt(s.stats.variance), threshold: c.zScore };
      return { breach: judged && Math.abs(z) > c.zScore, details, state: { ...s, stats: learn(s.stats, value, c.alpha) } };
    }
  }
}

export function evaluate(rule: EvaluatedRule, state: RuleState, reading: Reading): Evaluation {
  const c = rule.condition;
  if (c.type === "silence") {
    if (c.metric !== undefined && c.metric !== reading.metric) return { state, transition: null };
    const next = { ...state, lastSeen: Math.max(state.lastSeen ?? 0, reading.at) };
    if (!state.active) return { state: next, transition: null };
    return { state: { ...next, active: false }, transition: { kind: "clear", ts: reading.ts } };
  }
  if (c.metric !== reading.metric) return { state, transition: null };
  const j = judge(c, state, reading.value);
  if (!j) return { state, transition: null };
  const s = j.state;
  if (j.breach) {
    const breachSince = s.breachSince ?? reading.ts;
    const next: RuleState = { ...s, breaches: s.breaches + 1, normals: 0, breachSince };
    const lastedLongEnough = reading.ts - breachSince >= rule.durationSeconds * 1000;
    if (!s.active && next.breaches >= rule.raiseAfter && lastedLongEnough) {
      return { state: { ...next, active: true }, transition: { kind: "raise", ts: reading.ts, value: reading.value, details: j.details } };
    }
    return { state: next, transition: null };
  }
  const next: RuleState = { ...s, breaches: 0, normals: s.normals + 1, breachSince: null };
  if (s.active && next.normals >= rule.clearAfter) return { state: { ...next, active: false }, transition: { kind: "clear", ts: reading.ts } };
  return { state: next, transition: null };
}

/** When a silence rule's alarm is due for this state, or null (already raised, or never heard from). */
export function silenceDeadline(rule: EvaluatedRule, state: RuleState): number | null {
  if (rule.condition.type !== "silence" || state.active || state.lastSeen === null) return null;
  return state.lastSeen + rule.condition.afterSeconds * 1000;
}

/** Raises a silence alarm whose deadline has passed. */
export function silenceDue(rule: EvaluatedRule, state: RuleState, now: number): Evaluation {
  const deadline = silenceDeadline(rule, state);
  if (deadline === null || now < deadline) return { state, transition: null };
  return { state: { ...state, active: true }, transition: { kind: "raise", ts: now, value: null, details: { silentSinceMs: state.lastSeen, afterSeconds: (rule.condition as { afterSeconds: number }).afterSeconds } } };
}

/**
 * After someone clears an alarm by hand the rule starts over for that device: a breach that
 * goes on must be counted again and opens a new alarm (the cleared one is never reopened); a
 * silence starts a new wait from the clear.
 */
export function afterManualClear(state: RuleState, now: number): RuleState {
  return { ...state, active: false, breaches: 0, normals: 0, breachSince: null, lastSeen: state.lastSeen === null ? null : now };
}
