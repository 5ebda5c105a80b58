/**
 * SQL for Analytics Engine's SQL API over the telemetry dataset (layout in ae-layout.ts).
 *
 * Every query pins `index1` to the verified tenant; the builder refuses to build one without a
 * valid tenant id. Values are never spliced in raw: every string literal must match the id and
 * metric alphabets (which contain no quotes, backslashes or spaces) and every number must be a
 * safe integer, so the SQL cannot be bent by its inputs.
 */
import { TenantId } from "../ids";
import { AE_MINUTE_MS } from "./ae-layout";
import { MAX_FUTURE_SKEW_MS } from "./points";
import { BUCKET_MS, coveredRange, SeriesQuery, type Aggregate } from "./query";

/** The dataset named in wrangler.toml (`analytics_engine_datasets`). */
const AE_DATASET = "skylark_telemetry";
const DATASET_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const SAFE_LITERAL = /^[A-Za-z0-9._:\/-]+$/;
/** Upper bound on rows one query returns, whatever the per-series limit asks. */
const MAX_AE_ROWS = 100_000;

export class AeQueryError extends Error {
  override readonly name = "AeQueryError";
}

function literal(value: string): string {
  if (!SAFE_LITERAL.test(value)) throw new AeQueryError(`refusing to quote ${JSON.stringify(value)}`);
  return `'${value}'`;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new AeQueryError(`not a safe integer: ${value}`);
  return String(value);
}

/**
 * Sampling-aware aggregates over the per-minute partials (layout in ae-layout.ts): AE may sample
 * a busy index, `_sample_interval` restores the totals.
 */
const AGGREGATE_SQL: Record<Aggregate, string> = {
  avg: "sum(_sample_interval * double3) / sum(_sample_interval * double2)",
  sum: "sum(_sample_interval * double3)",
  count: "sum(_sample_interval * double2)",
  min: "min(double4)",
  max: "max(double5)",
  last: "argMax(double6, double7)",
};

export type AeSeriesSqlInput = { tenant: string | undefined | null; query: SeriesQuery; dataset?: string };

const alignDown = (ms: number, width: number) => Math.floor(ms / width) * width;

/**
 * Builds the series query; throws AeQueryError without a valid tenant or with unsafe input.
 * A data point covers one minute, so a raw query's range is widened to whole minutes (readings
 * outside the exact range are dropped by the backend after unpacking); aggregates cover whole
 * buckets at both ends, as the hot store's do.
 */
export function buildAeSeriesSql(input: AeSeriesSqlInput): string {
  const tenant = TenantId.safeParse(input.tenant);
  if (!tenant.success) throw new AeQueryError("an Analytics Engine query needs the verified tenant id");
  const dataset = input.dataset ?? AE_DATASET;
  if (!DATASET_PATTERN.test(dataset)) throw new AeQueryError(`invalid dataset name ${JSON.stringify(dataset)}`);
  const q = SeriesQuery.parse(input.query);
  // Raw rows are whole minutes (readings outside the range are dropped after unpacking);
  // aggregates cover whole buckets, the range the answer states (coveredRange).
  const width = q.bucket === "raw" ? AE_MINUTE_MS : BUCKET_MS[q.bucket];
  const { from, to } = q.bucket === "raw" ? { from: alignDown(q.from, width), to: q.to } : coveredRange(q.bucket, q.from, q.to);

  const where = [
    `index1 = ${literal(tenant.data)}`,
    `blob1 IN (${q.devices.map(literal).join(", ")})`,
    ...(q.metrics.length ? [`blob2 IN (${q.metrics.map(literal).join(", ")})`] : []),
    `double1 >= ${integer(from)}`,
    `double1 < ${integer(to)}`,
    // A data point is written after each of its readings arrived, and a reading is at most the
    // allowed clock skew ahead of its arrival: this bound lets AE skip older parts of the
    // dataset without excluding a matching row.
    `timestamp >= toDateTime(${integer(Math.max(0, Math.floor((from - MAX_FUTURE_SKEW_MS) / 1000)))})`,
  ];
  const seriesCount = q.devices.length * Math.max(1, q.metrics.length);

  if (q.bucket === "raw") {
    // Rows are data points of up to a minute of readings each; the two boundary minutes of a
    // series may hold only readings outside the range, hence the extra rows.
    return [
      "SELECT blob1 AS device, blob2 AS metric, double1 AS minute, blob4 AS readings",
      `FROM ${dataset}`,
      `WHERE ${where.join(" AND ")}`,
      "ORDER BY device, metric, minute",
      `LIMIT ${Math.min(MAX_AE_ROWS, (q.limit + 2) * seriesCount)}`,
      "FORMAT JSON",
    ].join("\n");
  }
  return [
    `SELECT blob1 AS device, blob2 AS metric, intDiv(double1, ${width}) * ${width} AS bucket, ${AGGREGATE_SQL[q.agg]} AS value`,
    `FROM ${dataset}`,
    // Aggregates are numeric: data points holding only string values are left out.
    `WHERE ${[...where, "double2 > 0"].join(" AND ")}`,
    "GROUP BY device, metric, bucket",
    "ORDER BY device, metric, bucket",
    `LIMIT ${Math.min(MAX_AE_ROWS, q.limit * seriesCount)}`,
    "FORMAT JSON",
  ].join("\n");
}
