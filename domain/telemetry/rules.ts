/**
 * Checks of one value against what the registry declares for its series: a device profile's
 * metric rule (type, unit, min, max) or a registered sensor (unit, min, max; numeric).
 */
import type { ReadingValue } from "./payload";
import { MAX_STRING_VALUE_BYTES, utf8Bytes } from "./points";
import { reject, type Rejection } from "./rejections";

export type MetricRule = { type?: "number" | "boolean" | "string"; unit?: string; min?: number; max?: number };

/** What a registered sensor declares; sensors carry numbers (or booleans: a door contact). */
export type SensorRule = { unit: string; min: number | null; max: number | null };

const typeOf = (v: ReadingValue["value"]) => typeof v as "number" | "boolean" | "string";

function checkRange(metric: string, value: number, min: number | null | undefined, max: number | null | undefined, device: string): Rejection | null {
  if (min !== undefined && min !== null && value < min) return reject("out_of_range", `${metric}=${value} is below the minimum ${min}`, device);
  if (max !== undefined && max !== null && value > max) return reject("out_of_range", `${metric}=${value} is above the maximum ${max}`, device);
  return null;
}

function checkUnit(metric: string, sent: string | undefined, declared: string | undefined, device: string): Rejection | null {
  if (sent && declared && sent !== declared) return reject("unit_mismatch", `${metric} is declared in '${declared}', the reading says '${sent}'`, device);
  return null;
}

function checkString(metric: string, value: ReadingValue["value"], device: string): Rejection | null {
  if (typeof value === "string" && utf8Bytes(value) > MAX_STRING_VALUE_BYTES) return reject("invalid_payload", `${metric}: string values are limited to ${MAX_STRING_VALUE_BYTES} bytes`, device);
  return null;
}

/**
 * `rules` is the profile's metric map: null or empty means "any metric, any type"; otherwise a
 * metric must be listed. Returns the unit to store with the point, or the rejection.
 */
export function checkAgainstProfile(metric: string, v: ReadingValue, rules: Record<string, MetricRule> | null, device: string): { unit: string | null } | Rejection {
  const tooLong = checkString(metric, v.value, device);
  if (tooLong) return tooLong;
  if (!rules || Object.keys(rules).length === 0) return { unit: v.unit ?? null };
  const rule = rules[metric];
  if (!rule) return reject("metric_not_allowed", `metric '${metric}' is not in the device profile`, device);
  if (rule.type && typeOf(v.value) !== rule.type) return reject("wrong_type", `${metric} must be a ${rule.type}, got ${typeOf(v.value)}`, device);
  const failure = checkUnit(metric, v.unit, rule.unit, device) ?? (typeof v.value === "number" ? checkRange(metric, v.value, rule.min, rule.max, device) : null);
  return failure ?? { unit: rule.unit ?? v.unit ?? null };
}

export function checkAgainstSensor(metric: string, v: ReadingValue, sensor: SensorRule, device: string): { unit: string | null } | Rejection {
  if (typeof v.value === "string") return reject("wrong_type", `${metric} must be a number or boolean, got string`, device);
  const declared = sensor.unit || undefined;
  const failure = checkUnit(metric, v.unit, declared, device) ?? (typeof v.value === "number" ? checkRange(metric, v.value, sensor.min, sensor.max, device) : null);
  return failure ?? { unit: declared ?? v.unit ?? null };
}
