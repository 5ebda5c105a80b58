/**
 * What "healthy" means for a device: how often it promises a heartbeat, how long it may stay
 * silent, and the bounds its reported vitals must keep. Set on a device profile and overridden
 * per device, field by field; what neither sets comes from `DEFAULT_HEALTH_POLICY`.
 */
import { z } from "zod";

export const VitalName = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "letters, digits and _ . : - (at most 64)");
const VitalBounds = z
  .strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((b) => b.min !== undefined || b.max !== undefined, "give min, max or both")
  .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, "min must not exceed max");
type VitalBounds = z.infer<typeof VitalBounds>;

export const HealthPolicy = z.strictObject({
  heartbeatIntervalSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .nullable()
    .optional()
    .describe("how often the device promises a heartbeat on …/heartbeat; late by half an interval more → degraded. null: no heartbeats expected"),
  inactivityTimeoutSeconds: z
    .number()
    .int()
    .min(2)
    .max(30 * 86_400)
    .optional()
    .describe("a connected device that publishes nothing for this long is offline (its MQTT library may still be answering pings)"),
  vitals: z
    .record(VitalName, VitalBounds)
    .refine((v) => Object.keys(v).length <= 32, "at most 32 vitals")
    .optional()
    .describe("bounds for numbers in the heartbeat payload (e.g. battery: {min: 20}); a value outside → degraded"),
});
export type HealthPolicy = z.infer<typeof HealthPolicy>;

export type ResolvedHealthPolicy = { heartbeatIntervalSeconds: number | null; inactivityTimeoutSeconds: number; vitals: Record<string, VitalBounds> };

export const DEFAULT_HEALTH_POLICY: ResolvedHealthPolicy = { heartbeatIntervalSeconds: null, inactivityTimeoutSeconds: 600, vitals: {} };

/** The device's own settings win over its profile's, field by field (vitals as a whole). */
export function resolveHealthPolicy(profile: HealthPolicy | null | undefined, device: HealthPolicy | null | undefined): ResolvedHealthPolicy {
  const pick = <K extends keyof HealthPolicy>(key: K) => (device?.[key] !== undefined ? device[key] : profile?.[key] !== undefined ? profile[key] : undefined);
  return {
    heartbeatIntervalSeconds: pick("heartbeatIntervalSeconds") ?? DEFAULT_HEALTH_POLICY.heartbeatIntervalSeconds,
    inactivityTimeoutSeconds: pick("inactivityTimeoutSeconds") ?? DEFAULT_HEALTH_POLICY.inactivityTimeoutSeconds,
    vitals: pick("vitals") ?? DEFAULT_HEALTH_POLICY.vitals,
  };
}

/** A heartbeat is late once half an interval more than promised has passed (as MQTT's 1.5 × keep-alive). */
export const HEARTBEAT_GRACE = 1.5;
