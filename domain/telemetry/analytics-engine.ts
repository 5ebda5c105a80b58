/**
 * Writing points to Workers Analytics Engine, the long-term store (three months).
 *
 * The platform's limits (developers.cloudflare.com/analytics/analytics-engine/limits/):
 * up to 20 blobs, 20 doubles and 1 index per data point; the blobs of one data point together at
 * most 16 KB; an index at most 96 bytes; at most 250 data points per Worker invocation. Local
 * development enforces none of them, so they are enforced here: points are packed into data
 * points that fit by construction (ae-layout.ts), and a writer is created per invocation with a
 * budget of 250 data points.
 */
import { AE_LIMITS, type AeChunk, type AeDataPoint } from "./ae-layout";

export { AE_LIMITS, packPoints, type AeDataPoint } from "./ae-layout";

/** The part of the Analytics Engine binding the writer uses. */
export interface AnalyticsSink {
  writeDataPoint(point: AeDataPoint): void;
}

/**
 * Writes data points within one invocation's budget. Callers that must do something between
 * deciding how much fits and writing it (enqueue the overflow first) reserve first, so concurrent
 * work in the same invocation cannot take the budget in between.
 */
export interface AnalyticsWriter {
  /** Data points this invocation may still write or reserve. */
  readonly remaining: number;
  /** Sets aside up to `wanted` data points for a later write; returns how many were granted. */
  reserve(wanted: number): number;
  /** Writes all of `chunks` against earlier reservations, then the free budget; throws beyond both. */
  write(chunks: readonly AeChunk[]): void;
}

class BudgetedAnalyticsWriter implements AnalyticsWriter {
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
  write(chunks: readonly AeChunk[]): void {
    if (chunks.length > this.#reserved + this.#free) throw new RangeError(`${chunks.length} data points exceed the ${this.#reserved + this.#free} left in this invocation`);
    const fromReserved = Math.min(chunks.length, this.#reserved);
    this.#reserved -= fromReserved;
    this.#free -= chunks.length - fromReserved;
    for (const c of chunks) this.sink.writeDataPoint(c.dataPoint);
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
