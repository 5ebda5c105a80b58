/**
 * What a tenant hub hands to the `telemetry` Queue: one queue message per accepted MQTT
 * PUBLISH on a telemetry-bearing topic. The hub does not parse payloads (that would cost the
 * broker CPU on the hot path); the consumer validates and normalizes them.
 */
import { z } from "zod";
import { DeviceId, ResourceId, TenantId } from "../ids";

export const EnvelopeSource = z.discriminatedUnion("kind", [
  /** `t/{tenant}/devices/{device}/{telemetry|attributes|events|heartbeat}`; a heartbeat's payload is its vitals (flat numbers). */
  z.object({ kind: z.literal("device"), device: DeviceId, channel: z.enum(["telemetry", "attributes", "events", "heartbeat"]) }),
  /** `t/{tenant}/gateways/{gateway}/{telemetry|attributes}`: readings for the gateway's children. */
  z.object({ kind: z.literal("gateway"), gateway: DeviceId, channel: z.enum(["telemetry", "attributes"]) }),
  /** `tenants/{tenant}/assets/{asset}/sensors/{sensor}/telemetry`, published by `device`. */
  z.object({ kind: z.literal("sensor"), asset: ResourceId, sensor: ResourceId, device: DeviceId }),
]);
export type EnvelopeSource = z.infer<typeof EnvelopeSource>;

export const TelemetryEnvelope = z.object({
  v: z.literal(1),
  tenant: TenantId,
  /** Unique per accepted PUBLISH; the consumer's idempotency key (with the point's index). */
  msgId: z.string().min(1).max(64),
  traceId: z.string().min(1).max(64),
  /** Hub receive time, ms since the epoch; the timestamp of readings that carry none. */
  receivedAt: z.number().int(),
  source: EnvelopeSource,
  /** The MQTT client that published (a device id, or an application client id). */
  publisher: z.string().max(128),
  /** Canonical topic inside the hub. */
  topic: z.string().max(65535),
  /** The PUBLISH payload decoded as UTF-8 (telemetry payloads are JSON). */
  payload: z.string(),
  /** Payload size on the wire, for byte metering. */
  bytes: z.number().int().nonnegative(),
});
export type TelemetryEnvelope = z.infer<typeof TelemetryEnvelope>;
