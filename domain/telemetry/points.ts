/**
 * Normalized telemetry points: what every payload format turns into, and what the hot store,
 * Analytics Engine and the query API deal in. One point is one value of one metric of one
 * device at one instant.
 */
import { z } from "zod";
import { DeviceId, TenantId } from "../ids";

/** A metric a device reports (`temp`, `battery.level`). Same alphabet as profile metric names. */
const METRIC_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const MetricName = z.string().regex(METRIC_NAME_PATTERN, "letters, digits and _ . : -, up to 64 characters");

/**
 * A series name as stored: a device metric (`temp`) or, on the asset/sensor topic form,
 * `{asset}/{sensor}` (`truck-1/temp-1`). The `/` cannot occur in a device metric, so the two
 * kinds never collide.
 */
const SERIES_METRIC_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}\/[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$|^[A-Za-z0-9_.:-]{1,64}$/;
export const SeriesMetric = z.string().regex(SERIES_METRIC_PATTERN, "a metric name, or {asset}/{sensor}");

export const sensorMetric = (asset: string, sensor: string) => `${asset}/${sensor}`;

export const TelemetryValue = z.union([z.number(), z.boolean(), z.string()]);
export type TelemetryValue = z.infer<typeof TelemetryValue>;

/** Readings older than this are rejected as clock errors (milliseconds sent as seconds, unset RTCs). */
export const EARLIEST_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
/** How far ahead of the hub's clock a reading may be before it counts as "far in the future". */
export const MAX_FUTURE_SKEW_MS = 10 * 60_000;
/** One message may not expand to more points than this (a backlog flush is split by the device). */
export const MAX_POINTS_PER_MESSAGE = 5_000;
/** String values are labels and states, not documents. */
export const MAX_STRING_VALUE_BYTES = 1_024;

export const TelemetryPoint = z.object({
  tenant: TenantId,
  device: DeviceId,
  metric: SeriesMetric,
  ts: z.number().int(),
  value: TelemetryValue,
  /** The unit the profile (or sensor) declares, or the one the reading carried. */
  unit: z.string().max(32).nullable(),
  msgId: z.string().min(1).max(64),
  traceId: z.string().min(1).max(64),
  /** Index of the point within its message: with msgId, the point's idempotency key. */
  seq: z.number().int().nonnegative(),
});
export type TelemetryPoint = z.infer<typeof TelemetryPoint>;

/**
 * UTF-8 length of a string, counted without encoding it: this runs for every reading the
 * Analytics Engine packer lays out, where allocating an encoded copy each time showed up in
 * profiles. Lone surrogates count as U+FFFD (3 bytes), as TextEncoder would write them.
 */
export function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 2 UTF-16 units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}
