/**
 * Telemetry queries and the backends that answer them. The hot store (one Durable Object per
 * tenant) answers recent data, local development and tests; Analytics Engine's SQL API answers
 * older ranges when an account id and API token are configured. Both sit behind one interface
 * and are built for exactly one (verified) tenant.
 */
import { z } from "zod";
import { DeviceId } from "../ids";
import { SeriesMetric, TelemetryValue } from "./points";

export const BUCKETS = ["raw", "1m", "1h", "1d"] as const;
export const Bucket = z.enum(BUCKETS);
export type Bucket = z.infer<typeof Bucket>;
export const BUCKET_MS = { "1m": 60_000, "1h": 3_600_000, "1d": 86_400_000 } as const;

/**
 * The range a query answers for. Raw: exactly `from`/`to`. Bucketed: whole buckets (UTC) — `from`
 * moved back to the start of its bucket, `to` forward to the end of the bucket holding `to - 1` —
 * because rollups (and Analytics Engine's per-minute partials) hold whole buckets, and an edge
 * bucket cut short would be a different number than its neighbours for the same width. The
 * answer carries this range, so every value is exactly the aggregate of the points between
 * the `from` and `to` it states.
 */
export function coveredRange(bucket: Bucket, from: number, to: number): { from: number; to: number } {
  if (bucket === "raw") return { from, to };
  const width = BUCKET_MS[bucket];
  return { from: Math.floor(from / width) * width, to: Math.ceil(to / width) * width };
}

export const AGGREGATES = ["avg", "min", "max", "sum", "count", "last"] as const;
export const Aggregate = z.enum(AGGREGATES);
export type Aggregate = z.infer<typeof Aggregate>;

export const MAX_QUERY_DEVICES = 20;
export const MAX_QUERY_METRICS = 20;
export const MAX_POINTS_PER_SERIES = 10_000;

export const SeriesQuery = z
  .object({
    devices: z.array(DeviceId).min(1).max(MAX_QUERY_DEVICES),
    /** Empty means every metric the devices have reported. */
    metrics: z.array(SeriesMetric).max(MAX_QUERY_METRICS),
    from: z.number().int(),
    to: z.number().int(),
    bucket: Bucket,
    /** Ignored for `raw`; aggregates cover numeric (and boolean, as 1/0) values only. */
    agg: Aggregate,
    /** Points per series. */
    limit: z.number().int().min(1).max(MAX_POINTS_PER_SERIES),
  })
  .refine((q) => q.from < q.to, { message: "from must be before to", path: ["from"] });
export type SeriesQuery = z.infer<typeof SeriesQuery>;

const SeriesPoint = z.object({ ts: z.number(), value: TelemetryValue });
export const Series = z.object({ device: z.string(), metric: z.string(), points: z.array(SeriesPoint), truncated: z.boolean() });
export type Series = z.infer<typeof Series>;
export const SeriesResult = z.object({ series: z.array(Series) });
export type SeriesResult = z.infer<typeof SeriesResult>;

type BackendName = "hot-store" | "analytics-engine";

export interface TelemetryBackend {
  readonly name: BackendName;
  series(query: SeriesQuery): Promise<SeriesResult>;
}

/** The hot store's RPC, already bound to one tenant. */
export type HotStoreSeries = { series(query: SeriesQuery): Promise<SeriesResult> };

export const hotStoreBackend = (store: HotStoreSeries): TelemetryBackend => ({
  name: "hot-store",
  series: (query) => store.series(SeriesQuery.parse(query)),
});

/** Rollup rows (min, max, sum, count, last) → the value an aggregate asks for. */
export type RollupCell = { min: number; max: number; sum: number; count: number; last: number; lastTs: number };

export function aggregateValue(cell: RollupCell, agg: Aggregate): number {
  switch (agg) {
    case "avg":
      return cell.count === 0 ? 0 : cell.sum / cell.count;
    case "min":
      return cell.min;
    case "max":
      return cell.max;
    case "sum":
      return cell.sum;
    case "count":
      return cell.count;
    case "last":
      return cell.last;
  }
}

/** Folds rollup cells into coarser buckets (hours into days). */
export function foldCells(a: RollupCell, b: RollupCell): RollupCell {
  const later = b.lastTs >= a.lastTs ? b : a;
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), sum: a.sum + b.sum, count: a.count + b.count, last: later.last, lastTs: later.lastTs };
}
