/**
 * What a rollout is, independent of where it runs: its strategy (staged phases or an
 * exponential rate), how its target devices are split into waves, and the life of one device's
 * update (an execution), whose states only ever move forward. The Workflow that runs rollouts
 * and the hub that talks to devices both take their rules from here.
 */
import { z } from "zod";

export const Phase = z.strictObject({
  percent: z.number().min(0.01).max(100).describe("share of the target devices updated once this phase is done (cumulative)"),
  // Minutes may be fractions (0.05 is 3 s): short soaks make a rollout testable end to end.
  waitMinutes: z
    .number()
    .min(0)
    .max(7 * 24 * 60)
    .describe("soak time after the phase before the next one starts (fractions allowed)"),
});

export const HealthGate = z.strictObject({
  soakMinutes: z
    .number()
    .min(0)
    .max(7 * 24 * 60)
    .default(30)
    .describe("how long after a wave the updated devices are compared with the rest"),
  marginPercent: z.number().min(0).max(100).default(5).describe("how many percentage points worse the updated cohort may be (offline share, degraded share, devices with active alarms)"),
  abortThresholdPercent: z.number().min(0).max(100).default(10).describe("failed updates among those executed above which the rollout pauses"),
  minExecuted: z.number().int().min(1).max(100_000).default(5).describe("no decision on the failure rate before this many updates ended"),
  minCohort: z.number().int().min(1).max(100_000).default(5).describe("no health comparison while either cohort is smaller"),
  metric: z
    .strictObject({
      name: z.string().trim().min(1).max(64),
      worseWhen: z.enum(["higher", "lower"]),
      marginPercent: z.number().min(0).max(1000).describe("how much worse, relative to the control cohort's mean, the updated cohort's mean may be"),
    })
    .optional()
    .describe("a telemetry metric whose latest values are compared too: the updated cohort's mean against the control cohort's"),
});
export type HealthGate = z.infer<typeof HealthGate>;

const Common = {
  maxConcurrent: z.number().int().min(1).max(10_000).default(100),
  updateTimeoutMinutes: z
    .number()
    .min(0.05)
    .max(7 * 24 * 60)
    .default(60)
    .describe("per device: no final state reported within this time is timed_out (fractions allowed)"),
  retries: z.number().int().min(0).max(10).default(1),
  gate: HealthGate.default(HealthGate.parse({})),
};

export const RolloutStrategy = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("phases"),
    phases: z
      .array(Phase)
      .min(1)
      .max(20)
      .refine((p) => p.every((x, i) => i === 0 || x.percent > p[i - 1]!.percent), "percentages must grow from phase to phase")
      .refine((p) => p.length === 0 || p[p.length - 1]!.percent === 100, "the last phase must reach 100 percent"),
    ...Common,
  }),
  z.strictObject({
    kind: z.literal("exponential"),
    baseDevicesPerMinute: z.number().int().min(1).max(10_000),
    incrementFactor: z.number().min(1.1).max(5),
    incrementAfterSuccesses: z.number().int().min(1).max(100_000).describe("raise the rate by the factor after this many more successes"),
    ...Common,
  }),
]);
export type RolloutStrategy = z.infer<typeof RolloutStrategy>;

/**
 * Splits the target devices into the phases' waves: each wave brings the updated share up to its
 * phase's percent (rounded up, so a 1 % canary of 50 devices is one device, never none). The
 * order is the caller's (a stable shuffle, so canaries are not always the same devices).
 */
export function planWaves<T>(devices: readonly T[], phases: readonly { percent: number }[]): T[][] {
  const waves: T[][] = [];
  let done = 0;
  for (const phase of phases) {
    const upTo = Math.min(devices.length, Math.max(done, Math.ceil((phase.percent / 100) * devices.length)));
    waves.push(devices.slice(done, upTo));
    done = upTo;
  }
  return waves;
}

/** Devices per minute after `successes` successes: base × factor^(steps taken), as AWS IoT Jobs' rollout rate. */
export function exponentialRate(s: { baseDevicesPerMinute: number; incrementFactor: number; incrementAfterSuccesses: number }, successes: number): number {
  return Math.floor(s.baseDevicesPerMinute * s.incrementFactor ** Math.floor(successes / s.incrementAfterSuccesses));
}

/** A stable pseudo-random order of device ids for one rollout (FNV-1a of rollout id + device id). */
export function rolloutOrder(rolloutId: string, deviceIds: readonly string[]): string[] {
  const hash = (s: string) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    return h;
  };
  return [...deviceIds].sort((a, b) => hash(`${rolloutId}/${a}`) - hash(`${rolloutId}/${b}`) || (a < b ? -1 : 1));
}

export const EXECUTION_STATES = ["pending", "notified", "downloading", "downloaded", "verified", "installing", "succeeded", "failed", "timed_out", "rejected", "rolled_back", "canceled"] as const;
export const ExecutionState = z.enum(EXECUTION_STATES);
export type ExecutionState = z.infer<typeof ExecutionState>;
export const TERMINAL_STATES: ReadonlySet<ExecutionState> = new Set(["succeeded", "failed", "timed_out", "rejected", "rolled_back", "canceled"]);

/** What a device may report on `…/ota/status`. */
export const DeviceOtaStatus = z.object({
  rolloutId: z.string().max(64),
  state: z.enum(["downloading", "downloaded", "verified", "installing", "succeeded", "failed", "rejected"]),
  progress: z.number().min(0).max(100).optional(),
  error: z.string().max(500).optional(),
  version: z.string().max(64).optional(),
});
export type DeviceOtaStatus = z.infer<typeof DeviceOtaStatus>;

const ORDER: Record<ExecutionState, number> = { pending: 0, notified: 1, downloading: 2, downloaded: 3, verified: 4, installing: 5, succeeded: 6, failed: 6, timed_out: 6, rejected: 6, rolled_back: 6, canceled: 6 };

/**
 * The next state of an execution given a device's report, or null when the report changes
 * nothing (a late or repeated one: states never go back, and a final state is final).
 * `succeeded` needs the target version in the report: a device that reboots into its old image
 * and says so is `rolled_back`, never `succeeded`.
 */
export function nextExecutionState(current: ExecutionState, report: Pick<DeviceOtaStatus, "state" | "version">, targetVersion: string): ExecutionState | null {
  if (TERMINAL_STATES.has(current)) return null;
  let next: ExecutionState = report.state;
  if (report.state === "succeeded" && report.version !== targetVersion) next = "rolled_back";
  return ORDER[next] > ORDER[current] ? next : null;
}
