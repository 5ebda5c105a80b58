/** The rollout's rules on fixed data: strategies, waves, the execution states and the health gate's arithmetic. */
import { describe, expect, it } from "vitest";
import { judgeWave, type CohortHealth } from "../../../domain/ota/gate";
import { exponentialRate, nextExecutionState, planWaves, rolloutOrder, RolloutStrategy } from "../../../domain/ota/rollout";

const gate = { marginPercent: 5, abortThresholdPercent: 10, minExecuted: 5, minCohort: 5 };
const cohort = (devices: number, offline = 0, degraded = 0, alarmed = 0): CohortHealth => ({ devices, offline, degraded, alarmed });

describe("strategies", () => {
  it("take growing phases that end at 100 %, or an exponential rate, with defaults for the rest", () => {
    const s = RolloutStrategy.parse({
      kind: "phases",
      phases: [
        { percent: 1, waitMinutes: 60 },
        { percent: 10, waitMinutes: 60 },
        { percent: 100, waitMinutes: 0 },
      ],
    });
    expect(s).toMatchObject({ maxConcurrent: 100, updateTimeoutMinutes: 60, retries: 1, gate: { soakMinutes: 30, marginPercent: 5, abortThresholdPercent: 10, minExecuted: 5, minCohort: 5 } });
    for (const phases of [
      [{ percent: 50, waitMinutes: 0 }],
      [
        { percent: 50, waitMinutes: 0 },
        { percent: 10, waitMinutes: 0 },
        { percent: 100, waitMinutes: 0 },
      ],
      [],
    ]) {
      expect(RolloutStrategy.safeParse({ kind: "phases", phases }).success, JSON.stringify(phases)).toBe(false);
    }
    expect(RolloutStrategy.safeParse({ kind: "exponential", baseDevicesPerMinute: 10, incrementFactor: 2, incrementAfterSuccesses: 50 }).success).toBe(true);
  });

  it("split 200 devices 5 % → 25 % → 100 % into 10, 40 and 150; a 1 % canary of 50 devices is one device", () => {
    const devices = Array.from({ length: 200 }, (_, i) => `d${i}`);
    expect(planWaves(devices, [{ percent: 5 }, { percent: 25 }, { percent: 100 }]).map((w) => w.length)).toEqual([10, 40, 150]);
    expect(planWaves(devices.slice(0, 50), [{ percent: 1 }, { percent: 100 }]).map((w) => w.length)).toEqual([1, 49]);
    expect(planWaves([], [{ percent: 10 }, { percent: 100 }])).toEqual([[], []]);
    // Every device exactly once.
    expect(planWaves(devices, [{ percent: 33.3 }, { percent: 66.6 }, { percent: 100 }]).flat()).toEqual(devices);
  });

  it("order devices the same way for one rollout and differently for another", () => {
    const ids = Array.from({ length: 20 }, (_, i) => `dev-${i}`);
    expect(rolloutOrder("r1", ids)).toEqual(rolloutOrder("r1", [...ids].reverse()));
    expect(rolloutOrder("r1", ids)).not.toEqual(rolloutOrder("r2", ids));
    expect([...rolloutOrder("r1", ids)].sort()).toEqual([...ids].sort());
  });

  it("raise the exponential rate by the factor after every N successes", () => {
    const s = { baseDevicesPerMinute: 10, incrementFactor: 2, incrementAfterSuccesses: 50 };
    expect([0, 49, 50, 149, 150].map((n) => exponentialRate(s, n))).toEqual([10, 10, 20, 40, 80]);
  });
});

describe("an execution", () => {
  it("only moves forward, and a final state is final", () => {
    expect(nextExecutionState("notified", { state: "downloading" }, "2.0.0")).toBe("downloading");
    expect(nextExecutionState("installing", { state: "downloading" }, "2.0.0")).toBeNull();
    expect(nextExecutionState("failed", { state: "succeeded", version: "2.0.0" }, "2.0.0")).toBeNull();
    expect(nextExecutionState("pending", { state: "failed" }, "2.0.0")).toBe("failed");
  });

  it("succeeds only when the device reports the target version; the old one means it rolled back", () => {
    expect(nextExecutionState("installing", { state: "succeeded", version: "2.0.0" }, "2.0.0")).toBe("succeeded");
    expect(nextExecutionState("installing", { state: "succeeded", version: "1.9.0" }, "2.0.0")).toBe("rolled_back");
    expect(nextExecutionState("installing", { state: "succeeded" }, "2.0.0")).toBe("rolled_back");
  });
});

describe("the health gate", () => {
  it("compares reconnects during the soak only when both cohorts were measured", () => {
    const measured = (devices: number, reconnected: number) => ({ ...cohort(devices), reconnected });
    expect(judgeWave(measured(10, 4), measured(10, 0), { executed: 10, failed: 0 }, gate).findings).toEqual([{ measure: "reconnect_share", updatedPercent: 40, controlPercent: 0, limitPercent: 5 }]);
    expect(judgeWave(cohort(10), measured(10, 0), { executed: 10, failed: 0 }, gate).findings).toEqual([]);
  });

  it("compares a chosen metric's means relative to the control cohort, in the direction that is worse", () => {
    const sample = (u: number | null, c: number | null, worseWhen: "higher" | "lower" = "higher", n = 10) => ({ name: "temp", worseWhen, marginPercent: 10, updated: { mean: u, devices: n }, control: { mean: c, devices: n } });
    expect(judgeWave(cohort(10), cohort(10), { executed: 10, failed: 0 }, gate, sample(55, 50)).verdict).toBe("continue");
    const hot = judgeWave(cohort(10), cohort(10), { executed: 10, failed: 0 }, gate, sample(60, 50));
    expect(hot.findings).toEqual([{ measure: "metric_mean", updatedPercent: 20, controlPercent: 0, limitPercent: 10, metric: { name: "temp", updatedMean: 60, controlMean: 50, updatedDevices: 10, controlDevices: 10 } }]);
    expect(judgeWave(cohort(10), cohort(10), { executed: 10, failed: 0 }, gate, sample(40, 50, "lower")).findings[0]).toMatchObject({ measure: "metric_mean", updatedPercent: 20 });
    expect(judgeWave(cohort(10), cohort(10), { executed: 10, failed: 0 }, gate, sample(40, 50)).verdict).toBe("continue");
    // No verdict without values, on too few devices, or against a zero mean.
    for (const s of [sample(null, 50), sample(60, 50, "higher", 2), sample(60, 0)]) expect(judgeWave(cohort(10), cohort(10), { executed: 10, failed: 0 }, gate, s)).toMatchObject({ verdict: "continue", insufficient: ["metric"] });
  });

  it("continues when the updated cohort is no worse than the control by more than the margin", () => {
    expect(judgeWave(cohort(20, 1), cohort(180, 0), { executed: 20, failed: 0 }, gate)).toEqual({ verdict: "continue", findings: [], insufficient: [] });
  });

  it("pauses when updated devices go offline, degrade or raise alarms more than the control's share plus the margin, naming the figures", () => {
    const d = judgeWave(cohort(20, 4, 0, 3), cohort(180, 9, 0, 0), { executed: 20, failed: 0 }, gate);
    expect(d.verdict).toBe("pause");
    expect(d.findings).toEqual([
      { measure: "offline_share", updatedPercent: 20, controlPercent: 5, limitPercent: 10 },
      { measure: "alarmed_share", updatedPercent: 15, controlPercent: 0, limitPercent: 5 },
    ]);
    // Exactly at the margin is not worse by more than it.
    expect(judgeWave(cohort(20, 2), cohort(100, 5), { executed: 20, failed: 0 }, gate).verdict).toBe("continue");
  });

  it("pauses on the failure rate once enough updates ended, though no device went unhealthy", () => {
    expect(judgeWave(cohort(20), cohort(180), { executed: 20, failed: 3 }, gate).findings).toEqual([{ measure: "failure_rate", updatedPercent: 15, controlPercent: null, limitPercent: 10 }]);
    expect(judgeWave(cohort(20), cohort(180), { executed: 4, failed: 4 }, gate)).toMatchObject({ verdict: "continue", insufficient: ["executed"] });
  });

  it("decides nothing on health from cohorts under the minimum, and says so", () => {
    const d = judgeWave(cohort(3, 3), cohort(180), { executed: 3, failed: 0 }, gate);
    expect(d).toEqual({ verdict: "continue", findings: [], insufficient: ["executed", "updated_cohort"] });
    expect(judgeWave(cohort(100, 50), cohort(0), { executed: 100, failed: 0 }, gate).insufficient).toEqual(["control_cohort"]);
  });
});
