/**
 * TenantHub: one Durable Object per tenant, the tenant's MQTT broker over hibernatable
 * WebSockets. It adapts the Durable Object world (sockets, alarms, storage, bindings) to the
 * `Broker`, contains errors at every entry point so one bad client never hurts another, and
 * rebuilds its in-memory state (subscription trie, connections) from SQLite and socket
 * attachments whenever it wakes.
 */
import { RELAY_OVER_BUDGET_CLOSE_CODE } from "../../domain/limits/relay-budget";
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { openRegistry } from "../../domain/data/db";
import { platformData } from "../../domain/data/platform";
import { forTenant } from "../../domain/data/tenant-scope";
import { TenantId } from "../../domain/ids";
import { ReasonCode } from "../../domain/mqtt";
import { effectiveLimits, PLAN_LIMITS, type PlanLimits } from "../../domain/plans";
import { forwardedClientCertificate, CLIENT_CERTIFICATE_HEADER } from "../../domain/auth/client-certificate";
import { AddressBucket, CLIENT_ADDRESS_HEADER, coolable, cooldownPolicyWithBase } from "../../domain/limits/mqtt-cooldown";
import { pardonMqttAddress, reportMqttAbuse } from "../mqtt-cooldown/report";
import { AUTH_FAILURES_REPORTED_AFTER } from "./abuse";
import { Authenticator } from "./authenticator";
import { Broker } from "./broker";
import { runCommandCall, type CommandCall, type CommandCallResult } from "./commands/rpc";
import { Connection, newConnState, type ConnState } from "./connection";
import { closedByChange } from "./device-credentials";
import { forgetDevice } from "./device-forget";
import { hubExportPage, type HubExportPage } from "./hub-export";
import type { BrokerEffects } from "./effects";
import { runHealthCall, type HealthCall, type HealthCallResult } from "./health/rpc";
import { OtaReports } from "./ota/reports";
import { runOtaCall, type OtaCall } from "./ota/rpc";
import { HubTimers } from "./hub-timers";
import { HubLimiter } from "./limits";
import { publishFromPlatform } from "./platform-publish";
import { reauthorizeApplications } from "./reauthorize";
import { tooManyWaiting } from "./pre-connect";
import { migrate, readMeta, writeMeta } from "./store/schema";
import { TelemetryBatcher } from "./telemetry-batcher";
import { createLogger, errorFields } from "../../domain/log";

const log = createLogger({ component: "hub" });

/** Headroom over the plan's payload limit for the topic, properties and header. */
const PACKET_OVERHEAD_BYTES = 8 * 1024;
const HUB_TABLES = ["sessions", "subscriptions", "messages", "inbound_qos2", "retained", "wills", "inbound_aliases", "meta", "commands", "command_settings", "device_health", "connectivity_events"] as const;
const CONFIG_TTL_MS = 30_000;

export const CredentialChange = z.object({
  kind: z.enum(["device", "api_key", "user"]),
  id: z.string().min(1).max(128),
  /** rotated/deleted/revoked/removed disconnect the clients using it; updated refreshes it. */
  change: z.enum(["rotated", "deleted", "revoked", "removed", "role_changed", "updated"]),
  /** One of a device's registered keys or certificates: only the connections that used it are closed. */
  credentialId: z.string().min(1).max(64).optional(),
});
export type CredentialChange = z.infer<typeof CredentialChange>;

export const PlatformPublish = z.object({
  topic: z.string().min(1).max(1024),
  payload: z.string().max(256 * 1024),
  qos: z.union([z.literal(0), z.literal(1)]),
  retain: z.boolean(),
});

type TenantConfig = { status: string; limits: PlanLimits; at: number };

export class TenantHub extends DurableObject<Env> {
  private tenantId: string | null = null;
  private broker: Broker | null = null;
  private auth: Authenticator | null = null;
  private config: TenantConfig = { status: "active", limits: PLAN_LIMITS.starter, at: 0 };
  private readonly conns = new Map<WebSocket, Connection>();
  private timers: HubTimers | null = null;
  private telemetry: TelemetryBatcher | null = null;
  /** Devices' reports on `…/ota/status`, written to the registry in order (ota/reports.ts). */
  private otaReports: OtaReports | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage.sql);
      const tenant = readMeta(ctx.storage.sql, "tenant");
      if (tenant) this.init(tenant);
    });
  }

  /** Binds this object to its tenant (once) and rebuilds in-memory state. */
  private init(tenantId: string): Broker {
    if (this.broker) {
      if (tenantId !== this.tenantId) throw new Error("hub addressed with another tenant id");
      return this.broker;
    }
    TenantId.parse(tenantId);
    writeMeta(this.ctx.storage.sql, "tenant", tenantId);
    this.tenantId = tenantId;
    this.auth = new Authenticator(this.env, tenantId);
    const effects: BrokerEffects = {
      now: () => Date.now(),
      authenticate: async (c) => {
        // A cached non-active status is re-read: a tenant that just finished onboarding must not wait out the cache.
        await this.refreshConfig(this.config.status !== "active");
        if (this.config.status !== "active") return { ok: false, reason: "tenant_unavailable", detail: `tenant is ${this.config.status}` };
        return this.auth!.authenticate(c);
      },
      limits: () => this.config.limits,
      audit: (e) => this.timers!.audit(e),
      presence: (id, status) => this.timers!.presence(id, status),
      healthChanged: (id, mirror) => this.timers!.health(id, mirror),
      otaReported: (id, payload) => this.otaReports?.reported(id, payload),
      handOffTelemetry: (envelope, size) => this.telemetry!.add(envelope, size),
      reschedule: () => this.timers?.reschedule(),
      reportAbuse: ({ clientId, address, reason }) => {
        if (address) this.ctx.waitUntil(reportMqttAbuse(this.env.MQTT_COOLDOWN, { tenantId, address, clientId, reason }));
      },
      pardonAddress: (address, connectedAt) => this.ctx.waitUntil(pardonMqttAddress(this.env.MQTT_COOLDOWN, { tenantId, address, connectedAt })),
    };
    const month = JSON.parse(readMeta(this.ctx.storage.sql, "month-count") ?? "null") as { month: string; count: number } | null;
    const limiter = new HubLimiter(this.config.limits, Date.now(), month ?? { month: new Date().toISOString().slice(0, 7), count: 0 });
    limiter.onHit = () => this.timers?.limitHit();
    const authFailuresPerMinute = z.coerce.number().int().positive().catch(AUTH_FAILURES_REPORTED_AFTER).parse(this.env.MQTT_AUTH_FAILURES_PER_MINUTE);
    this.broker = new Broker(tenantId, this.ctx.storage.sql, effects, limiter, { cooldownPolicy: cooldownPolicyWithBase(this.env.MQTT_ABUSE_COOLDOWN_BASE_SECONDS), authFailuresPerMinute });
    this.telemetry = new TelemetryBatcher(this.env.TELEMETRY_QUEUE, (message) => log.warn(message, { tenant: tenantId }));
    this.timers = new HubTimers(this.ctx, this.env, tenantId, this.broker);
    this.otaReports = new OtaReports(this.broker, forTenant(openRegistry(this.env.REGISTRY), tenantId));
    for (const ws of this.ctx.getWebSockets()) this.connectionFor(ws);
    const connectedDevices = new Set<string>();
    for (const conn of this.broker.connections.values()) if (conn.state.principal?.kind === "device") connectedDevices.add(conn.state.principal.deviceId);
    this.broker.health.reconcile(connectedDevices, Date.now());
    return this.broker;
  }

  private async refreshConfig(force = false): Promise<void> {
    if (!force && Date.now() - this.config.at < CONFIG_TTL_MS) return;
    const tenant = await platformData(openRegistry(this.env.REGISTRY)).tenants.find(this.tenantId!);
    this.config = tenant ? { status: tenant.status, limits: effectiveLimits(tenant.plan, tenant.limits), at: Date.now() } : { status: "deleted", limits: PLAN_LIMITS.starter, at: Date.now() };
    this.broker?.limiter.configure(this.config.limits);
  }

  private connectionFor(ws: WebSocket): Connection | null {
    const existing = this.conns.get(ws);
    if (existing) return existing;
    const state = ws.deserializeAttachment() as ConnState | null;
    if (!state || state.v !== 1 || !this.broker) return null;
    const conn = new Connection(ws, state, this.config.limits.maxPayloadBytes + PACKET_OVERHEAD_BYTES);
    this.conns.set(ws, conn);
    this.broker.preConnect.track(conn);
    if (state.connected && !this.broker.connections.has(state.clientId)) this.broker.connections.set(state.clientId, conn);
    return conn;
  }

  // ---- WebSocket entry points (each one contains its errors) ----

  override async fetch(request: Request): Promise<Response> {
    const tenantId = request.headers.get("x-skylark-tenant");
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !tenantId) return new Response("expected a WebSocket upgrade from the Skylark worker", { status: 400 });
    const broker = this.init(tenantId);
    await this.refreshConfig();
    // Checked after the last await, so concurrent upgrades cannot overshoot the cap.
    if (!broker.preConnect.admit()) return tooManyWaiting();
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const connId = crypto.randomUUID();
    this.ctx.acceptWebSocket(server, [connId]);
    const state = newConnState(connId, Date.now());
    // Set only by the Worker, which strips any copy the client sent (workers/routes/mqtt.ts).
    const certificate = forwardedClientCertificate(request.headers.get(CLIENT_CERTIFICATE_HEADER));
    if (certificate) state.clientCertificate = certificate;
    // Set only by the Worker too: the address bucket the edge cool-down is keyed by. Off
    // Cloudflare (tests, a bare `wrangler dev`) every client is "unknown": one bucket for all,
    // which is never cooled down, or one abuser would lock everyone out.
    const address = AddressBucket.safeParse(request.headers.get(CLIENT_ADDRESS_HEADER));
    if (address.success && coolable(address.data)) state.address = address.data;
    server.serializeAttachment(state);
    const conn = new Connection(server, state, this.config.limits.maxPayloadBytes + PACKET_OVERHEAD_BYTES);
    this.conns.set(server, conn);
    // CONNECT is due within PRE_CONNECT.deadlineMs: the alarm closes the socket otherwise.
    broker.preConnect.track(conn);
    this.timers!.reschedule();
    const protocol = request.headers.get("x-skylark-subprotocol");
    return new Response(null, { status: 101, webSocket: client, headers: protocol ? { "sec-websocket-protocol": protocol } : {} });
  }

  override async webSocketMessage(ws: WebSocket, message: ArrayBuffer | string): Promise<void> {
    const conn = this.connectionFor(ws);
    if (!conn) return void ws.close(1011, "connection state lost");
    // A connection being closed costs nothing more: no decoding, no task, no promise.
    if (conn.closed) return void this.broker!.stats.framesDropped++;
    await conn.enqueue(async () => {
      try {
        await this.broker!.receive(conn, message);
      } catch (err) {
        this.broker!.fail(conn, err);
      }
    });
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    // The edge relay closed a client that sent more frames than its plan could need: abuse, as if seen here.
    if (code === RELAY_OVER_BUDGET_CLOSE_CODE) {
      const conn = this.connectionFor(ws);
      if (conn && !conn.closed && conn.state.clientId) this.broker!.abuseDetected(conn);
    }
    this.lost(ws);
    try {
      // Complete the closing handshake (1005/1006 cannot be sent back).
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "");
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.lost(ws);
  }

  private lost(ws: WebSocket): void {
    const conn = this.connectionFor(ws);
    this.conns.delete(ws);
    if (!conn) return;
    try {
      // Only a DISCONNECT packet makes a close graceful [MQTT-3.1.2-8]; a bare WebSocket close fires the will.
      this.broker!.connectionLost(conn, { graceful: false });
    } catch (err) {
      log.error("connection loss handling failed", { tenant: this.broker?.tenantId, ...errorFields(err, true) });
    }
  }

  override async alarm(): Promise<void> {
    if (!this.broker) return;
    await this.timers!.onAlarm();
  }

  // ---- RPC from the Worker (arguments validated: RPC is a boundary) ----

  /** The API changed a credential: forget cached checks; disconnect clients that used it if it no longer holds. */
  async credentialChanged(tenantId: string, change: CredentialChange): Promise<number> {
    const broker = this.init(TenantId.parse(tenantId));
    const c = CredentialChange.parse(change);
    // A user's or key's change reaches further than its own connections: keys created by them (see reauthorize.ts).
    if (c.kind !== "device") return (await reauthorizeApplications(broker, (credentials) => this.auth!.authorities(credentials))).disconnected;
    if (c.kind === "device") this.auth!.forget(c.id);
    if (c.change === "deleted" && !c.credentialId) {
      broker.commands.deviceDeleted(c.id);
      broker.health.forget(c.id);
    }
    // Deleted, not just a key of it revoked: nothing the hub holds for it may reach a device re-created with its id.
    if (c.change === "deleted" && !c.credentialId) return forgetDevice(broker, this.ctx.storage.sql, c.id).disconnected;
    if (c.change === "updated" && c.kind === "device") return this.refreshDevicePrincipals(c.id);
    return broker.disconnectWhere((conn) => closedByChange(conn.state.principal?.credential, c), ReasonCode.AdministrativeAction, `credential ${c.change}`);
  }

  /** Tenant configuration changed (plan, limits, status): reload it; suspension closes every connection. */
  async tenantChanged(tenantId: string): Promise<void> {
    const broker = this.init(TenantId.parse(tenantId));
    await this.refreshConfig(true);
    if (this.config.status !== "active") {
      broker.disconnectWhere(() => true, ReasonCode.AdministrativeAction, `tenant ${this.config.status}`, "server");
      // What those disconnects owe the registry lands now: offboarding exports and counts it next.
      await this.timers!.drain();
      await this.otaReports?.drain();
    }
  }

  /** A message from the platform itself (desired attributes, commands, OTA). */
  async publishFromPlatform(tenantId: string, input: z.input<typeof PlatformPublish>): Promise<void> {
    const broker = this.init(TenantId.parse(tenantId));
    const m = PlatformPublish.parse(input);
    publishFromPlatform(broker, m);
  }

  /** Tracked commands (RPC): create, read, list, cancel (workers/routes/commands). */
  async commands<Op extends CommandCall["op"]>(tenantId: string, call: CommandCall & { op: Op }): Promise<CommandCallResult[Op]> {
    const broker = this.init(TenantId.parse(tenantId));
    await this.refreshConfig();
    return runCommandCall(broker.commands, call, Date.now()) as CommandCallResult[Op];
  }

  /** Fleet health: a device's health and connectivity history, policy changes (workers/routes/health). */
  async health<Op extends HealthCall["op"]>(tenantId: string, call: HealthCall & { op: Op }): Promise<HealthCallResult[Op]> {
    const broker = this.init(TenantId.parse(tenantId));
    const result = runHealthCall(broker.health, call, Date.now()) as HealthCallResult[Op];
    this.timers!.reschedule();
    return result;
  }

  /** Firmware rollouts (FirmwareRollout Workflow): update notices and rollout events. */
  async ota(tenantId: string, call: OtaCall): Promise<{ published: number }> {
    const broker = this.init(TenantId.parse(tenantId));
    return runOtaCall(broker, call);
  }

  /** Writes the OTA reports the hub holds now (tests; the writer also runs on its own). */
  async drainOtaReports(tenantId: string): Promise<void> {
    this.init(TenantId.parse(tenantId));
    await this.otaReports!.drain();
  }

  /** Connected clients and counters, for the API and tests. */
  async stats(tenantId: string) {
    const broker = this.init(TenantId.parse(tenantId));
    return {
      connectedClients: broker.connections.size,
      preConnect: broker.preConnect.stats,
      ...broker.stats,
      retained: broker.retained.count(),
      telemetryPending: this.telemetry!.pending,
      telemetrySent: this.telemetry!.sent,
      // Since the hub woke, by limit: the operator's metrics turn two samples into a rate.
      limitHits: Object.fromEntries(broker.limiter.totals) as Record<string, number>,
    };
  }

  // ---- control plane (offboarding) ----

  /** Rows per table in this hub's storage, for offboarding's before/after verification. */
  async storageCounts(tenantId: string): Promise<Record<string, number>> {
    this.init(TenantId.parse(tenantId));
    const sql = this.ctx.storage.sql;
    const counts: Record<string, number> = {};
    for (const table of HUB_TABLES) counts[table] = sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
    return counts;
  }

  /** One page of one counted table for the offboarding export (hub-export.ts); `next` continues it. */
  async exportPage(tenantId: string, table: string, afterRowid: number): Promise<HubExportPage> {
    this.init(TenantId.parse(tenantId));
    return hubExportPage(this.ctx.storage.sql, HUB_TABLES, z.string().max(64).parse(table), z.number().int().nonnegative().parse(afterRowid));
  }

  /** Offboarding: closes every connection and deletes all of this hub's storage (alarm included). */
  async purge(tenantId: string): Promise<void> {
    const broker = this.init(TenantId.parse(tenantId));
    broker.disconnectWhere(() => true, ReasonCode.AdministrativeAction, "tenant offboarded", "server");
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(1000, "tenant offboarded");
      } catch {
        // already closed
      }
    }
    // Presence, audit and usage rows the hub still owes the registry land now, before offboarding counts it.
    await this.timers?.drain();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.broker = null;
    this.timers = null;
    this.telemetry = null;
    this.otaReports = null;
    this.tenantId = null;
    this.conns.clear();
    // Recreate the (empty) schema so later calls on this object see empty tables, not missing ones.
    migrate(this.ctx.storage.sql);
  }

  private async refreshDevicePrincipals(deviceId: string): Promise<number> {
    const broker = this.broker!;
    // The device itself and any gateway whose children may have changed.
    let changed = 0;
    for (const conn of [...broker.connections.values()]) {
      const p = conn.state.principal;
      if (p?.kind !== "device" || (p.deviceId !== deviceId && p.deviceType !== "gateway")) continue;
      this.auth!.forget(p.deviceId);
      const { record } = await this.auth!.device(p.deviceId);
      if (!record || record.disabled) {
        conn.close(ReasonCode.AdministrativeAction, record ? "device disabled" : "device deleted");
        broker.connectionLost(conn, { graceful: false });
      } else {
        conn.state.principal = { ...p, deviceType: record.type, children: record.children };
        conn.persist();
      }
      changed++;
    }
    return changed;
  }
}
