import { z } from "zod";

const PLANS = ["starter", "professional", "enterprise"] as const;
export const Plan = z.enum(PLANS);
export type Plan = z.infer<typeof Plan>;

/** Every limit a plan sets. Per-tenant overrides (set by the operator) replace single fields. */
export const PlanLimits = z.object({
  maxDevices: z.number().int().nonnegative(),
  maxConnections: z.number().int().nonnegative(),
  messagesPerSecond: z.number().positive(),
  messagesPerSecondPerDevice: z.number().positive(),
  burstSeconds: z.number().positive(),
  dataPointsPerSecond: z.number().positive(),
  maxPayloadBytes: z.number().int().positive(),
  maxSubscriptionsPerConnection: z.number().int().positive(),
  maxQueuedMessagesPerSession: z.number().int().nonnegative(),
  /** Unfinished tracked commands (queued, sent, delivered awaiting an answer) per device. */
  maxQueuedCommandsPerDevice: z.number().int().nonnegative(),
  apiRequestsPerMinute: z.number().int().positive(),
  hotStoreRetentionDays: z.number().int().positive(),
  monthlyMessageQuota: z.number().int().nonnegative(),
  /** The largest firmware artifact one upload may store. */
  maxArtifactBytes: z.number().int().positive(),
  /** All of a tenant's firmware artifacts together. */
  maxFirmwareStorageBytes: z.number().int().nonnegative(),
  /** Firmware rollouts running or paused at once. */
  maxActiveRollouts: z.number().int().nonnegative(),
});
export type PlanLimits = z.infer<typeof PlanLimits>;
export const LimitOverrides = PlanLimits.partial().strict();
export type LimitOverrides = z.infer<typeof LimitOverrides>;

export const PLAN_LIMITS: Record<Plan, PlanLimits> = {
  starter: {
    maxDevices: 50,
    maxConnections: 100,
    messagesPerSecond: 100,
    messagesPerSecondPerDevice: 10,
    burstSeconds: 5,
    dataPointsPerSecond: 1_000,
    maxPayloadBytes: 64 * 1024,
    maxSubscriptionsPerConnection: 50,
    maxQueuedMessagesPerSession: 1_000,
    maxQueuedCommandsPerDevice: 100,
    apiRequestsPerMinute: 600,
    hotStoreRetentionDays: 7,
    monthlyMessageQuota: 10_000_000,
    maxArtifactBytes: 64 * 1024 * 1024,
    maxFirmwareStorageBytes: 1024 * 1024 * 1024,
    maxActiveRollouts: 2,
  },
  professional: {
    maxDevices: 5_000,
    maxConnections: 10_000,
    messagesPerSecond: 2_000,
    messagesPerSecondPerDevice: 50,
    burstSeconds: 10,
    dataPointsPerSecond: 20_000,
    maxPayloadBytes: 256 * 1024,
    maxSubscriptionsPerConnection: 200,
    maxQueuedMessagesPerSession: 10_000,
    maxQueuedCommandsPerDevice: 1_000,
    apiRequestsPerMinute: 6_000,
    hotStoreRetentionDays: 30,
    monthlyMessageQuota: 500_000_000,
    maxArtifactBytes: 512 * 1024 * 1024,
    maxFirmwareStorageBytes: 20 * 1024 * 1024 * 1024,
    maxActiveRollouts: 10,
  },
  enterprise: {
    maxDevices: 100_000,
    maxConnections: 200_000,
    messagesPerSecond: 20_000,
    messagesPerSecondPerDevice: 200,
    burstSeconds: 10,
    dataPointsPerSecond: 200_000,
    maxPayloadBytes: 1024 * 1024,
    maxSubscriptionsPerConnection: 1_000,
    maxQueuedMessagesPerSession: 100_000,
    maxQueuedCommandsPerDevice: 10_000,
    apiRequestsPerMinute: 60_000,
    hotStoreRetentionDays: 90,
    monthlyMessageQuota: 10_000_000_000,
    maxArtifactBytes: 512 * 1024 * 1024,
    maxFirmwareStorageBytes: 200 * 1024 * 1024 * 1024,
    maxActiveRollouts: 50,
  },
};

export function effectiveLimits(plan: Plan, overrides: LimitOverrides | null | undefined): PlanLimits {
  return { ...PLAN_LIMITS[plan], ...(overrides ?? {}) };
}
