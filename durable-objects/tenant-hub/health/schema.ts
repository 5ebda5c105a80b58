/**
 * The hub's fleet-health tables. `device_health` is each device's current picture (one row per
 * device that ever connected); `seq` counts its connections, so a report from an older
 * connection is recognised as stale. `connectivity_events` is the history the API pages
 * through, kept for `CONNECTIVITY_RETENTION_MS` and at most `CONNECTIVITY_MAX_EVENTS` rows.
 */
export const HEALTH_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS device_health (
     device_id TEXT PRIMARY KEY,
     seq INTEGER NOT NULL,
     connected INTEGER NOT NULL,
     connected_at INTEGER,
     last_cause TEXT,
     last_heard_at INTEGER,
     last_heartbeat_at INTEGER,
     vitals TEXT NOT NULL DEFAULT '{}',
     inputs TEXT NOT NULL,
     state TEXT NOT NULL,
     reason TEXT NOT NULL,
     since INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS connectivity_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     device_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     type TEXT NOT NULL,
     detail TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS connectivity_by_device ON connectivity_events (device_id, at, id)`,
];

export const CONNECTIVITY_RETENTION_MS = 30 * 86_400_000;
export const CONNECTIVITY_MAX_EVENTS = 200_000;
