/**
 * Fleet health as the API shows it: one device's health, its connectivity history, and the
 * fleet's counts. Health is computed by the tenant's hub and read-only through the API; what can
 * be set is the policy it is computed with (`HealthPolicy`, on a profile or a device).
 */
import { z } from "zod";
import { DisconnectCause, HealthReason, HealthState } from "../health/states";
import { DeviceId, ResourceId } from "../ids";
import { Timestamp } from "./common";

export { HealthReason, HealthState };
export { HealthPolicy } from "../health/policy";

const Seq = z.number().int().describe("the device's connection sequence number: 1 for its first connection, +1 for each after");

const VitalBreach = z.object({ vital: z.string(), value: z.number(), min: z.number().optional(), max: z.number().optional() });

const ResolvedHealthPolicy = z.object({
  heartbeatIntervalSeconds: z.number().int().nullable(),
  inactivityTimeoutSeconds: z.number().int(),
  vitals: z.record(z.string(), z.object({ min: z.number().optional(), max: z.number().optional() })),
});

export const DeviceHealth = z.object({
  deviceId: DeviceId,
  state: HealthState,
  reason: HealthReason.describe("why: connected, heartbeat_late, vitals_out_of_bounds, silent (connected but publishing nothing), never_connected, or how the last connection ended"),
  since: Timestamp.nullable().describe("when it entered this state; null for never_seen"),
  connected: z.boolean(),
  connectionSeq: Seq,
  connectedAt: Timestamp.nullable().describe("when the current (or last) connection began"),
  lastHeardAt: Timestamp.nullable().describe("the device's last PUBLISH (pings do not count)"),
  lastHeartbeatAt: Timestamp.nullable(),
  vitals: z.record(z.string(), z.number()).describe("the numbers of the last heartbeat"),
  breaches: z.array(VitalBreach).describe("vitals outside the policy's bounds"),
  policy: ResolvedHealthPolicy.describe("the policy in force: the device's settings over its profile's over the defaults"),
  nextCheckAt: Timestamp.nullable().describe("when the state changes by itself unless the device is heard from (a heartbeat falling due, the inactivity timeout)"),
});
export type DeviceHealth = z.infer<typeof DeviceHealth>;

/**
 * What the hub publishes, retained, on `t/{tenant}/health/{device}` when a device's health
 * changes: application clients (and the console) subscribe to `t/{tenant}/health/+` and get
 * every device's current state at once, then each change.
 */
export const HealthEvent = z.object({ deviceId: DeviceId, state: HealthState, reason: HealthReason, since: Timestamp, connectionSeq: Seq });
export type HealthEvent = z.infer<typeof HealthEvent>;
export const healthTopic = (tenantId: string, deviceId: string) => `t/${tenantId}/health/${deviceId}`;

const ConnectivityEventType = z.enum(["connected", "disconnected", "health_changed"]);
export const ConnectivityEvent = z.object({
  id: z.number().int(),
  deviceId: DeviceId,
  at: Timestamp,
  connectionSeq: Seq,
  type: ConnectivityEventType,
  cause: DisconnectCause.optional().describe("disconnected: why the connection ended"),
  stale: z.boolean().optional().describe("disconnected: a report about an older connection than the current one; it changed nothing"),
  protocolLevel: z.number().int().optional().describe("connected: 4 (MQTT 3.1.1) or 5"),
  from: HealthState.optional(),
  to: HealthState.optional(),
  reason: HealthReason.optional(),
  breaches: z.array(VitalBreach).optional(),
});
export type ConnectivityEvent = z.infer<typeof ConnectivityEvent>;
export const ConnectivityPage = z.object({ items: z.array(ConnectivityEvent).describe("newest first"), nextCursor: z.string().nullable() });
export type ConnectivityPage = z.infer<typeof ConnectivityPage>;

export const HealthCounts = z.object({ online: z.number().int(), degraded: z.number().int(), offline: z.number().int(), never_seen: z.number().int(), total: z.number().int() });
export type HealthCounts = z.infer<typeof HealthCounts>;

const UnhealthyDevice = z.object({ id: DeviceId, name: z.string(), profileId: ResourceId.nullable(), tags: z.array(z.string()), health: HealthState, reason: HealthReason.nullable(), since: Timestamp.nullable() });
export const FleetHealth = z.object({
  counts: HealthCounts.describe("enabled devices by health"),
  disabled: z.number().int().describe("disabled devices (not in the counts: they cannot connect)"),
  byProfile: z.array(z.object({ profileId: ResourceId.nullable(), counts: HealthCounts })).describe("null: devices without a profile"),
  byTag: z.array(z.object({ tag: z.string(), counts: HealthCounts })),
  worst: z.array(UnhealthyDevice).describe("offline, then degraded devices, longest in that state first (disabled devices left out)"),
});
export type FleetHealth = z.infer<typeof FleetHealth>;
export const FleetHealthQuery = z.strictObject({
  profile: ResourceId.optional().describe("only devices of this profile"),
  tag: z.string().max(64).optional().describe("only devices with this tag"),
  worst: z.coerce.number().int().min(0).max(200).default(20).describe("how many of the worst devices to list"),
});
