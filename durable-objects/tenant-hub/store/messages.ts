/**
 * Outbound QoS≥1 messages per session (queued while offline or over the client's receive
 * maximum, then in flight until acknowledged) and inbound QoS 2 packet ids awaiting PUBREL.
 */
import type { QoS } from "../../../domain/mqtt";
import { decodeProperties, encodeProperties, type HubMessage } from "../message";

/** Queued payload bytes one offline session may hold (besides the plan's message count). */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

export type OutboundState = "queued" | "sent" | "released";

export type OutboundRow = { id: number; clientId: string; state: OutboundState; packetId: number | null; message: HubMessage; createdAt: number };

type Raw = {
  id: number;
  client_id: string;
  state: OutboundState;
  packet_id: number | null;
  topic: string;
  payload: ArrayBuffer;
  qos: number;
  retain: number;
  properties: string | null;
  expires_at: number | null;
  created_at: number;
};

const toRow = (r: Raw): OutboundRow => ({
  id: r.id,
  clientId: r.client_id,
  state: r.state,
  packetId: r.packet_id,
  createdAt: r.created_at,
  message: {
    topic: r.topic,
    payload: new Uint8Array(r.payload),
    qos: r.qos as QoS,
    retain: r.retain === 1,
    properties: decodeProperties(r.properties),
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
    publisher: "",
  },
});

export class MessageStore {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Appends a message for a session, keeping at most `limit` queued messages and
   * MAX_QUEUED_BYTES of queued payload: the oldest queued ones are dropped first. Returns how
   * many were dropped.
   */
  enqueue(clientId: string, msg: HubMessage, limit: number, now: number, state: OutboundState = "queued", packetId: number | null = null): { id: number; dropped: number } {
    const cursor = this.sql.exec<{ id: number }>(
      `INSERT INTO messages (client_id, state, packet_id, topic, payload, qos, retain, properties, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      clientId,
      state,
      packetId,
      msg.topic,
      msg.payload,
      msg.qos,
      msg.retain ? 1 : 0,
      encodeProperties(msg.properties),
      msg.expiresAt ?? null,
      now,
    );
    const id = cursor.one().id;
    let dropped = 0;
    if (state === "queued") {
      const queued = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE client_id = ? AND state = 'queued'", clientId).one().n;
      if (queued > limit) {
        dropped = this.sql.exec("DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE client_id = ? AND state = 'queued' ORDER BY id LIMIT ?)", clientId, queued - limit).rowsWritten;
      }
      dropped += this.trimToBytes(clientId, MAX_QUEUED_BYTES);
    }
    return { id, dropped };
  }

  /** Drops the oldest queued messages until the session's queued payload fits in `maxBytes`. */
  private trimToBytes(clientId: string, maxBytes: number): number {
    let total = this.sql.exec<{ n: number | null }>("SELECT SUM(length(payload)) AS n FROM messages WHERE client_id = ? AND state = 'queued'", clientId).one().n ?? 0;
    let dropped = 0;
    while (total > maxBytes) {
      const oldest = this.sql.exec<{ id: number; size: number }>("SELECT id, length(payload) AS size FROM messages WHERE client_id = ? AND state = 'queued' ORDER BY id LIMIT 1", clientId).toArray()[0];
      if (!oldest) break;
      this.sql.exec("DELETE FROM messages WHERE id = ?", oldest.id);
      total -= oldest.size;
      dropped++;
    }
    return dropped;
  }

  /** Messages waiting to be sent, oldest first. */
  queued(clientId: string, limit: number): OutboundRow[] {
    return this.sql.exec<Raw>("SELECT * FROM messages WHERE client_id = ? AND state = 'queued' ORDER BY id LIMIT ?", clientId, limit).toArray().map(toRow);
  }

  /** Messages sent but not yet completed, oldest first (resent with DUP on reconnect). */
  inFlight(clientId: string): OutboundRow[] {
    return this.sql.exec<Raw>("SELECT * FROM messages WHERE client_id = ? AND state != 'queued' ORDER BY id", clientId).toArray().map(toRow);
  }

  /** In one query: how many messages are in flight, and whether any wait behind them. */
  outboundState(clientId: string): { inFlight: number; queued: boolean } {
    const row = this.sql.exec<{ inflight: number | null; queued: number | null }>("SELECT SUM(state != 'queued') AS inflight, SUM(state = 'queued') AS queued FROM messages WHERE client_id = ?", clientId).one();
    return { inFlight: row.inflight ?? 0, queued: (row.queued ?? 0) > 0 };
  }

  inFlightCount(clientId: string): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE client_id = ? AND state != 'queued'", clientId).one().n;
  }

  markSent(id: number, packetId: number): void {
    this.sql.exec("UPDATE messages SET state = 'sent', packet_id = ? WHERE id = ?", packetId, id);
  }

  remove(id: number): void {
    this.sql.exec("DELETE FROM messages WHERE id = ?", id);
  }

  /** Completes a QoS 1 delivery (PUBACK) or a QoS 2 one (PUBCOMP). */
  complete(clientId: string, packetId: number, expected: OutboundState): boolean {
    return this.sql.exec("DELETE FROM messages WHERE client_id = ? AND packet_id = ? AND state = ?", clientId, packetId, expected).rowsWritten > 0;
  }

  /** PUBREC received: the message moves to `released` (PUBREL sent). */
  release(clientId: string, packetId: number): boolean {
    return this.sql.exec("UPDATE messages SET state = 'released' WHERE client_id = ? AND packet_id = ? AND state IN ('sent', 'released')", clientId, packetId).rowsWritten > 0;
  }

  /** Returns true when the packet id was not already awaiting PUBREL (a first delivery). */
  beginInboundQos2(clientId: string, packetId: number): boolean {
    return this.sql.exec("INSERT OR IGNORE INTO inbound_qos2 (client_id, packet_id) VALUES (?, ?)", clientId, packetId).rowsWritten > 0;
  }

  endInboundQos2(clientId: string, packetId: number): boolean {
    return this.sql.exec("DELETE FROM inbound_qos2 WHERE client_id = ? AND packet_id = ?", clientId, packetId).rowsWritten > 0;
  }

  inboundQos2Count(clientId: string): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbound_qos2 WHERE client_id = ?", clientId).one().n;
  }
}
