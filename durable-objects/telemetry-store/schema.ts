/**
 * The hot store's SQLite (one database per tenant).
 *
 * - `ledger`: every message seen, by msgId: the idempotency record (a redelivered message is
 *   recognised and skipped as a whole) and the export state (`exported` once Analytics Engine
 *   and usage have been written for it, so a crash in between re-exports instead of losing).
 * - `points`: raw points, unique on (msg_id, seq); `id` grows with every insert, which the live
 *   stream uses as its cursor.
 * - `rollup_1m`, `rollup_1h`: min, max, sum, count and last value (with its time) per series
 *   and bucket start, maintained on insert for numeric and boolean (1/0) values.
 * - `latest`: the newest value per series.
 * - `rejected`: the bounded log of rejected messages: the device concerned and the client that
 *   published (a gateway reporting for a child: the child and the gateway).
 */
import { readMeta, runStatements, writeMeta } from "../shared/sqlite";

const ROLLUP_COLUMNS = `device TEXT NOT NULL, metric TEXT NOT NULL, bucket INTEGER NOT NULL,
     v_min REAL NOT NULL, v_max REAL NOT NULL, v_sum REAL NOT NULL, n INTEGER NOT NULL, v_last REAL NOT NULL, last_ts INTEGER NOT NULL,
     PRIMARY KEY (device, metric, bucket)`;

const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ledger (msg_id TEXT PRIMARY KEY, received_at INTEGER NOT NULL, exported INTEGER NOT NULL DEFAULT 0)`,
  `CREATE INDEX IF NOT EXISTS ledger_received ON ledger (received_at)`,
  `CREATE TABLE IF NOT EXISTS points (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     device TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL,
     num REAL, str TEXT, kind INTEGER NOT NULL, unit TEXT,
     msg_id TEXT NOT NULL, seq INTEGER NOT NULL,
     UNIQUE (msg_id, seq))`,
  `CREATE INDEX IF NOT EXISTS points_series ON points (device, metric, ts)`,
  `CREATE TABLE IF NOT EXISTS rollup_1m (${ROLLUP_COLUMNS}) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS rollup_1h (${ROLLUP_COLUMNS}) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS latest (device TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL, num REAL, str TEXT, kind INTEGER NOT NULL, PRIMARY KEY (device, metric)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS rejected (
     id INTEGER PRIMARY KEY AUTOINCREMENT, msg_id TEXT NOT NULL UNIQUE, received_at INTEGER NOT NULL,
     reason TEXT NOT NULL, detail TEXT NOT NULL, device TEXT, topic TEXT NOT NULL, excerpt TEXT NOT NULL, publisher TEXT)`,
];

export const ROLLUP_TABLES = { "1m": "rollup_1m", "1h": "rollup_1h" } as const;

export function migrate(sql: SqlStorage): void {
  runStatements(sql, STATEMENTS);
  // Stores created before the log named the publishing client get the column (older rows: null).
  const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('rejected')").toArray();
  if (!columns.some((c) => c.name === "publisher")) sql.exec("ALTER TABLE rejected ADD COLUMN publisher TEXT");
  // And the message's trace id (traces.ts; older rows: null).
  if (!columns.some((c) => c.name === "trace_id")) sql.exec("ALTER TABLE rejected ADD COLUMN trace_id TEXT");
}

/** Value columns: numbers as num (kind 0), booleans as num 1/0 (kind 1), strings as str (kind 2). */
export function valueColumns(value: number | boolean | string): { num: number | null; str: string | null; kind: 0 | 1 | 2 } {
  if (typeof value === "number") return { num: value, str: null, kind: 0 };
  if (typeof value === "boolean") return { num: value ? 1 : 0, str: null, kind: 1 };
  return { num: null, str: value, kind: 2 };
}

export function valueOf(row: { num: number | null; str: string | null; kind: number }): number | boolean | string {
  if (row.kind === 2) return row.str ?? "";
  if (row.kind === 1) return row.num === 1;
  return row.num ?? 0;
}

export { readMeta, writeMeta };
