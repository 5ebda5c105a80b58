/**
 * The health gate: after a wave, are the devices that got the update doing worse than the ones
 * that did not? Each cohort is summarised as shares (offline, degraded, with an active alarm); the
 * rollout pauses when the updated cohort's share is worse than the control cohort's by more than
 * the margin (percentage points), or when the failure rate of the updates themselves passes the
 * threshold. Small samples decide nothing: a cohort under `minCohort` devices, or fewer than
 * `minExecuted` finished updates, is reported as such.
 */
import type { HealthGate } from "./rollout";

/** `reconnected`: devices that connected again during the soak (a crash or reboot loop); absent when not measured. */
export type CohortHealth = { devices: number; offline: number; degraded: number; alarmed: number; reconnected?: number };
export type UpdateOutcomes = { executed: number; failed: number };

export type GateMeasure = "offline_share" | "degraded_share" | "alarmed_share" | "reconnect_share" | "failure_rate" | "metric_mean";
/** For `metric_mean`: the percents are how much worse the updated mean is than the control mean (limit: the margin), with the means in `metric`. */
export type MetricComparison = { name: string; updatedMean: number; controlMean: number; updatedDevices: number; controlDevices: number };
export type GateFinding = { measure: GateMeasure; updatedPercent: number; controlPercent: number | null; limitPercent: number; metric?: MetricComparison };
export type GateDecision = { verdict: "continue" | "pause"; findings: GateFinding[]; insufficient: ("updated_cohort" | "control_cohort" | "executed" | "metric")[] };
/** A metric's latest values in each cohort: their means and how many devices had one. */
export type MetricSample = { name: string; worseWhen: "higher" | "lower"; marginPercent: number; updated: { mean: number | null; devices: number }; control: { mean: number | null; devices: number } };

const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 10_000) / 100);

export function judgeWave(updated: CohortHealth, control: CohortHealth, outcomes: UpdateOutcomes, gate: Pick<HealthGate, "marginPercent" | "abortThresholdPercent" | "minExecuted" | "minCohort">, metric?: MetricSample): GateDecision {
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
    const measures = [
      ["offline_share", "offline"],
      ["degraded_share", "degraded"],
      ["alarmed_share", "alarmed"],
      ["reconnect_share", "reconnected"],
    ] as const;
    for (const [measure, key] of measures) {
      const [un, cn] = [updated[key], control[key]];
      if (un === undefined || cn === undefined) continue;
      const u = pct(un, updated.devices);
      const c = pct(cn, control.devices);
      const limit = Math.round((c + gate.marginPercent) * 100) / 100;
      if (u > limit) findings.push({ measure, updatedPercent: u, controlPercent: c, limitPercent: limit });
    }
  }
  if (metric) {
    const { updated: u, control: c } = metric;
    // Relative to the control mean: a control mean of 0 has no scale to compare against.
    if (u.mean === null || c.mean === null || u.devices < gate.minCohort || c.devices < gate.minCohort || c.mean === 0) insufficient.push("metric");
    else {
      const worse = ((metric.worseWhen === "higher" ? u.mean - c.mean : c.mean - u.mean) / Math.abs(c.mean)) * 100;
      const rounded = Math.round(worse * 100) / 100;
      if (rounded > metric.marginPercent)
        findings.push({
          measure: "metric_mean",
          updatedPercent: rounded,
          controlPercent: 0,
          limitPercent: metric.marginPercent,
          metric: { name: metric.name, updatedMean: u.mean, controlMean: c.mean, updatedDevices: u.devices, controlDevices: c.devices },
        });
    }
  }
  return { verdict: findings.length > 0 ? "pause" : "continue", findings, insufficient };
}
