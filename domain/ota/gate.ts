/**
 * The health gate: after a wave, are the devices that got the update doing worse than the ones
 * that did not? Each cohort is summarised as shares (offline, degraded, with an active alarm); the
 * rollout pauses when the updated cohort's share is worse than the control cohort's by more than
 * the margin (percentage points), or when the failure rate of the updates themselves passes the
 * threshold. Small samples decide nothing: a cohort under `minCohort` devices, or fewer than
 * `minExecuted` finished updates, is reported as such.
 */
import type { HealthGate } from "./rollout";

export type CohortHealth = { devices: number; offline: number; degraded: number; alarmed: number };
export type UpdateOutcomes = { executed: number; failed: number };

export type GateMeasure = "offline_share" | "degraded_share" | "alarmed_share" | "failure_rate";
export type GateFinding = { measure: GateMeasure; updatedPercent: number; controlPercent: number | null; limitPercent: number };
export type GateDecision = { verdict: "continue" | "pause"; findings: GateFinding[]; insufficient: ("updated_cohort" | "control_cohort" | "executed")[] };

const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 10_000) / 100);

export function judgeWave(updated: CohortHealth, control: CohortHealth, outcomes: UpdateOutcomes, gate: Pick<HealthGate, "marginPercent" | "abortThresholdPercent" | "minExecuted" | "minCohort">): GateDecision {
  const findings: GateFinding[] = [];
  const insufficient: GateDecision["insufficient"] = [];

  if (outcomes.executed < gate.minExecuted) insufficient.push("executed");
  else {
    const rate = pct(outcomes.failed, outcomes.executed);
    if (rate > gate.abortThresholdPercent) findings.push({ measure: "failure_rate", updatedPercent: rate, controlPercent: null, limitPercent: gate.abortThresholdPercent });
  }

  if (updated.devices < gate.minCohort) insufficient.push("updated_cohort");
  if (control.devices < gate.minCohort) insufficient.push("control_cohort");
  if (updated.devices >= gate.minCohort && control.devices >= gate.minCohort) {
    for (const [measure, key] of [
      ["offline_share", "offline"],
      ["degraded_share", "degraded"],
      ["alarmed_share", "alarmed"],
    ] as const) {
      const u = pct(updated[key], updated.devices);
      const c = pct(control[key], control.devices);
      const limit = Math.round((c + gate.marginPercent) * 100) / 100;
      if (u > limit) findings.push({ measure, updatedPercent: u, controlPercent: c, limitPercent: limit });
    }
  }
  return { verdict: findings.length > 0 ? "pause" : "continue", findings, insufficient };
}
