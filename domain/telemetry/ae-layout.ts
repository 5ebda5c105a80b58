/**
 * How telemetry is laid out in Analytics Engine data points, both ways: packing points into
 * data points (the writer) and unpacking a data point's readings (the SQL backend).
 *
 * One data point carries the readings of one series (device, metric, unit) within one UTC
 * minute, plus their numeric aggregates. Why packed and not one data point per reading: an
 * invocation may write 250 data points, which a single backlog flush (or one queue batch) easily
 * exceeds, and every data point is billed alike however much it carries. A minute is the finest
 * rollup bucket, and 1 h and 1 d are whole multiples of it, so a data point never straddles a
 * bucket of any width: bucketed queries aggregate the pre-aggregated columns exactly, and raw
 * queries unpack the readings blob.
 *
 *   index1  tenant id (AE samples per index, so one busy tenant never thins out another's data)
 *   blob1 device · blob2 metric · blob3 unit
 *   blob4 readings, JSON `[[dt, value, m, seq], …]`: dt = ms after the minute, value as sent
 *         (number, boolean, string), m = index into blob5/blob6, seq = index in its message
 *   blob5 message ids, JSON array · blob6 their trace ids, same order
 *   double1 minute start (ms) · double2 numeric readings (booleans count as 1/0) · double3 sum ·
 *   double4 min · double5 max · double6 last numeric value · double7 its reading time ·
 *   double8 readings of any kind
 *
 * A series with more readings in a minute than fit in 16 KB of blobs gets several data points
 * for that minute; their aggregates combine like any others.
 */
import { z } from "zod";
import { utf8Bytes, TelemetryValue, type TelemetryPoint } from "./points";

export const AE_LIMITS = {
  dataPointsPerInvocation: 250,
  blobsPerDataPoint: 20,
  doublesPerDataPoint: 20,
  blobBytesPerDataPoint: 16 * 1024,
  indexBytes: 96,
} as const;

export const AE_MINUTE_MS = 60_000;

export type AeDataPoint = { indexes: [string]; blobs: string[]; doubles: number[] };

/** A data point and the points it carries (what goes back on the queue when it cannot be written now). */
export type AeChunk = { dataPoint: AeDataPoint; points: TelemetryPoint[] };

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

const numericOf = (v: TelemetryPoint["value"]) => (typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : null);

class ChunkBuilder {
  readonly points: TelemetryPoint[] = [];
  private readonly entries: string[] = [];
  private readonly msgIndex = new Map<string, number>();
  private readonly msgIds: string[] = [];
  private readonly traceIds: string[] = [];
  /** UTF-8 bytes of all blobs as they would be written now. */
  bytes: number;
  private numeric = { count: 0, sum: 0, min: 0, max: 0, last: 0, lastTs: 0 };

  constructor(
    private readonly first: TelemetryPoint,
    readonly minute: number,
  ) {
    // device, metric, unit, and the three empty JSON arrays.
    this.bytes = utf8Bytes(first.device) + utf8Bytes(first.metric) + utf8Bytes(first.unit ?? "") + 6;
  }

  /**
   * The entry for `p` and the blob bytes it adds here. A string value too long for even an empty
   * data point is cut (only in an empty one: elsewhere the point moves to a fresh data point).
   */
  cost(p: TelemetryPoint): { entry: string; bytes: number } {
    const known = this.msgIndex.get(p.msgId);
    const m = known ?? this.msgIds.length;
    const sep = this.points.length ? 1 : 0;
    const ids = known === undefined ? utf8Bytes(JSON.stringify(p.msgId)) + utf8Bytes(JSON.stringify(p.traceId)) + 2 * sep : 0;
    let entry = JSON.stringify([p.ts - this.minute, p.value, m, p.seq]);
    let bytes = utf8Bytes(entry);
    const room = AE_LIMITS.blobBytesPerDataPoint - this.bytes - ids - sep;
    if (typeof p.value === "string" && bytes > room && this.points.length === 0) {
      // Six bytes per character covers JSON's worst escape (\u0000), so the cut always fits.
      entry = JSON.stringify([p.ts - this.minute, truncateUtf8(p.value, Math.max(0, Math.floor((room - 64) / 6))), m, p.seq]);
      bytes = utf8Bytes(entry);
    }
    return { entry, bytes: bytes + sep + ids };
  }

  fits(cost: { bytes: number }): boolean {
    return this.bytes + cost.bytes <= AE_LIMITS.blobBytesPerDataPoint;
  }

  add(p: TelemetryPoint, cost: { entry: string; bytes: number }): void {
    if (!this.msgIndex.has(p.msgId)) {
      this.msgIndex.set(p.msgId, this.msgIds.length);
      this.msgIds.push(p.msgId);
      this.traceIds.push(p.traceId);
    }
    this.entries.push(cost.entry);
    this.points.push(p);
    this.bytes += cost.bytes;
    const v = numericOf(p.value);
    if (v === null) return;
    const n = this.numeric;
    if (n.count === 0) Object.assign(n, { min: v, max: v, last: v, lastTs: p.ts });
    n.count++;
    n.sum += v;
    n.min = Math.min(n.min, v);
    n.max = Math.max(n.max, v);
    if (p.ts >= n.lastTs) [n.last, n.lastTs] = [v, p.ts];
  }

  build(): AeChunk {
    const p = this.first;
    const n = this.numeric;
    const blobs = [p.device, p.metric, p.unit ?? "", `[${this.entries.join(",")}]`, JSON.stringify(this.msgIds), JSON.stringify(this.traceIds)];
    return { dataPoint: { indexes: [p.tenant], blobs, doubles: [this.minute, n.count, n.sum, n.min, n.max, n.last, n.lastTs, this.points.length] }, points: this.points };
  }
}

/**
 * Packs points into as few data points as the layout allows, each within AE's per-data-point
 * limits by construction. Order of first appearance is kept, so what spills is the newest.
 */
export function packPoints(points: readonly TelemetryPoint[]): AeChunk[] {
  const open = new Map<string, ChunkBuilder>();
  const done: ChunkBuilder[] = [];
  for (const p of points) {
    if (utf8Bytes(p.tenant) > AE_LIMITS.indexBytes) throw new RangeError("tenant id longer than an Analytics Engine index");
    const minute = Math.floor(p.ts / AE_MINUTE_MS) * AE_MINUTE_MS;
    const key = `${p.tenant}\u0000${p.device}\u0000${p.metric}\u0000${p.unit ?? ""}\u0000${minute}`;
    let chunk = open.get(key);
    let cost = chunk?.cost(p);
    if (!chunk || !cost || !chunk.fits(cost)) {
      chunk = new ChunkBuilder(p, minute);
      open.set(key, chunk);
      done.push(chunk);
      cost = chunk.cost(p);
    }
    chunk.add(p, cost);
  }
  return done.map((c) => c.build());
}

/** One reading as blob4 holds it. */
const PackedReading = z.tuple([z.number(), TelemetryValue, z.number().int().nonnegative(), z.number().int().nonnegative()]);
const PackedReadings = z.array(PackedReading);

export class AeLayoutError extends Error {
  override readonly name = "AeLayoutError";
}

/** The readings of one data point (minute start from double1, blob4 as text), in time order. */
export function unpackReadings(minute: number, readings: string): { ts: number; value: TelemetryValue }[] {
  let json: unknown;
  try {
    json = JSON.parse(readings);
  } catch {
    throw new AeLayoutError("a data point's readings blob is not JSON");
  }
  const parsed = PackedReadings.safeParse(json);
  if (!parsed.success) throw new AeLayoutError("a data point's readings blob does not match the layout");
  return parsed.data.map(([dt, value]) => ({ ts: minute + dt, value })).sort((a, b) => a.ts - b.ts);
}
