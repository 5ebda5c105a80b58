/**
 * The MQTT broker of one tenant: sessions, subscriptions, connection lifecycle and timers.
 * It knows nothing of HTTP or of Durable Objects: the hub class feeds it bytes and events, and
 * it reaches the outside world only through `BrokerEffects`.
 */
import { ConnectReturnCode, MqttProtocolError, ReasonCode } from "../../domain/mqtt";
import { parseSubscription, SubscriptionIndex } from "../../domain/topics";
import type { MqttCooldownPolicy } from "../../domain/limits/mqtt-cooldown";
import { ClientCooldowns, FailedConnects, PenalizedAddresses } from "./abuse";
import type { DisconnectCause } from "../../domain/health/states";
import { CommandCenter } from "./commands/center";
import { type Connection } from "./connection";
import { publishMessage } from "./delivery";
import type { BrokerEffects } from "./effects";
import { HealthMonitor } from "./health/monitor";
import { forgetHealth, publishHealth } from "./health/publish";
import type { HubLimiter } from "./limits";
import { dispatch } from "./mqtt/dispatcher";
import { PreConnectSockets } from "./pre-connect";
import { AliasStore } from "./store/aliases";
import { MessageStore } from "./store/messages";
import { RetainedStore } from "./store/retained";
import { SessionStore, type StoredSubscription } from "./store/sessions";
import { WillStore } from "./store/wills";
import { createLogger, errorFields } from "../../domain/log";

const log = createLogger({ component: "hub.broker" });

/** Platform settings of the broker (not per plan). */
export const BROKER_CONFIG = {
  /** Longest session expiry granted (v5) and the lifetime of a v3 persistent session. */
  maxSessionExpirySeconds: 7 * 24 * 3600,
  /** Longest keep-alive accepted; v5 clients asking for more (or 0) get this as Server Keep Alive. */
  maxKeepAliveSeconds: 1200,
  /** How many QoS≥1 messages the hub accepts in flight from one client (v5 Receive Maximum). */
  receiveMaximum: 100,
  topicAliasMaximum: 32,
} as const;

const PRESENCE_EVERY_MS = 10_000;

/** `framesDropped`: WebSocket frames of connections being closed, dropped before any decoding. */
export type BrokerStats = { messagesIn: number; messagesOut: number; dropped: number; denied: number; framesDropped: number };

const subscriptionKey = (clientId: string, filter: string) => `${clientId}\u0000${filter}`;

export class Broker {
  readonly sessions: SessionStore;
  readonly messages: MessageStore;
  readonly retained: RetainedStore;
  readonly wills: WillStore;
  readonly aliases: AliasStore;
  /** Tracked commands (RPC): their queues, states and deadlines (commands/). */
  readonly commands: CommandCenter;
  /** Devices' health and connectivity history (health/). */
  readonly health: HealthMonitor;
  /** Topic trie over every session's subscriptions (online or not). */
  readonly index = new SubscriptionIndex();
  readonly subscriptions = new Map<string, StoredSubscription & { shareGroup?: string }>();
  /** Connected clients by client id. */
  readonly connections = new Map<string, Connection>();
  /** Sockets still waiting to complete CONNECT (deadline and cap). */
  readonly preConnect = new PreConnectSockets();
  /** Client ids thrown out for abuse, and addresses failing authentication (abuse.ts). */
  readonly cooldowns: ClientCooldowns;
  readonly failedConnects: FailedConnects;
  readonly penalizedAddresses = new PenalizedAddresses();
  /** Round-robin position per shared-subscription group. */
  readonly shareCursor = new Map<string, number>();
  readonly stats: BrokerStats = { messagesIn: 0, messagesOut: 0, dropped: 0, denied: 0, framesDropped: 0 };

  constructor(
    readonly tenantId: string,
    sql: SqlStorage,
    readonly effects: BrokerEffects,
    readonly limiter: HubLimiter,
    abuse: { cooldownPolicy?: MqttCooldownPolicy; authFailuresPerMinute?: number } = {},
  ) {
    this.cooldowns = new ClientCooldowns(abuse.cooldownPolicy);
    this.failedConnects = new FailedConnects(abuse.authFailuresPerMinute);
    this.sessions = new SessionStore(sql);
    this.messages = new MessageStore(sql);
    this.retained = new RetainedStore(sql);
    this.wills = new WillStore(sql);
    this.aliases = new AliasStore(sql);
    this.commands = new CommandCenter(this, sql);
    this.health = new HealthMonitor(sql, {
      changed: (deviceId, mirror) => {
        effects.healthChanged(deviceId, mirror);
        publishHealth(this, deviceId, mirror);
      },
      forgotten: (deviceId) => forgetHealth(this, deviceId),
    });
    for (const s of this.sessions.allSubscriptions()) this.indexSubscription(s);
  }

  // ---- subscriptions ----

  indexSubscription(s: StoredSubscription): void {
    const { shareGroup } = parseSubscription(s.filter);
    const key = subscriptionKey(s.clientId, s.filter);
    this.subscriptions.set(key, shareGroup ? { ...s, shareGroup } : s);
    this.index.add(s.filter, key);
  }

  unindexSubscription(clientId: string, filter: string): void {
    const key = subscriptionKey(clientId, filter);
    this.subscriptions.delete(key);
    this.index.remove(filter, key);
  }

  /** Ends a session: its subscriptions, queued messages and in-flight state are gone. */
  discardSession(clientId: string): void {
    for (const s of this.sessions.subscriptionsOf(clientId)) this.unindexSubscription(clientId, s.filter);
    this.sessions.delete(clientId);
  }

  // ---- bytes in ----

  /** Decodes a WebSocket frame and handles its packets in order; protocol errors close only this client. */
  async receive(conn: Connection, frame: ArrayBuffer | string): Promise<void> {
    if (conn.closed) return void this.stats.framesDropped++;
    if (typeof frame === "string") {
      // MQTT over WebSocket is binary only [MQTT-6.0.0-1].
      return this.fail(conn, new MqttProtocolError(ReasonCode.MalformedPacket, "text frame"));
    }
    const now = this.effects.now();
    conn.touch(now);
    // Any traffic from a device refreshes its last-seen time (batched; at most every 10 s per connection).
    const principal = conn.state.principal;
    if (principal?.kind === "device" && now - conn.presenceReportedAt > PRESENCE_EVERY_MS) {
      conn.presenceReportedAt = now;
      this.effects.presence(principal.deviceId, null);
    }
    // Packets are decoded one at a time: once the hub closes the connection, the rest of the
    // frame is never looked at.
    const packets = conn.decoder.packets(new Uint8Array(frame));
    try {
      for (let next = packets.next(); !next.done; next = packets.next()) {
        await dispatch(this, conn, next.value);
        if (conn.closed) return;
      }
    } catch (err) {
      return this.fail(conn, err);
    }
    if (!conn.closed) conn.savePartial();
  }

  /** Closes a misbehaving connection with the matching reason; unexpected errors are logged. */
  fail(conn: Connection, err: unknown): void {
    if (err instanceof MqttProtocolError && err.reasonCode === ReasonCode.UnsupportedProtocolVersion && !conn.state.connected) {
      // Refused protocol version: CONNACK in the format the client can read, then close [MQTT-3.1.2-2].
      const v5 = (err.requestedProtocolLevel ?? 0) >= 5; // newer clients read the v5 format, older ones v3

      conn.state.protocolLevel = v5 ? 5 : 4;
      conn.send({ type: "connack", sessionPresent: false, reasonCode: v5 ? ReasonCode.UnsupportedProtocolVersion : ConnectReturnCode.UnacceptableProtocolVersion });
      conn.close();
    } else if (err instanceof MqttProtocolError) {
      if (err.reasonCode === ReasonCode.PacketTooLarge) this.limiter.hit("maxPayloadBytes", conn.state.clientId || conn.id);
      conn.close(err.reasonCode, err.message);
    } else {
      log.error("packet handling failed", { tenant: this.tenantId, clientId: conn.state.clientId, ...errorFields(err, true) });
      conn.close(ReasonCode.UnspecifiedError, "internal error");
    }
    this.connectionLost(conn, { graceful: false });
  }

  // ---- connection lifecycle ----

  /**
   * A connection ended. Unless it sent DISCONNECT, its will is armed (fired now, or after the v5
   * Will Delay Interval) [MQTT-3.1.2-8]; a session with expiry 0 ends now. `cause` says why
   * for the device's connectivity history when the close itself does not.
   */
  connectionLost(conn: Connection, { graceful, cause }: { graceful: boolean; cause?: DisconnectCause }): void {
    conn.markClosed();
    const { clientId, connected, connId, principal } = conn.state;
    this.aliases.drop(connId);
    if (!connected || this.connections.get(clientId) !== conn) return;
    this.connections.delete(clientId);
    const now = this.effects.now();
    // A well-behaved client from an address the edge cooled down earns the address a pardon.
    const { address, connectedAt } = conn.state;
    if (address && !this.limiter.abusive(clientId) && this.penalizedAddresses.earnedPardon(address, connectedAt, now)) this.effects.pardonAddress(address, connectedAt);
    this.limiter.forget(clientId, now);
    if (!graceful) this.wills.arm(clientId, now);
    this.sessions.detach(clientId, connId, now);
    if (principal?.kind === "device") {
      this.effects.presence(principal.deviceId, "offline");
      if (conn.state.healthSeq !== undefined) this.health.disconnected(principal.deviceId, conn.state.healthSeq, cause ?? (graceful ? "client" : (conn.closeCause ?? "connection_lost")), now);
    }
    const session = this.sessions.get(clientId);
    if (session && session.expiryInterval === 0) this.endSession(clientId);
    this.effects.reschedule();
  }

  /** A session ends: pending wills fire at once (v5 §3.1.3.2.2), then its state is discarded. */
  endSession(clientId: string): void {
    for (const { message } of this.wills.takeDue(this.effects.now(), clientId)) publishMessage(this, message);
    this.wills.clear(clientId);
    this.discardSession(clientId);
  }

  /** Another connection claims this client id: the old one is closed with 0x8E [MQTT-3.1.4-3]. */
  takeOver(clientId: string): void {
    const old = this.connections.get(clientId);
    if (!old) return;
    old.close(ReasonCode.SessionTakenOver, "another connection took over this client id");
    this.connectionLost(old, { graceful: false });
  }

  /** Disconnects clients using a credential (rotated, revoked or deleted) or all of them. */
  disconnectWhere(match: (c: Connection) => boolean, reasonCode: number, reason: string, cause?: DisconnectCause): number {
    let n = 0;
    for (const conn of [...this.connections.values()]) {
      if (!match(conn)) continue;
      conn.close(reasonCode, reason, cause);
      this.connectionLost(conn, { graceful: false });
      n++;
    }
    return n;
  }

  // ---- abuse ----

  /**
   * A client crossed the abuse threshold (its connection is being closed): the client id may not
   * come back for a cool-down, and the edge is told to refuse its address meanwhile.
   */
  abuseDetected(conn: Connection): void {
    const { clientId, address } = conn.state;
    const now = this.effects.now();
    this.cooldowns.penalize(clientId, now);
    if (address) this.penalizedAddresses.penalized(address, now);
    this.effects.reportAbuse({ clientId, address, reason: "rate_abuse" });
  }

  /** A CONNECT failed authentication: an address that keeps failing is reported to the edge. */
  authenticationFailed(conn: Connection): void {
    const address = conn.state.address;
    if (!address || !this.failedConnects.count(address, this.effects.now())) return;
    this.penalizedAddresses.penalized(address, this.effects.now());
    this.effects.reportAbuse({ clientId: conn.state.clientId, address, reason: "auth_failures" });
  }

  // ---- timers ----

  /** Runs everything that is due: CONNECT deadlines, keep-alive timeouts, delayed wills, expired sessions. */
  tick(): void {
    const now = this.effects.now();
    this.preConnect.expire(now);
    for (const conn of [...this.connections.values()]) {
      const { keepAlive, lastActivity } = conn.state;
      // [MQTT-3.1.2-24] one and a half times the keep-alive without a packet: disconnect.
      if (keepAlive > 0 && now - lastActivity > keepAlive * 1500) {
        conn.close(ReasonCode.KeepAliveTimeout, "keep-alive timeout");
        this.connectionLost(conn, { graceful: false });
      } else if (conn.state.principal?.validUntil !== undefined && now >= conn.state.principal.validUntil) {
        // The API key behind it expired: the connection and the session go, as for a revoked key (reauthorize.ts).
        conn.close(ReasonCode.AdministrativeAction, "the credential expired");
        this.connectionLost(conn, { graceful: false });
        if (this.sessions.get(conn.state.clientId)) this.endSession(conn.state.clientId);
      }
    }
    for (const { message } of this.wills.takeDue(now)) publishMessage(this, message);
    for (const clientId of this.sessions.expired(now)) this.endSession(clientId);
    this.health.tick(now);
  }

  /** The next time `tick` has work, or null. */
  nextDeadline(): number | null {
    const candidates: number[] = [];
    const connectDue = this.preConnect.nextDeadline();
    if (connectDue !== null) candidates.push(connectDue);
    for (const conn of this.connections.values()) if (conn.state.keepAlive > 0) candidates.push(conn.state.lastActivity + conn.state.keepAlive * 1500 + 50);
    for (const conn of this.connections.values()) if (conn.state.principal?.validUntil !== undefined) candidates.push(conn.state.principal.validUntil);
    const will = this.wills.nextFireAt();
    if (will !== null) candidates.push(will);
    const expiry = this.sessions.nextExpiry();
    if (expiry !== null) candidates.push(expiry);
    const health = this.health.nextDeadline();
    if (health !== null) candidates.push(health);
    return candidates.length ? Math.min(...candidates) : null;
  }
}
