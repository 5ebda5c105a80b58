/** Persistent sessions and their subscriptions. */
import type { QoS, RetainHandling } from "../../../domain/mqtt";
import type { CredentialRef, HubPrincipal } from "../principal";

export type SessionRow = {
  clientId: string;
  principal: HubPrincipal;
  mountpoint: string;
  protocolLevel: 4 | 5;
  /** Seconds the session outlives its connection; 0xFFFFFFFF never expires. */
  expiryInterval: number;
  connId: string | null;
  disconnectedAt: number | null;
};

export type StoredSubscription = {
  clientId: string;
  /** Canonical (mounted) filter, including any `$share/{group}/` prefix. */
  filter: string;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: RetainHandling;
  subscriptionId: number | null;
};

type RawSession = { client_id: string; principal: string; mountpoint: string; protocol_level: number; expiry_interval: number; conn_id: string | null; disconnected_at: number | null };
type RawSubscription = { client_id: string; filter: string; qos: number; no_local: number; retain_as_published: number; retain_handling: number; subscription_id: number | null };

const toSession = (r: RawSession): SessionRow => ({
  clientId: r.client_id,
  principal: JSON.parse(r.principal) as HubPrincipal,
  mountpoint: r.mountpoint,
  protocolLevel: r.protocol_level as 4 | 5,
  expiryInterval: r.expiry_interval,
  connId: r.conn_id,
  disconnectedAt: r.disconnected_at,
});

const toSubscription = (r: RawSubscription): StoredSubscription => ({
  clientId: r.client_id,
  filter: r.filter,
  qos: r.qos as QoS,
  noLocal: r.no_local === 1,
  retainAsPublished: r.retain_as_published === 1,
  retainHandling: r.retain_handling as RetainHandling,
  subscriptionId: r.subscription_id,
});

export class SessionStore {
  constructor(private readonly sql: SqlStorage) {}

  get(clientId: string): SessionRow | null {
    const row = this.sql.exec<RawSession>("SELECT * FROM sessions WHERE client_id = ?", clientId).toArray()[0];
    return row ? toSession(row) : null;
  }

  /**
   * The credential a session is bound to (the one that created it): only that credential may
   * resume it or take it over. Null when there is no session.
   */
  ownerOf(clientId: string): CredentialRef | null {
    const row = this.sql
      .exec<{ kind: CredentialRef["kind"] | null; id: string | null }>("SELECT json_extract(principal, '$.credential.kind') AS kind, json_extract(principal, '$.credential.id') AS id FROM sessions WHERE client_id = ?", clientId)
      .toArray()[0];
    return row?.kind && row.id ? { kind: row.kind, id: row.id } : null;
  }

  /** Sessions of application clients (users and API keys), online or offline: what a change of authority may affect. */
  applicationSessions(): { clientId: string; principal: HubPrincipal }[] {
    return this.sql
      .exec<{ client_id: string; principal: string }>("SELECT client_id, principal FROM sessions WHERE json_extract(principal, '$.kind') = 'application'")
      .toArray()
      .map((r) => ({ clientId: r.client_id, principal: JSON.parse(r.principal) as HubPrincipal }));
  }

  /** Creates or refreshes the session of a connecting client. */
  open(s: Omit<SessionRow, "disconnectedAt">): void {
    this.sql.exec(
      `INSERT INTO sessions (client_id, principal, mountpoint, protocol_level, expiry_interval, conn_id, disconnected_at)
       VALUES (?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT(client_id) DO UPDATE SET principal = excluded.principal, mountpoint = excluded.mountpoint,
         protocol_level = excluded.protocol_level, expiry_interval = excluded.expiry_interval, conn_id = excluded.conn_id, disconnected_at = NULL`,
      s.clientId,
      JSON.stringify(s.principal),
      s.mountpoint,
      s.protocolLevel,
      s.expiryInterval,
      s.connId,
    );
  }

  /** Marks the session offline if `connId` still owns it (a takeover may have replaced it). */
  detach(clientId: string, connId: string, now: number, expiryInterval?: number): boolean {
    const cursor = this.sql.exec(`UPDATE sessions SET conn_id = NULL, disconnected_at = ?, expiry_interval = COALESCE(?, expiry_interval) WHERE client_id = ? AND conn_id = ?`, now, expiryInterval ?? null, clientId, connId);
    return cursor.rowsWritten > 0;
  }

  delete(clientId: string): void {
    for (const table of ["subscriptions", "messages", "inbound_qos2"]) this.sql.exec(`DELETE FROM ${table} WHERE client_id = ?`, clientId);
    this.sql.exec("DELETE FROM sessions WHERE client_id = ?", clientId);
  }

  /** Offline sessions whose expiry has passed. */
  expired(now: number): string[] {
    return this.sql
      .exec<{ client_id: string }>("SELECT client_id FROM sessions WHERE conn_id IS NULL AND expiry_interval != 4294967295 AND disconnected_at + expiry_interval * 1000 <= ?", now)
      .toArray()
      .map((r) => r.client_id);
  }

  nextExpiry(): number | null {
    const row = this.sql.exec<{ at: number | null }>("SELECT MIN(disconnected_at + expiry_interval * 1000) AS at FROM sessions WHERE conn_id IS NULL AND expiry_interval != 4294967295").toArray()[0];
    return row?.at ?? null;
  }

  /** Allocates the next free outbound packet id (1–65535) for a session. */
  nextPacketId(clientId: string): number {
    const row = this.sql.exec<{ next_packet_id: number }>("SELECT next_packet_id FROM sessions WHERE client_id = ?", clientId).toArray()[0];
    let id = row?.next_packet_id ?? 1;
    for (let tries = 0; tries < 65535; tries++) {
      const inUse = this.sql.exec("SELECT 1 FROM messages WHERE client_id = ? AND packet_id = ? LIMIT 1", clientId, id).toArray().length > 0;
      if (!inUse) break;
      id = id >= 65535 ? 1 : id + 1;
    }
    this.sql.exec("UPDATE sessions SET next_packet_id = ? WHERE client_id = ?", id >= 65535 ? 1 : id + 1, clientId);
    return id;
  }

  // ---- subscriptions ----

  allSubscriptions(): StoredSubscription[] {
    return this.sql.exec<RawSubscription>("SELECT * FROM subscriptions").toArray().map(toSubscription);
  }

  subscriptionsOf(clientId: string): StoredSubscription[] {
    return this.sql.exec<RawSubscription>("SELECT * FROM subscriptions WHERE client_id = ?", clientId).toArray().map(toSubscription);
  }

  /** Returns true when the subscription is new (not replacing one with the same filter). */
  subscribe(s: StoredSubscription): boolean {
    const existed = this.sql.exec("SELECT 1 FROM subscriptions WHERE client_id = ? AND filter = ?", s.clientId, s.filter).toArray().length > 0;
    this.sql.exec(
      `INSERT INTO subscriptions (client_id, filter, qos, no_local, retain_as_published, retain_handling, subscription_id) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(client_id, filter) DO UPDATE SET qos = excluded.qos, no_local = excluded.no_local, retain_as_published = excluded.retain_as_published,
         retain_handling = excluded.retain_handling, subscription_id = excluded.subscription_id`,
      s.clientId,
      s.filter,
      s.qos,
      s.noLocal ? 1 : 0,
      s.retainAsPublished ? 1 : 0,
      s.retainHandling,
      s.subscriptionId,
    );
    return !existed;
  }

  unsubscribe(clientId: string, filter: string): boolean {
    return this.sql.exec("DELETE FROM subscriptions WHERE client_id = ? AND filter = ?", clientId, filter).rowsWritten > 0;
  }

  subscriptionCount(clientId: string): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM subscriptions WHERE client_id = ?", clientId).one().n;
  }
}
