/**
 * Payload formats → readings, before anything is checked against the registry.
 *
 *   device telemetry   {"ts": 1732350000000, "values": {"temp": 27.4, "hum": 41}}
 *                      {"temp": 27.4, "hum": 41}              (flat; ts optional)
 *                      [ …one of the above… ]                 (a backlog flush)
 *   sensor topic form  {"value": 27.4}  {"ts": …, "value": 27.4, "unit": "C"}  or an array
 *   gateway telemetry  {"devices": {"child-1": [{"ts": …, "values": {…}}], "child-2": {…}}}
 *   attributes         {"firmware": "1.2.0", "mode": "eco"}   (gateway: {"devices": {"child-1": {…}}})
 *
 * A value is a number, boolean or string, or `{"value": …, "unit": "C"}` to name its unit.
 */
import { z } from "zod";
import { DeviceId } from "../ids";
import type { TelemetryEnvelope } from "./envelope";
import { MetricName, sensorMetric, TelemetryValue } from "./points";
import { reject, type Rejection } from "./rejections";

export type ReadingValue = { value: TelemetryValue; unit?: string };
/** One instant of one device: `ts` is absent when the device sent none (server time then). */
export type Reading = { device: string; ts: number | undefined; values: Record<string, ReadingValue> };

export type ParsedMessage =
  | { kind: "telemetry"; readings: Reading[]; gateway?: string; sensor?: { asset: string; sensor: string } }
  | { kind: "attributes"; updates: { device: string; attributes: Record<string, unknown> }[]; gateway?: string }
  /** Device events are metered here and evaluated by alerting; they are not series. */
  | { kind: "event"; device: string };

const ValueWithUnit = z.strictObject({ value: TelemetryValue, unit: z.string().trim().min(1).max(32).optional() });
const ReadingValueIn = z.union([TelemetryValue, ValueWithUnit]);
const Timestamp = z.number().int("ts must be integer milliseconds").optional();
const StructuredReading = z.strictObject({ ts: Timestamp, values: z.record(MetricName, ReadingValueIn) });
const FlatValues = z.record(MetricName, ReadingValueIn);
const SensorReading = z.strictObject({ ts: Timestamp, value: TelemetryValue, unit: z.string().trim().min(1).max(32).optional() });
const AttributeMap = z
  .record(z.string().min(1).max(128), z.unknown())
  .refine((a) => Object.keys(a).length <= 200, "at most 200 attributes per message")
  .refine((a) => JSON.stringify(a).length <= 32 * 1024, "attributes are limited to 32 KiB per message");
const GatewayEnvelope = z.strictObject({ devices: z.record(DeviceId, z.unknown()) });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function describe(error: z.ZodError, where: string): string {
  const issue = error.issues[0];
  const path = [where, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".");
  return `${path || "payload"}: ${issue?.message ?? "invalid"}`;
}

const toValues = (raw: Record<string, z.infer<typeof ReadingValueIn>>): Record<string, ReadingValue> =>
  Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "object" ? { value: v.value, ...(v.unit ? { unit: v.unit } : {}) } : { value: v }]));

/** One reading object: structured (`values`) when it has a `values` member, flat otherwise. */
function parseReading(raw: unknown, device: string, where: string): Reading | Rejection {
  if (!isObject(raw)) return reject("invalid_payload", `${where || "payload"}: expected a reading object`, device);
  if ("values" in raw) {
    const parsed = StructuredReading.safeParse(raw);
    if (!parsed.success) return reject("invalid_payload", describe(parsed.error, where), device);
    return { device, ts: parsed.data.ts, values: toValues(parsed.data.values) };
  }
  const { ts, ...rest } = raw;
  const time = Timestamp.safeParse(ts);
  if (!time.success) return reject("invalid_payload", describe(time.error, `${where}${where ? "." : ""}ts`), device);
  const values = FlatValues.safeParse(rest);
  if (!values.success) return reject("invalid_payload", describe(values.error, where), device);
  return { device, ts: time.data, values: toValues(values.data) };
}

function parseReadings(raw: unknown, device: string, where: string): Reading[] | Rejection {
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0) return reject("invalid_payload", `${where || "payload"}: no readings`, device);
  const readings: Reading[] = [];
  for (const [i, item] of items.entries()) {
    const r = parseReading(item, device, Array.isArray(raw) ? `${where}[${i}]` : where);
    if ("kind" in r) return r;
    if (Object.keys(r.values).length === 0) return reject("invalid_payload", `${where || "payload"}: a reading without values`, device);
    readings.push(r);
  }
  return readings;
}

function parseSensor(raw: unknown, device: string, asset: string, sensor: string): ParsedMessage | Rejection {
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0) return reject("invalid_payload", "payload: no readings", device);
  const readings: Reading[] = [];
  for (const [i, item] of items.entries()) {
    const parsed = SensorReading.safeParse(item);
    if (!parsed.success) return reject("invalid_payload", describe(parsed.error, Array.isArray(raw) ? `[${i}]` : ""), device);
    const { ts, value, unit } = parsed.data;
    readings.push({ device, ts, values: { [sensorMetric(asset, sensor)]: { value, ...(unit ? { unit } : {}) } } });
  }
  return { kind: "telemetry", readings, sensor: { asset, sensor } };
}

function parseGateway(raw: unknown, gateway: string, channel: "telemetry" | "attributes"): ParsedMessage | Rejection {
  const parsed = GatewayEnvelope.safeParse(raw);
  if (!parsed.success) return reject("invalid_payload", describe(parsed.error, ""), gateway);
  const entries = Object.entries(parsed.data.devices);
  if (entries.length === 0) return reject("invalid_payload", "devices: no child devices", gateway);
  if (channel === "attributes") {
    const updates: { device: string; attributes: Record<string, unknown> }[] = [];
    for (const [device, attrs] of entries) {
      const a = AttributeMap.safeParse(attrs);
      if (!a.success) return reject("invalid_payload", describe(a.error, `devices.${device}`), device);
      updates.push({ device, attributes: a.data });
    }
    return { kind: "attributes", updates, gateway };
  }
  const readings: Reading[] = [];
  for (const [device, childReadings] of entries) {
    const r = parseReadings(childReadings, device, `devices.${device}`);
    if (!Array.isArray(r)) return r;
    readings.push(...r);
  }
  return { kind: "telemetry", readings, gateway };
}

/** Turns an envelope's payload into readings (or attribute updates), checking shape only. */
export function parsePayload(envelope: TelemetryEnvelope): ParsedMessage | Rejection {
  const { source } = envelope;
  const origin = source.kind === "gateway" ? source.gateway : source.device;
  let json: unknown;
  try {
    json = JSON.parse(envelope.payload);
  } catch {
    return reject("invalid_json", "the payload is not valid JSON", origin);
  }
  switch (source.kind) {
    case "sensor":
      return parseSensor(json, source.device, source.asset, source.sensor);
    case "gateway":
      return parseGateway(json, source.gateway, source.channel);
    case "device": {
      if (source.channel === "events") return { kind: "event", device: source.device };
      if (source.channel === "attributes") {
        const a = AttributeMap.safeParse(json);
        if (!a.success) return reject("invalid_payload", describe(a.error, ""), source.device);
        return { kind: "attributes", updates: [{ device: source.device, attributes: a.data }] };
      }
      const readings = parseReadings(json, source.device, "");
      return Array.isArray(readings) ? { kind: "telemetry", readings } : readings;
    }
  }
}
