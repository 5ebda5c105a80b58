/**
 * Idempotent ingestion. One call stores a tenant's share of a queue batch in one transaction:
 * a message already in the ledger is skipped as a whole, so a redelivered batch (or a re-driven
 * dead letter) never adds a point twice and never counts one twice in a rollup. Rollups are
 * accumulated in memory for the points actually inserted, then written with one upsert per
 * series and bucket.
 */
import { BUCKET_MS } from "../../domain/telemetry/query";
import { REJECTED_LOG_CAPACITY } from "../../domain/telemetry/rejections";
import type { IngestInput, IngestResult, StoredPoint } from "./rpc";
import { ROLLUP_TABLES, valueColumns } from "./schema";

type Cell = { device: string; metric: string; bucket: number; min: number; max: number; sum: number; n: number; last: number; lastTs: number };
type Latest = { device: string; metric: string; ts: number; num: number | null; str: string | null; kind: number };

class RollupAccumulator {
  readonly cells = new Map<string, Cell>();
  constructor(readonly width: number) {}
  add(device: string, metric: string, ts: number, value: number) {
    const bucket = Math.floor(ts / this.width) * this.width;
    const key = `${device}\u0000${metric}\u0000${bucket}`;
    const c = this.cells.get(key);
    if (!c) return void this.cells.set(key, { device, metric, bucket, min: value, max: value, sum: value, n: 1, last: value, lastTs: ts });
    c.min = Math.min(c.min, value);
    c.max = Math.max(c.max, value);
    c.sum += value;
    c.n += 1;
    if (ts >= c.lastTs) [c.last, c.lastTs] = [value, ts];
  }
}

function upsertRollups(sql: SqlStorage, table: string, cells: Iterable<Cell>) {
  for (const c of cells) {
    // SET expressions all read the row as it was, so `last_ts` in the CASE is the old value.
    sql.exec(
      `INSERT INTO ${table} (device, metric, bucket, v_min, v_max, v_sum, n, v_last, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (device, metric, bucket) DO UPDATE SET
         v_min = min(v_min, excluded.v_min), v_max = max(v_max, excluded.v_max), v_sum = v_sum + excluded.v_sum, n = n + excluded.n,
         v_last = CASE WHEN excluded.last_ts >= last_ts THEN excluded.v_last ELSE v_last END,
         last_ts = max(last_ts, excluded.last_ts)`,
      c.device,
      c.metric,
      c.bucket,
      c.min,
      c.max,
      c.sum,
      c.n,
      c.last,
      c.lastTs,
    );
  }
}

function upsertLatest(sql: SqlStorage, latest: Iterable<Latest>) {
  for (const l of latest) {
    sql.exec(
      `INSERT INTO latest (device, metric, ts, num, str, kind) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (device, metric) DO UPDATE SET ts = excluded.ts, num = excluded.num, str = excluded.str, kind = excluded.kind
       WHERE excluded.ts >= latest.ts`,
      l.device,
      l.metric,
      l.ts,
      l.num,
      l.str,
      l.kind,
    );
  }
}

/**
 * All of a message's points in one statement: the rows travel as one JSON parameter and
 * SQLite unpacks them (json_each), instead of one statement per point (a statement may bind
 * at most 100 parameters, and per-statement overhead dominated ingestion). Only called for a
 * message the ledger has just recorded as new, so every point is new: a conflict on
 * (msg_id, seq) means a caller sent one seq twice, and the whole call fails (its transaction
 * rolls back) rather than storing part of a message.
 */
function insertPoints(sql: SqlStorage, msgId: string, points: StoredPoint[], minute: RollupAccumulator, hour: RollupAccumulator, latest: Map<string, Latest>): number {
  const rows: unknown[][] = [];
  for (const p of points) {
    const v = valueColumns(p.value);
    rows.push([p.device, p.metric, p.ts, v.num, v.str, v.kind, p.unit, p.seq]);
    if (v.num !== null) {
      minute.add(p.device, p.metric, p.ts, v.num);
      hour.add(p.device, p.metric, p.ts, v.num);
    }
    const key = `${p.device}\u0000${p.metric}`;
    const seen = latest.get(key);
    if (!seen || p.ts >= seen.ts) latest.set(key, { device: p.device, metric: p.metric, ts: p.ts, ...v });
  }
  if (rows.length === 0) return 0;
  // No ON CONFLICT: the unique index on (msg_id, seq) turns a repeated seq into an error.
  sql.exec(
    `INSERT INTO points (device, metric, ts, num, str, kind, unit, msg_id, seq)
     SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6, ?, r.value ->> 7
     FROM json_each(?) AS r ORDER BY r.key`,
    msgId,
    JSON.stringify(rows),
  );
  return rows.length;
}

/** Runs inside the caller's transaction. `inserted` collects the points actually stored, in order (alarm evaluation reads them). */
export function ingest(sql: SqlStorage, input: IngestInput, inserted: StoredPoint[] = []): Omit<IngestResult, "databaseBytes"> {
  const minute = new RollupAccumulator(BUCKET_MS["1m"]);
  const hour = new RollupAccumulator(BUCKET_MS["1h"]);
  const latest = new Map<string, Latest>();
  const pending: string[] = [];
  let insertedCount = 0;
  let rejected = 0;

  for (const m of input.messages) {
    const fresh = sql.exec("INSERT INTO ledger (msg_id, received_at) VALUES (?, ?) ON CONFLICT (msg_id) DO NOTHING", m.msgId, m.receivedAt).rowsWritten > 0;
    if (!fresh) {
      const row = sql.exec<{ exported: number }>("SELECT exported FROM ledger WHERE msg_id = ?", m.msgId).toArray()[0];
      if (row?.exported === 0) pending.push(m.msgId);
      continue;
    }
    pending.push(m.msgId);
    if (m.outcome.kind === "points") {
      insertedCount += insertPoints(sql, m.msgId, m.outcome.points, minute, hour, latest);
      inserted.push(...m.outcome.points);
    }
    if (m.outcome.kind === "rejected") {
      const o = m.outcome;
      sql.exec(
        "INSERT INTO rejected (msg_id, received_at, reason, detail, device, publisher, topic, excerpt, trace_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (msg_id) DO NOTHING",
        m.msgId,
        m.receivedAt,
        o.reason,
        o.detail,
        o.device,
        o.publisher ?? null,
        o.topic,
        o.payloadExcerpt,
        m.trace?.traceId ?? null,
      );
      rejected++;
    }
  }
  upsertRollups(sql, ROLLUP_TABLES["1m"], minute.cells.values());
  upsertRollups(sql, ROLLUP_TABLES["1h"], hour.cells.values());
  upsertLatest(sql, latest.values());
  // The log is bounded: the newest entries win.
  if (rejected > 0) sql.exec("DELETE FROM rejected WHERE id <= (SELECT max(id) FROM rejected) - ?", REJECTED_LOG_CAPACITY);
  return { pending, inserted: insertedCount };
}

export function markExported(sql: SqlStorage, msgIds: string[]): void {
  for (const id of msgIds) sql.exec("UPDATE ledger SET exported = 1 WHERE msg_id = ?", id);
}
