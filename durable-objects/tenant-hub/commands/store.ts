/** Rows of the `commands` table as typed records; every write recomputes the command's deadline. */
import { nextDeadline } from "../../../domain/commands/deadlines";
import type { ResponseOutcome } from "../../../domain/commands/response";
import { DEFAULT_MAX_IN_FLIGHT } from "../../../domain/commands/deadlines";
import { isFinal, OPEN_STATUSES, type CommandStatus, type Transition } from "../../../domain/commands/states";
import type { Command } from "../../../domain/schemas/commands";

type EarlyResponse = ResponseOutcome & { at: number };

export type CommandRecord = {
  seq: number;
  id: string;
  deviceId: string;
  method: string;
  params: unknown;
  responseRequired: boolean;
  responseTimeoutMs: number;
  status: CommandStatus;
  createdAt: number;
  expiresAt: number;
  idempotencyKey: string | null;
  createdBy: { type: string; id: string | null };
  history: Transition[];
  attempts: number;
  clientId: string | null;
  packetId: number | null;
  connId: string | null;
  holUntil: number | null;
  respondBy: number | null;
  earlyResponse: EarlyResponse | null;
  outcome: ResponseOutcome | null;
};

type Row = Record<string, SqlStorageValue>;

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
const parse = <T>(v: SqlStorageValue | undefined): T | null => (v === null || v === undefined ? null : (JSON.parse(String(v)) as T));

function fromRow(r: Row): CommandRecord {
  return {
    seq: Number(r.seq),
    id: String(r.id),
    deviceId: String(r.device_id),
    method: String(r.method),
    params: parse(r.params),
    responseRequired: r.response_required === 1,
    responseTimeoutMs: Number(r.response_timeout_ms),
    status: String(r.status) as CommandStatus,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    idempotencyKey: r.idempotency_key === null ? null : String(r.idempotency_key),
    createdBy: parse(r.created_by)!,
    history: parse(r.history)!,
    attempts: Number(r.attempts),
    clientId: r.client_id === null ? null : String(r.client_id),
    packetId: r.packet_id === null ? null : Number(r.packet_id),
    connId: r.conn_id === null ? null : String(r.conn_id),
    holUntil: r.hol_until === null ? null : Number(r.hol_until),
    respondBy: r.respond_by === null ? null : Number(r.respond_by),
    earlyResponse: parse(r.early_response),
    outcome: parse(r.outcome),
  };
}

/** The command as the API shows it. */
export function toApi(c: CommandRecord): Command {
  return {
    id: c.id,
    deviceId: c.deviceId,
    method: c.method,
    params: c.params,
    responseRequired: c.responseRequired,
    responseTimeoutSeconds: c.responseTimeoutMs / 1000,
    status: c.status,
    createdAt: c.createdAt,
    expiresAt: c.expiresAt,
    idempotencyKey: c.idempotencyKey,
    createdBy: c.createdBy,
    history: c.history,
    attempts: c.attempts,
    ...(c.outcome?.status === "succeeded" ? { result: c.outcome.result } : {}),
    ...(c.outcome?.status === "failed" ? { error: c.outcome.error } : {}),
  };
}

const OPEN_LIST = OPEN_STATUSES.map((s) => `'${s}'`).join(",");

export class CommandStore {
  constructor(private readonly sql: SqlStorage) {}

  insert(c: Omit<CommandRecord, "seq">): CommandRecord {
    const row = this.sql
      .exec<Row>(
        `INSERT INTO commands (id, device_id, method, params, response_required, response_timeout_ms, status, created_at, expires_at, idempotency_key, created_by, history, deadline)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        c.id,
        c.deviceId,
        c.method,
        json(c.params),
        c.responseRequired ? 1 : 0,
        c.responseTimeoutMs,
        c.status,
        c.createdAt,
        c.expiresAt,
        c.idempotencyKey,
        JSON.stringify(c.createdBy),
        JSON.stringify(c.history),
        nextDeadline(c),
      )
      .one();
    return fromRow(row);
  }

  /** Writes what changes over a command's life; `deadline` and `ended_at` follow from it. */
  save(c: CommandRecord): void {
    const ended = isFinal(c) ? (c.history[c.history.length - 1]?.at ?? null) : null;
    this.sql.exec(
      `UPDATE commands SET status = ?, history = ?, attempts = ?, client_id = ?, packet_id = ?, conn_id = ?, hol_until = ?, respond_by = ?, early_response = ?, outcome = ?, deadline = ?, ended_at = ? WHERE seq = ?`,
      c.status,
      JSON.stringify(c.history),
      c.attempts,
      c.clientId,
      c.packetId,
      c.connId,
      c.holUntil,
      c.respondBy,
      json(c.earlyResponse),
      json(c.outcome),
      ended === null ? nextDeadline(c) : null,
      ended,
      c.seq,
    );
  }

  get(deviceId: string, id: string): CommandRecord | null {
    const row = this.sql.exec<Row>("SELECT * FROM commands WHERE id = ? AND device_id = ?", id, deviceId).toArray()[0];
    return row ? fromRow(row) : null;
  }

  byIdempotencyKey(deviceId: string, key: string, since: number): CommandRecord | null {
    const row = this.sql.exec<Row>("SELECT * FROM commands WHERE device_id = ? AND idempotency_key = ? AND created_at > ? ORDER BY seq LIMIT 1", deviceId, key, since).toArray()[0];
    return row ? fromRow(row) : null;
  }

  /** Newest first, after the cursor (a seq). */
  list(deviceId: string, status: CommandStatus | undefined, limit: number, beforeSeq: number | undefined): CommandRecord[] {
    const where = ["device_id = ?"];
    const args: SqlStorageValue[] = [deviceId];
    if (status) (where.push("status = ?"), args.push(status));
    if (beforeSeq !== undefined) (where.push("seq < ?"), args.push(beforeSeq));
    return this.sql
      .exec<Row>(`SELECT * FROM commands WHERE ${where.join(" AND ")} ORDER BY seq DESC LIMIT ?`, ...args, limit)
      .toArray()
      .map(fromRow);
  }

  /** Commands still taking a place in the device's queue. */
  openCount(deviceId: string): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM commands WHERE device_id = ? AND status IN (${OPEN_LIST})`, deviceId).one().n;
  }

  /** The device's unfinished commands in queue order. */
  open(deviceId: string): CommandRecord[] {
    return this.sql.exec<Row>(`SELECT * FROM commands WHERE device_id = ? AND deadline IS NOT NULL ORDER BY seq`, deviceId).toArray().map(fromRow);
  }

  awaitingPuback(clientId: string, packetId: number): CommandRecord | null {
    const row = this.sql.exec<Row>("SELECT * FROM commands WHERE client_id = ? AND packet_id = ? AND status = 'sent' ORDER BY seq LIMIT 1", clientId, packetId).toArray()[0];
    return row ? fromRow(row) : null;
  }

  packetIdInUse(clientId: string, packetId: number): boolean {
    return this.sql.exec("SELECT 1 FROM commands WHERE client_id = ? AND packet_id = ? AND status = 'sent' LIMIT 1", clientId, packetId).toArray().length > 0;
  }

  due(now: number, limit = 500): CommandRecord[] {
    return this.sql.exec<Row>("SELECT * FROM commands WHERE deadline IS NOT NULL AND deadline <= ? ORDER BY deadline LIMIT ?", now, limit).toArray().map(fromRow);
  }

  nextDeadline(): number | null {
    return this.sql.exec<{ d: number | null }>("SELECT MIN(deadline) AS d FROM commands WHERE deadline IS NOT NULL").one().d;
  }

  /** Commands the device may have in flight at once. */
  maxInFlight(deviceId: string): number {
    return this.sql.exec<{ n: number }>("SELECT max_in_flight AS n FROM command_settings WHERE device_id = ?", deviceId).toArray()[0]?.n ?? DEFAULT_MAX_IN_FLIGHT;
  }

  setMaxInFlight(deviceId: string, n: number): void {
    if (n === DEFAULT_MAX_IN_FLIGHT) this.sql.exec("DELETE FROM command_settings WHERE device_id = ?", deviceId);
    else this.sql.exec("INSERT INTO command_settings (device_id, max_in_flight) VALUES (?, ?) ON CONFLICT (device_id) DO UPDATE SET max_in_flight = excluded.max_in_flight", deviceId, n);
  }

  /** A deleted device takes its settings and its finished commands with it (its open ones were canceled). */
  forgetDevice(deviceId: string): void {
    this.sql.exec("DELETE FROM command_settings WHERE device_id = ?", deviceId);
    this.sql.exec("DELETE FROM commands WHERE device_id = ? AND deadline IS NULL", deviceId);
  }

  /** Forgets finished commands older than `before`. */
  prune(before: number): number {
    return this.sql.exec("DELETE FROM commands WHERE ended_at IS NOT NULL AND ended_at < ?", before).rowsWritten;
  }
}
