/**
 * Query-string schemas shared by the telemetry routes. Lists are comma-separated
 * (`device=d1,d2&metric=temp,hum`); times are milliseconds since the epoch or ISO 8601.
 * Query schemas are strict: an unknown parameter is a 400, not silently ignored.
 */
import { z } from "zod";
import { DeviceId } from "../../domain/ids";
import { QueryTime } from "../../domain/schemas/common";
import { MAX_LATEST_DEVICES } from "../../domain/schemas/fleet";
import { SeriesMetric } from "../../domain/telemetry/points";
import { Aggregate, Bucket, MAX_POINTS_PER_SERIES, MAX_QUERY_DEVICES, MAX_QUERY_METRICS } from "../../domain/telemetry/query";

const HOUR_MS = 3_600_000;

const commaList = <T extends z.ZodType<string, string>>(item: T, max: number, maxChars = 4000) =>
  z
    .string()
    .max(maxChars)
    .transform((s) => [
      ...new Set(
        s
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(item).min(1).max(max));

const DeviceList = commaList(DeviceId, MAX_QUERY_DEVICES).describe("device ids, comma-separated");
const MetricList = commaList(SeriesMetric, MAX_QUERY_METRICS).describe("metric names, comma-separated; all of the devices' metrics when absent");

/** Milliseconds since the epoch, or an ISO 8601 date-time (the rule every query's times follow). */
export const TimeParam = QueryTime;

const Range = { from: TimeParam.optional().describe("start (inclusive); default: an hour before `to`"), to: TimeParam.optional().describe("end (exclusive); default: now") };

/** Fills in the default range and checks it. */
export function resolveRange(q: { from?: number | undefined; to?: number | undefined }, now = Date.now()): { from: number; to: number } {
  const to = q.to ?? now;
  const from = q.from ?? to - HOUR_MS;
  return { from, to };
}

const rangeOrdered = (q: { from?: number | undefined; to?: number | undefined }) => {
  const { from, to } = resolveRange(q);
  return from < to;
};

export const SeriesParams = z
  .strictObject({
    device: DeviceList,
    metric: MetricList.optional(),
    ...Range,
    bucket: Bucket.default("raw"),
    agg: Aggregate.default("avg").describe("for bucket 1m, 1h, 1d"),
    limit: z.coerce.number().int().min(1).max(MAX_POINTS_PER_SERIES).default(1000).describe("points per series"),
  })
  .refine(rangeOrdered, { message: "from must be before to", path: ["from"] });

export const ExportParams = z
  .strictObject({
    device: DeviceList,
    metric: MetricList.optional(),
    ...Range,
    format: z.enum(["csv", "ndjson"]).default("csv"),
    limit: z.coerce.number().int().min(1).max(1_000_000).default(100_000).describe("rows in all"),
  })
  .refine(rangeOrdered, { message: "from must be before to", path: ["from"] });

export const StreamParams = z.strictObject({ device: DeviceList, metric: MetricList.optional() });

export const LatestParams = z.strictObject({ metric: MetricList.optional() });

/** `GET /telemetry/latest`: up to 100 devices (ids up to 128 characters, so the list may be long). */
export const LatestManyParams = z.strictObject({
  device: commaList(DeviceId, MAX_LATEST_DEVICES, MAX_LATEST_DEVICES * 129).describe(`device ids, comma-separated (at most ${MAX_LATEST_DEVICES})`),
  metric: MetricList.optional(),
});
