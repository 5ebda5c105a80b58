/**
 * The hot store's alarm tables (in the tenant's store SQLite, beside the points they judge).
 *
 * - `alarm_rules`: the tenant's rules as last pushed by the API (the store never reads D1).
 * - `alarm_state`: evaluator state per rule and device; `silence_deadline` indexes when a silence
 *   rule's alarm falls due, so the store's alarm can be set to the earliest one.
 * - `alarms`: the alarms; the partial unique index allows one active alarm per (rule, device),
 *   whatever arrives at once.
 * - `alarm_outbox`: events written in the transaction that caused them, sent to the
 *   notifications queue after it commits (and retried from the store's alarm until sent).
 */
import { runStatements } from "../../shared/sqlite";

const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS alarm_rules (id TEXT PRIMARY KEY, body TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS alarm_state (
     rule_id TEXT NOT NULL, device TEXT NOT NULL, state TEXT NOT NULL, silence_deadline INTEGER,
     PRIMARY KEY (rule_id, device)) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS alarm_state_silence ON alarm_state (silence_deadline) WHERE silence_deadline IS NOT NULL`,
  `CREATE TABLE IF NOT EXISTS alarms (
     id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, rule_name TEXT NOT NULL, device TEXT NOT NULL, metric TEXT,
     severity TEXT NOT NULL, status TEXT NOT NULL, acknowledged INTEGER NOT NULL DEFAULT 0, ack_by TEXT, ack_at INTEGER,
     raised_at INTEGER NOT NULL, value TEXT, details TEXT NOT NULL, cleared_at INTEGER, cleared_by TEXT)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS alarms_one_active ON alarms (rule_id, device) WHERE status = 'active'`,
  `CREATE INDEX IF NOT EXISTS alarms_device ON alarms (device, id)`,
  `CREATE TABLE IF NOT EXISTS alarm_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL)`,
];

export function migrateAlarms(sql: SqlStorage): void {
  runStatements(sql, STATEMENTS);
}
