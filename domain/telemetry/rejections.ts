/**
 * Why a telemetry message was not stored: a closed set, so tenants (and dashboards) can count
 * and filter by reason. A message is rejected as a whole at its first failing reading, so what
 * is stored is always exactly what the device sent.
 */
import { z } from "zod";

export const REJECTION_REASONS = [
  /** The queue body is not a telemetry envelope (a producer bug, never a device's fault). */
  "malformed_envelope",
  /** The payload is not JSON. */
  "invalid_json",
  /** JSON, but not one of the accepted payload shapes (or a string value that is too long). */
  "invalid_payload",
  /** No timestamp at all could be trusted: before 2000-01-01 (seconds sent as milliseconds?). */
  "invalid_timestamp",
  /** A reading more than 10 minutes ahead of the hub's clock. */
  "future_timestamp",
  /** The message expands to more points than one message may carry. */
  "too_many_points",
  /** The device (or gateway child) is not registered in this tenant, or was deleted. */
  "unknown_device",
  /** The device is disabled. */
  "device_disabled",
  /** A gateway sent readings for a device that is not its registered child. */
  "not_gateway_child",
  /** The asset or sensor of the asset/sensor topic form is not registered. */
  "unknown_sensor",
  /** The sensor is bound to another device than the one that published. */
  "sensor_device_mismatch",
  /** The device profile lists its metrics and this one is not among them. */
  "metric_not_allowed",
  /** The value's type differs from the one the profile declares. */
  "wrong_type",
  /** The reading names a unit other than the one the profile or sensor declares. */
  "unit_mismatch",
  /** Below the declared minimum or above the declared maximum. */
  "out_of_range",
] as const;

export const RejectionReason = z.enum(REJECTION_REASONS);
export type RejectionReason = z.infer<typeof RejectionReason>;

export type Rejection = { kind: "rejected"; reason: RejectionReason; detail: string; device?: string };

const MAX_DETAIL = 300;
export const reject = (reason: RejectionReason, detail: string, device?: string): Rejection => ({
  kind: "rejected",
  reason,
  detail: detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail,
  ...(device ? { device } : {}),
});

/** One entry of a tenant's rejected-messages log, as the API shows it. */
export const RejectedMessage = z.object({
  msgId: z.string(),
  receivedAt: z.number().int(),
  reason: RejectionReason,
  detail: z.string(),
  /** The device the message was about (a gateway's child, for a child's reading); null only for a queue body that is no envelope. */
  device: z.string().nullable(),
  /** The MQTT client that published it (the gateway, for its children); null for entries logged before publishers were recorded. */
  publisher: z.string().nullable(),
  topic: z.string(),
  /** The start of the payload, so the sender can recognise the message. */
  payloadExcerpt: z.string(),
  /** The message's trace (GET /api/v1/telemetry/trace/{traceId}); null for entries logged before traces. */
  traceId: z.string().nullable(),
});
export type RejectedMessage = z.infer<typeof RejectedMessage>;

/** How much of a rejected payload the log keeps. */
export const PAYLOAD_EXCERPT_CHARS = 256;
/** How many rejected messages the log keeps per tenant (newest win). */
export const REJECTED_LOG_CAPACITY = 1_000;
