/**
 * SQL for Analytics Engine's SQL API over the telemetry dataset (layout in analytics-engine.ts).
 *
 * Every query pins `index1` to the verified tenant; the builder refuses to build one without a
 * valid tenant id. Values are never spliced in raw: every string literal must match the id and
 * metric alphabets (which contain no quotes, backslashes or spaces) and every number must be a
 * safe integer, so the SQL cannot be bent by its inputs.
 */
import { TenantId } from "../ids";
import { MAX_FUTURE_SKEW_MS } from "./points";
import { BUCKET_MS, SeriesQuery, type Aggregate } from "./query";

/** The dataset named in wrangler.toml (`analytics_engine_datasets`). */
export const AE_DATASET = "skylark_telemetry";
const DATASET_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const SAFE_LITERAL = /^[A-Za-z0-9._:\/-]+$/;
/** Upper bound on rows one query returns, whatever the per-series limit asks. */
export const MAX_AE_ROWS = 100_000;

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

/** Sampling-aware aggregates: AE may sample a busy index, `_sample_interval` restores the totals. */
const AGGREGATE_SQL: Record<Aggregate, string> = {
  avg: "sum(_sample_interval * double1) / sum(_sample_interval)",
  sum: "sum(_sample_interval * double1)",
  count: "sum(_sample_interval)",
  min: "min(double1)",
  max: "max(double1)",
  last: "argMax(double1, double2)",
};

export type AeSeriesSqlInput = { tenant: string | undefined | null; query: SeriesQuery; dataset?: string };

/** Builds the series query; throws AeQueryError without a valid tenant or with unsafe input. */
export function buildAeSeriesSql(input: AeSeriesSqlInput): string {
  const tenant = TenantId.safeParse(input.tenant);
  if (!tenant.success) throw new AeQueryError("an Analytics Engine query needs the verified tenant id");
  const dataset = input.dataset ?? AE_DATASET;
  if (!DATASET_PATTERN.test(dataset)) throw new AeQueryError(`invalid dataset name ${JSON.stringify(dataset)}`);
  const q = SeriesQuery.parse(input.query);

  const where = [
    `index1 = ${literal(tenant.data)}`,
    `blob1 IN (${q.devices.map(literal).join(", ")})`,
    ...(q.metrics.length ? [`blob2 IN (${q.metrics.map(literal).join(", ")})`] : []),
    `double2 >= ${integer(q.from)}`,
    `double2 < ${integer(q.to)}`,
    // A reading is written at or after its own time minus the allowed clock skew: this bound
    // lets AE skip older parts of the dataset without ever excluding a matching row.
    `timestamp >= toDateTime(${integer(Math.max(0, Math.floor((q.from - MAX_FUTURE_SKEW_MS) / 1000)))})`,
  ];
  const seriesCount = q.devices.length * Math.max(1, q.metrics.length);
  const limit = Math.min(MAX_AE_ROWS, q.limit * seriesCount);

  if (q.bucket === "raw") {
    return [
      "SELECT blob1 AS device, blob2 AS metric, double2 AS ts, double1 AS value, double3 AS kind, blob4 AS text",
      `FROM ${dataset}`,
      `WHERE ${where.join(" AND ")}`,
      "ORDER BY device, metric, ts",
      `LIMIT ${limit}`,
      "FORMAT JSON",
    ].join("\n");
  }
  const width = BUCKET_MS[q.bucket];
  return [
    `SELECT blob1 AS device, blob2 AS metric, intDiv(double2, ${width}) * ${width} AS bucket, ${AGGREGATE_SQL[q.agg]} AS value`,
    `FROM ${dataset}`,
    // Aggregates are numeric: string values (kind 2) are left out.
    `WHERE ${[...where, "double3 != 2"].join(" AND ")}`,
    "GROUP BY device, metric, bucket",
    "ORDER BY device, metric, bucket",
    `LIMIT ${limit}`,
    "FORMAT JSON",
  ].join("\n");
}
