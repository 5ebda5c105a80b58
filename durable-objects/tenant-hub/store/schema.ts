/**
 * The hub's own SQLite (Durable Object storage): persistent sessions, their subscriptions and
 * queued/in-flight messages, retained messages, pending wills and inbound topic aliases.
 * Everything a connection or session needs to survive hibernation or a
 * restart of the hub lives here or in the WebSocket attachment.
 */
import { readMeta, runStatements, writeMeta } from "../../shared/sqlite";
import { COMMAND_STATEMENTS } from "../commands/schema";
import { HEALTH_STATEMENTS } from "../health/schema";
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS sessions (
     client_id TEXT PRIMARY KEY,
     principal TEXT NOT NULL,
     mountpoint TEXT NOT NULL DEFAULT '',
     protocol_level INTEGER NOT NULL,
     expiry_interval INTEGER NOT NULL,
     conn_id TEXT,
     disconnected_at INTEGER,
     next_packet_id INTEGER NOT NULL DEFAULT 1)`,
  `CREATE TABLE IF NOT EXISTS subscriptions (
     client_id TEXT NOT NULL,
     filter TEXT NOT NULL,
     qos INTEGER NOT NULL,
     no_local INTEGER NOT NULL,
     retain_as_published INTEGER NOT NULL,
     retain_handling INTEGER NOT NULL,
     subscription_id INTEGER,
     PRIMARY KEY (client_id, filter))`,
  // Outbound messages per session: `queued` (not sent yet), `sent` (PUBLISH sent, waiting for
  // PUBACK/PUBREC), `released` (PUBREL sent, waiting for PUBCOMP).
  `CREATE TABLE IF NOT EXISTS messages (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     client_id TEXT NOT NULL,
     state TEXT NOT NULL,
     packet_id INTEGER,
     topic TEXT NOT NULL,
     payload BLOB NOT NULL,
     qos INTEGER NOT NULL,
     retain INTEGER NOT NULL,
     properties TEXT,
     expires_at INTEGER,
     created_at INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS messages_by_client ON messages (client_id, state, id)`,
  `CREATE TABLE IF NOT EXISTS inbound_qos2 (client_id TEXT NOT NULL, packet_id INTEGER NOT NULL, PRIMARY KEY (client_id, packet_id))`,
  `CREATE TABLE IF NOT EXISTS retained (topic TEXT PRIMARY KEY, payload BLOB NOT NULL, qos INTEGER NOT NULL, properties TEXT, expires_at INTEGER, updated_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS wills (
     client_id TEXT PRIMARY KEY,
     topic TEXT NOT NULL,
     payload BLOB NOT NULL,
     qos INTEGER NOT NULL,
     retain INTEGER NOT NULL,
     properties TEXT,
     delay_seconds INTEGER NOT NULL,
     fire_at INTEGER)`,
  `CREATE TABLE IF NOT EXISTS inbound_aliases (conn_id TEXT NOT NULL, alias INTEGER NOT NULL, topic TEXT NOT NULL, PRIMARY KEY (conn_id, alias))`,
];

/**
 * Statements are idempotent (`IF NOT EXISTS`); there is no versioned migration step. A hub created
 * before the per-session `dropped` counter was removed keeps that column: nothing reads or writes it
 * (every insert names its columns and it has a default), and the drops are in the hub's stats instead.
 */
export function migrate(sql: SqlStorage): void {
  runStatements(sql, [...STATEMENTS, ...COMMAND_STATEMENTS, ...HEALTH_STATEMENTS]);
}

export { readMeta, writeMeta };
