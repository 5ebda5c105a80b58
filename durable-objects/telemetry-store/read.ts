/**
 * Reads from the hot store: series (raw or rolled up), latest values, export pages, the live
 * tail and the rejected-messages log. Every range query walks one series at a time through its
 * primary key or the (device, metric, ts) index, so cost follows the rows returned.
 */
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../../domain/schemas/common";
import { aggregateValue, BUCKET_MS, coveredRange, foldCells, type RollupCell, type Series, type SeriesQuery, type SeriesResult } from "../../domain/telemetry/query";
import type { RejectedMessage, RejectionReason } from "../../domain/telemetry/rejections";
import type { ExportPageInput, ExportRow, LatestResult, RejectedListInput, TailInput, TailResult } from "./rpc";
import { ROLLUP_TABLES, valueOf } from "./schema";

type ValueRow = { num: number | null; str: string | null; kind: number };
type RollupRow = { bucket: number; v_min: number; v_max: number; v_sum: number; n: number; v_last: number; last_ts: number };

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const alignDown = (ts: number, width: number) => Math.floor(ts / width) * width;
const toCell = (r: RollupRow): RollupCell => ({ min: r.v_min, max: r.v_max, sum: r.v_sum, count: r.n, last: r.v_last, lastTs: r.last_ts });

/** The series a query covers: the requested device × metric pairs, or every metric seen for the devices. */
export function seriesOf(sql: SqlStorage, devices: string[], metrics: string[]): { device: string; metric: string }[] {
  if (metrics.length > 0) return devices.flatMap((device) => metrics.map((metric) => ({ device, metric })));
  return sql.exec<{ device: string; metric: string }>(`SELECT device, metric FROM latest WHERE device IN (${placeholders(devices.length)}) ORDER BY device, metric`, ...devices).toArray();
}

function rawSeries(sql: SqlStorage, s: { device: string; metric: string }, q: SeriesQuery): Series {
  const rows = sql.exec<ValueRow & { ts: number }>("SELECT ts, num, str, kind FROM points WHERE device = ? AND metric = ? AND ts >= ? AND ts < ? ORDER BY ts, id LIMIT ?", s.device, s.metric, q.from, q.to, q.limit + 1).toArray();
  return { ...s, points: rows.slice(0, q.limit).map((r) => ({ ts: r.ts, value: valueOf(r) })), truncated: rows.length > q.limit };
}

function rolledSeries(sql: SqlStorage, s: { device: string; metric: string }, q: SeriesQuery): Series {
  const bucket = q.bucket as Exclude<SeriesQuery["bucket"], "raw">;
  const width = BUCKET_MS[bucket];
  // Days are folded from hours: no separate daily table to maintain.
  const table = bucket === "1m" ? ROLLUP_TABLES["1m"] : ROLLUP_TABLES["1h"];
  const sourceWidth = bucket === "1m" ? BUCKET_MS["1m"] : BUCKET_MS["1h"];
  const rowLimit = (q.limit + 1) * (width / sourceWidth);
  const range = coveredRange(bucket, q.from, q.to);
  const rows = sql
    .exec<RollupRow>(`SELECT bucket, v_min, v_max, v_sum, n, v_last, last_ts FROM ${table} WHERE device = ? AND metric = ? AND bucket >= ? AND bucket < ? ORDER BY bucket LIMIT ?`, s.device, s.metric, range.from, range.to, rowLimit)
    .toArray();
  const cells = new Map<number, RollupCell>();
  for (const r of rows) {
    const start = alignDown(r.bucket, width);
    const prev = cells.get(start);
    cells.set(start, prev ? foldCells(prev, toCell(r)) : toCell(r));
  }
  const points = [...cells.entries()].map(([ts, cell]) => ({ ts, value: aggregateValue(cell, q.agg) }));
  return { ...s, points: points.slice(0, q.limit), truncated: points.length > q.limit };
}

export function series(sql: SqlStorage, q: SeriesQuery): SeriesResult {
  return { series: seriesOf(sql, q.devices, q.metrics).map((s) => (q.bucket === "raw" ? rawSeries(sql, s, q) : rolledSeries(sql, s, q))) };
}

export function latest(sql: SqlStorage, device: string, metrics: string[]): LatestResult {
  const filter = metrics.length ? ` AND metric IN (${placeholders(metrics.length)})` : "";
  const rows = sql.exec<ValueRow & { metric: string; ts: number }>(`SELECT metric, ts, num, str, kind FROM latest WHERE device = ?${filter} ORDER BY metric`, device, ...metrics).toArray();
  return { device, values: Object.fromEntries(rows.map((r) => [r.metric, { ts: r.ts, value: valueOf(r) }])) };
}

/**
 * The newest value per metric of each device, in one query (lists passed as JSON: a statement
 * binds at most 100 parameters). Devices without values are absent from the map.
 */
export function latestMany(sql: SqlStorage, devices: string[], metrics: string[]): Map<string, LatestResult["values"]> {
  const filter = metrics.length ? " AND metric IN (SELECT value FROM json_each(?))" : "";
  const args = metrics.length ? [JSON.stringify(devices), JSON.stringify(metrics)] : [JSON.stringify(devices)];
  const rows = sql
    .exec<ValueRow & { device: string; metric: string; ts: number }>(`SELECT device, metric, ts, num, str, kind FROM latest WHERE device IN (SELECT value FROM json_each(?))${filter} ORDER BY device, metric`, ...args)
    .toArray();
  const out = new Map<string, LatestResult["values"]>();
  for (const r of rows) {
    let values = out.get(r.device);
    if (!values) out.set(r.device, (values = {}));
    values[r.metric] = { ts: r.ts, value: valueOf(r) };
  }
  return out;
}

/** Rejected messages received at or after `since` that the (bounded) log still holds. */
export function rejectedCountSince(sql: SqlStorage, since: number): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM rejected WHERE received_at >= ?", since).one().n;
}

export function exportPage(sql: SqlStorage, q: z.infer<typeof ExportPageInput>): { rows: ExportRow[]; next: { ts: number; id: number } | null } {
  const after = q.after ? " AND (ts > ? OR (ts = ? AND id > ?))" : "";
  const args = q.after ? [q.after.ts, q.after.ts, q.after.id] : [];
  const rows = sql
    .exec<ValueRow & { id: number; ts: number; unit: string | null; msg_id: string; seq: number }>(
      `SELECT id, ts, num, str, kind, unit, msg_id, seq FROM points WHERE device = ? AND metric = ? AND ts >= ? AND ts < ?${after} ORDER BY ts, id LIMIT ?`,
      q.device,
      q.metric,
      q.from,
      q.to,
      ...args,
      q.limit,
    )
    .toArray()
    .map((r) => ({ id: r.id, device: q.device, metric: q.metric, ts: r.ts, value: valueOf(r), unit: r.unit, msgId: r.msg_id, seq: r.seq }));
  const last = rows[rows.length - 1];
  return { rows, next: rows.length === q.limit && last ? { ts: last.ts, id: last.id } : null };
}

/** Points inserted after `afterId` (in insertion order); without one, just where "now" is. */
export function tail(sql: SqlStorage, q: z.infer<typeof TailInput>): TailResult {
  if (q.afterId === null) {
    const top = sql.exec<{ id: number | null }>("SELECT max(id) AS id FROM points").toArray()[0];
    return { rows: [], lastId: top?.id ?? 0 };
  }
  const metricFilter = q.metrics.length ? ` AND metric IN (${placeholders(q.metrics.length)})` : "";
  // The newest id now: rows of other devices up to here need not be scanned again.
  const scanned = sql.exec<{ id: number | null }>("SELECT max(id) AS id FROM points").toArray()[0]?.id ?? q.afterId;
  const rows = sql
    .exec<ValueRow & { id: number; device: string; metric: string; ts: number }>(
      `SELECT id, device, metric, ts, num, str, kind FROM points WHERE id > ? AND id <= ? AND device IN (${placeholders(q.devices.length)})${metricFilter} ORDER BY id LIMIT ?`,
      q.afterId,
      scanned,
      ...q.devices,
      ...q.metrics,
      q.limit,
    )
    .toArray()
    .map((r) => ({ id: r.id, device: r.device, metric: r.metric, ts: r.ts, value: valueOf(r) }));
  // A full page stops at its last row; otherwise everything up to `scanned` has been looked at.
  return { rows, lastId: rows.length === q.limit ? rows[rows.length - 1]!.id : scanned };
}

export function rejectedLog(sql: SqlStorage, q: z.infer<typeof RejectedListInput>): { items: RejectedMessage[]; nextCursor: string | null } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.cursor) {
    // The route checked the cursor (ApiCursor); a position that is no id matches nothing rather than everything.
    const before = Number(decodeCursor(q.cursor));
    (where.push("id < ?"), args.push(Number.isSafeInteger(before) ? before : 0));
  }
  if (q.reason) (where.push("reason = ?"), args.push(q.reason));
  // A device finds the messages about it and the messages it published (a gateway's for its children).
  if (q.device) (where.push("(device = ? OR publisher = ?)"), args.push(q.device, q.device));
  const rows = sql
    .exec<{ id: number; msg_id: string; received_at: number; reason: string; detail: string; device: string | null; publisher: string | null; topic: string; excerpt: string; trace_id: string | null }>(
      `SELECT id, msg_id, received_at, reason, detail, device, publisher, topic, excerpt, trace_id FROM rejected${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`,
      ...args,
      q.limit + 1,
    )
    .toArray();
  const items = rows
    .slice(0, q.limit)
    .map((r) => ({ msgId: r.msg_id, receivedAt: r.received_at, reason: r.reason as RejectionReason, detail: r.detail, device: r.device, publisher: r.publisher, topic: r.topic, payloadExcerpt: r.excerpt, traceId: r.trace_id }));
  const last = rows[q.limit - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(String(last.id)) : null };
}
