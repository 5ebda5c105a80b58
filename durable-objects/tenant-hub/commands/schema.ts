/**
 * The hub's command table (in the hub's own SQLite, so commands survive restarts, hibernation and
 * deploys), and per-device settings. `seq` orders a device's queue; `deadline` is the next time the alarm must look at a
 * command (null once nothing more happens to it by itself); `client_id`/`packet_id`/`conn_id`
 * say where a `sent` command is waiting for its PUBACK.
 */
export const COMMAND_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS commands (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     device_id TEXT NOT NULL,
     method TEXT NOT NULL,
     params TEXT,
     response_required INTEGER NOT NULL,
     response_timeout_ms INTEGER NOT NULL,
     status TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     idempotency_key TEXT,
     created_by TEXT NOT NULL,
     history TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     client_id TEXT,
     packet_id INTEGER,
     conn_id TEXT,
     hol_until INTEGER,
     respond_by INTEGER,
     early_response TEXT,
     outcome TEXT,
     deadline INTEGER,
     ended_at INTEGER)`,
  `CREATE INDEX IF NOT EXISTS commands_by_device ON commands (device_id, seq)`,
  // Per-device settings; a device without a row has the defaults (one command in flight).
  `CREATE TABLE IF NOT EXISTS command_settings (device_id TEXT PRIMARY KEY, max_in_flight INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS commands_by_deadline ON commands (deadline) WHERE deadline IS NOT NULL`,
  `CREATE INDEX IF NOT EXISTS commands_by_key ON commands (device_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
  `CREATE INDEX IF NOT EXISTS commands_awaiting_puback ON commands (client_id, packet_id) WHERE status = 'sent'`,
  `CREATE INDEX IF NOT EXISTS commands_ended ON commands (ended_at) WHERE ended_at IS NOT NULL`,
];
