/**
 * Firmware rollouts as the API and the device see them: what a rollout targets, how it is
 * staged (domain/ota/rollout.ts), its state with counts per device state and per wave, the
 * health-gate decisions with their figures, and the notice a device receives on `…/ota`.
 */
import { z } from "zod";
import { DeviceId, ResourceId } from "../ids";
import { EXECUTION_STATES, ExecutionState, RolloutStrategy } from "../ota/rollout";
import { ApiCursor, Tags, Timestamp } from "./common";

/** Exactly one way of choosing devices; every one is resolved inside the caller's tenant. */
export const RolloutTarget = z.union([
  z.strictObject({ devices: z.array(DeviceId).min(1).max(10_000) }),
  z.strictObject({ tags: Tags.min(1).describe("devices carrying every one of these tags") }),
  z.strictObject({ profile: ResourceId }),
  z.strictObject({ all: z.literal(true) }),
]);
export type RolloutTarget = z.infer<typeof RolloutTarget>;

/** Letters, digits, `_` and `-`: a rollout id also names its Workflow instance. */
export const RolloutId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "letters, digits, _ and -, up to 64 characters");

export const CreateRollout = z.strictObject({
  id: RolloutId.optional().describe("default: generated"),
  firmwareId: ResourceId,
  target: RolloutTarget,
  strategy: RolloutStrategy,
});
export type CreateRollout = z.infer<typeof CreateRollout>;

/** What creating a rollout answers: the rollout and the target's devices it left out, and why. */
export const CreatedRollout = z.object({
  rollout: z.lazy(() => Rollout),
  skipped: z.object({ unfit: z.array(DeviceId).describe("the artifact is not built for them (profile, hardware tags, delta base)"), current: z.array(DeviceId).describe("already run this version") }),
});

export const RolloutStatus = z.enum(["running", "paused", "completed", "canceled"]);
export type RolloutStatus = z.infer<typeof RolloutStatus>;

const Cohort = z.object({ devices: z.number().int(), offline: z.number().int(), degraded: z.number().int(), alarmed: z.number().int(), reconnected: z.number().int().optional().describe("connected again during the soak") });

/** One judgement of the health gate (domain/ota/gate.ts) with the numbers it was made on. */
export const GateRecord = z.object({
  wave: z.number().int(),
  at: Timestamp,
  verdict: z.enum(["continue", "pause"]),
  findings: z.array(
    z.object({
      measure: z.enum(["offline_share", "degraded_share", "alarmed_share", "reconnect_share", "failure_rate", "metric_mean"]),
      updatedPercent: z.number().describe("metric_mean: how much worse the updated cohort's mean is, in % of the control cohort's"),
      controlPercent: z.number().nullable(),
      limitPercent: z.number(),
      metric: z.object({ name: z.string(), updatedMean: z.number(), controlMean: z.number(), updatedDevices: z.number().int(), controlDevices: z.number().int() }).optional(),
    }),
  ),
  insufficient: z.array(z.enum(["updated_cohort", "control_cohort", "executed", "metric"])),
  updated: Cohort.describe("devices this rollout updated"),
  control: Cohort.describe("target devices not updated yet"),
  outcomes: z.object({ executed: z.number().int(), failed: z.number().int() }),
});
export type GateRecord = z.infer<typeof GateRecord>;

export const PausedReason = z.object({
  at: Timestamp,
  by: z.string().describe("`gate` when the rollout paused itself, else the principal who paused it"),
  gate: GateRecord.optional(),
  message: z.string(),
});
export type PausedReason = z.infer<typeof PausedReason>;

export const StateCounts = z.record(ExecutionState, z.number().int());
export type StateCounts = z.infer<typeof StateCounts>;

export const Rollout = z.object({
  id: ResourceId,
  firmwareId: ResourceId,
  version: z.string(),
  kind: z.enum(["update", "rollback"]),
  rollbackOf: ResourceId.nullable(),
  target: RolloutTarget,
  strategy: RolloutStrategy,
  status: RolloutStatus,
  wave: z.number().int().describe("the wave being updated (0-based)"),
  waves: z.number().int(),
  pausedReason: PausedReason.nullable(),
  gates: z.array(GateRecord),
  devices: z.number().int(),
  counts: StateCounts.describe("devices per execution state"),
  waveCounts: z.array(z.object({ wave: z.number().int(), devices: z.number().int(), counts: StateCounts })),
  createdBy: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
});
export type Rollout = z.infer<typeof Rollout>;

export const RolloutSummary = Rollout.omit({ waveCounts: true, gates: true });
export type RolloutSummary = z.infer<typeof RolloutSummary>;

export const RolloutExecution = z.object({
  deviceId: DeviceId,
  wave: z.number().int(),
  state: ExecutionState,
  attempt: z.number().int().describe("1 for the first notice, more after retries; 0 while pending"),
  fromVersion: z.string().nullable().describe("the device's firmware version when the rollout began"),
  progress: z.number().int().nullable(),
  error: z.string().nullable(),
  deadlineAt: Timestamp.nullable(),
  history: z.array(z.object({ state: ExecutionState, at: Timestamp, attempt: z.number().int(), error: z.string().optional() })),
  updatedAt: Timestamp,
});
export type RolloutExecution = z.infer<typeof RolloutExecution>;

export const RolloutListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: ApiCursor.optional(),
  status: RolloutStatus.optional(),
});
export type RolloutListQuery = z.infer<typeof RolloutListQuery>;

export const RolloutDevicesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: ApiCursor.optional(),
  state: ExecutionState.optional(),
  wave: z.coerce.number().int().min(0).max(10_000).optional(),
});
export type RolloutDevicesQuery = z.infer<typeof RolloutDevicesQuery>;

export const ResumeRollout = z.strictObject({
  acknowledgeFailures: z.boolean().default(false).describe("required (true) when the rollout paused itself: you have looked at the figures in pausedReason"),
});
export const RollbackRollout = z.strictObject({
  firmwareId: ResourceId.optional().describe("the artifact to return to; default: the artifact of the version most of the updated devices had before"),
});

/** What the platform publishes, retained, on `t/{tenant}/devices/{device}/ota`. */
export const OtaNotice = z.object({
  rolloutId: ResourceId,
  attempt: z.number().int().min(1),
  version: z.string(),
  url: z.string().describe("path of the download on the host the device connects to; the token in it is the credential"),
  sha256: z.string(),
  size: z.number().int(),
  signature: z.string().nullable().describe("base64 Ed25519 signature over the SHA-256 digest, when the artifact is signed"),
  expiresAt: Timestamp,
});
export type OtaNotice = z.infer<typeof OtaNotice>;

/** What the platform publishes, retained, on `t/{tenant}/rollouts/{rollout}` when a rollout changes. */
export const RolloutEvent = z.object({ rolloutId: ResourceId, status: RolloutStatus, wave: z.number().int(), waves: z.number().int(), counts: StateCounts, pausedReason: PausedReason.nullable(), at: Timestamp });
export type RolloutEvent = z.infer<typeof RolloutEvent>;

/** A rollout that paused itself, as webhook targets receive it (on the alarm events queue). */
export const RolloutWebhookEvent = z.object({
  id: z.string(),
  type: z.literal("rollout_paused"),
  tenant: z.string(),
  at: Timestamp,
  rollout: z.object({ id: ResourceId, firmwareId: ResourceId, version: z.string(), status: RolloutStatus, wave: z.number().int(), waves: z.number().int(), pausedReason: PausedReason }),
});
export type RolloutWebhookEvent = z.infer<typeof RolloutWebhookEvent>;

export const emptyCounts = (): StateCounts => Object.fromEntries(EXECUTION_STATES.map((s) => [s, 0])) as StateCounts;
