/**
 * Telemetry as it arrives on the hub's topics → points, read by the rules the platform's pipeline
 * applies before storing (domain/telemetry/payload.ts and normalize.ts): the same payload shapes,
 * built from the same zod schemas and limits, a message taken whole or dropped whole, timestamps
 * in milliseconds defaulting to the time of arrival, nothing before 2000 or more than 10 minutes
 * ahead. What only the registry can judge (unknown or disabled devices, profile rules) the browser
 * cannot see; such points show until the next history load replaces them.
 *
 * Charts plot numbers: booleans become 1/0 (as the query API aggregates them); strings are left out.
 * The sensor topic form (`tenants/…/assets/…/sensors/…/telemetry`) is not read live: its points
 * are stored under the publishing device, which a subscriber is not told.
 */
import { z } from "zod";
import { DeviceId } from "../../../domain/ids";
import { EARLIEST_TIMESTAMP_MS, MAX_FUTURE_SKEW_MS, MAX_POINTS_PER_MESSAGE, MetricName, TelemetryValue } from "../../../domain/telemetry/points";

export type LivePoint = { device: string; metric: string; ts: number; value: number };

const ValueWithUnit = z.strictObject({ value: TelemetryValue, unit: z.string().trim().min(1).max(32).optional() });
const ReadingValue = z.union([TelemetryValue, ValueWithUnit]);
const Timestamp = z.number().int().optional();
const StructuredReading = z.strictObject({ ts: Timestamp, values: z.record(MetricName, ReadingValue) });
const FlatValues = z.record(MetricName, ReadingValue);
const GatewayEnvelope = z.strictObject({ devices: z.record(DeviceId, z.unknown()) });

type Reading = { ts: number | undefined; values: Record<string, z.infer<typeof ReadingValue>> };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function parseReading(raw: unknown): Reading | null {
  if (!isObject(raw)) return null;
  if ("values" in raw) {
    const parsed = StructuredReading.safeParse(raw);
    return parsed.success ? { ts: parsed.data.ts, values: parsed.data.values } : null;
  }
  const { ts, ...rest } = raw;
  const time = Timestamp.safeParse(ts);
  const values = FlatValues.safeParse(rest);
  return time.success && values.success ? { ts: time.data, values: values.data } : null;
}

function parseReadings(raw: unknown): Reading[] | null {
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0) return null;
  const readings: Reading[] = [];
  for (const item of items) {
    const r = parseReading(item);
    if (!r || Object.keys(r.values).length === 0) return null;
    readings.push(r);
  }
  return readings;
}

const numeric = (v: z.infer<typeof ReadingValue>): number | null => {
  const value = typeof v === "object" ? v.value : v;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value ? 1 : 0;
  return null;
};

/** The points of one telemetry message, or none when the platform would reject it. */
export function livePoints(tenant: string, topic: string, payload: Uint8Array, receivedAt: number): LivePoint[] {
  const parts = topic.split("/");
  if (parts.length !== 5 || parts[0] !== "t" || parts[1] !== tenant || parts[4] !== "telemetry") return [];
  const [, , kind, origin] = parts as [string, string, string, string, string];
  if (kind !== "devices" && kind !== "gateways") return [];
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return [];
  }
  const byDevice: [string, Reading[]][] = [];
  if (kind === "devices") {
    const readings = parseReadings(json);
    if (!readings) return [];
    byDevice.push([origin, readings]);
  } else {
    const parsed = GatewayEnvelope.safeParse(json);
    if (!parsed.success || Object.keys(parsed.data.devices).length === 0) return [];
    for (const [device, raw] of Object.entries(parsed.data.devices)) {
      const readings = parseReadings(raw);
      if (!readings) return [];
      byDevice.push([device, readings]);
    }
  }
  const total = byDevice.reduce((n, [, rs]) => n + rs.reduce((m, r) => m + Object.keys(r.values).length, 0), 0);
  if (total > MAX_POINTS_PER_MESSAGE) return [];
  const points: LivePoint[] = [];
  for (const [device, readings] of byDevice) {
    for (const r of readings) {
      const ts = r.ts ?? receivedAt;
      if (ts < EARLIEST_TIMESTAMP_MS || ts > receivedAt + MAX_FUTURE_SKEW_MS) return [];
      for (const [metric, v] of Object.entries(r.values)) {
        const value = numeric(v);
        if (value !== null) points.push({ device, metric, ts, value });
      }
    }
  }
  return points;
}
