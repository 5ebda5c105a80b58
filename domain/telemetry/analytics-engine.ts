/**
 * Writing points to Workers Analytics Engine, the long-term store (three months).
 *
 * The platform's limits (developers.cloudflare.com/analytics/analytics-engine/limits/):
 * up to 20 blobs, 20 doubles and 1 index per data point; the blobs of one data point together at
 * most 16 KB; an index at most 96 bytes; at most 250 data points per Worker invocation. Local
 * development enforces none of them, so they are enforced here: a writer is created per
 * invocation with a budget of 250, and a data point is built to fit by construction.
 *
 * Data point layout (the SQL builder in ae-sql.ts reads the same columns):
 *   index1  tenant id (AE samples per index, so one busy tenant never thins out another's data)
 *   blob1 device · blob2 metric · blob3 unit · blob4 string value · blob5 msgId · blob6 traceId
 *   double1 numeric value (booleans 1/0) · double2 reading time (ms) · double3 value kind · double4 seq
 */
import { utf8Bytes, type TelemetryPoint } from "./points";

export const AE_LIMITS = {
  dataPointsPerInvocation: 250,
  blobsPerDataPoint: 20,
  doublesPerDataPoint: 20,
  blobBytesPerDataPoint: 16 * 1024,
  indexBytes: 96,
} as const;

export const AE_VALUE_KIND = { number: 0, boolean: 1, string: 2 } as const;

export type AeDataPoint = { indexes: [string]; blobs: string[]; doubles: number[] };

/** The part of the Analytics Engine binding the writer uses. */
export interface AnalyticsSink {
  writeDataPoint(point: AeDataPoint): void;
}

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
function truncateUtf8(text: string, max: number): string {
  if (utf8Bytes(text) <= max) return text;
  let out = "";
  let bytes = 0;
  for (const ch of text) {
    const b = utf8Bytes(ch);
    if (bytes + b > max) break;
    out += ch;
    bytes += b;
  }
  return out;
}

export function toAeDataPoint(p: TelemetryPoint): AeDataPoint {
  if (utf8Bytes(p.tenant) > AE_LIMITS.indexBytes) throw new RangeError("tenant id longer than an Analytics Engine index");
  const kind = AE_VALUE_KIND[typeof p.value as keyof typeof AE_VALUE_KIND];
  const numeric = typeof p.value === "number" ? p.value : typeof p.value === "boolean" ? Number(p.value) : 0;
  const fixed = [p.device, p.metric, p.unit ?? "", "", p.msgId, p.traceId];
  // Every blob but the string value is bounded by its schema; the string value gets what is left.
  const room = AE_LIMITS.blobBytesPerDataPoint - fixed.reduce((n, b) => n + utf8Bytes(b), 0);
  fixed[3] = typeof p.value === "string" ? truncateUtf8(p.value, room) : "";
  return { indexes: [p.tenant], blobs: fixed, doubles: [numeric, p.ts, kind, p.seq] };
}

/**
 * Writes points within one invocation's data-point budget. Callers that must do something
 * between deciding how much fits and writing it (enqueue the overflow first) reserve first, so
 * concurrent work in the same invocation cannot take the budget in between.
 */
export interface AnalyticsWriter {
  /** Data points this invocation may still write or reserve. */
  readonly remaining: number;
  /** Sets aside up to `wanted` data points for a later write; returns how many were granted. */
  reserve(wanted: number): number;
  /** Writes all of `points` against earlier reservations, then the free budget; throws beyond both. */
  write(points: readonly TelemetryPoint[]): void;
}

export class BudgetedAnalyticsWriter implements AnalyticsWriter {
  #free: number;
  #reserved = 0;
  constructor(
    private readonly sink: AnalyticsSink,
    budget: number = AE_LIMITS.dataPointsPerInvocation,
  ) {
    this.#free = Math.min(budget, AE_LIMITS.dataPointsPerInvocation);
  }
  get remaining() {
    return this.#free;
  }
  reserve(wanted: number): number {
    const granted = Math.max(0, Math.min(wanted, this.#free));
    this.#free -= granted;
    this.#reserved += granted;
    return granted;
  }
  write(points: readonly TelemetryPoint[]): void {
    if (points.length > this.#reserved + this.#free) throw new RangeError(`${points.length} data points exceed the ${this.#reserved + this.#free} left in this invocation`);
    const fromReserved = Math.min(points.length, this.#reserved);
    this.#reserved -= fromReserved;
    this.#free -= points.length - fromReserved;
    for (const p of points) this.sink.writeDataPoint(toAeDataPoint(p));
  }
}

/** The real writer for one invocation. */
export const analyticsEngineWriter = (dataset: AnalyticsSink, budget?: number): AnalyticsWriter => new BudgetedAnalyticsWriter(dataset, budget);

/**
 * A writer that keeps what it was given: the local Analytics Engine binding stores nothing and
 * cannot be queried, so tests use this (with the same budget rules) to see what would be written.
 */
export class RecordingAnalyticsWriter extends BudgetedAnalyticsWriter {
  readonly written: AeDataPoint[];
  constructor(budget?: number, written: AeDataPoint[] = []) {
    super({ writeDataPoint: (p) => void written.push(p) }, budget);
    this.written = written;
  }
}
