/**
 * TelemetryStore: the per-tenant hot store, one SQLite-backed Durable Object per tenant (apart
 * from the tenant's MQTT hub, which must stay free for the broker). The queue consumer writes
 * into it; the query API, export, live stream and rejected-messages log read from it. An alarm
 * prunes it to the plan's retention.
 *
 * Every RPC names the tenant it is meant for; the object binds itself to the first tenant it
 * sees and refuses any other, so a mis-addressed stub can never mix two tenants' data.
 */
import { DurableObject } from "cloudflare:workers";
import { TenantId } from "../../domain/ids";
import type { Alarm, AlarmCounts, AlarmQuery, AlarmRule } from "../../domain/schemas/alarms";
import { AlarmEngine } from "./alarms/engine";
import { acknowledge, clearById, countAlarms, forgetEvents, getAlarm, listAlarms, pendingEvents, type AlarmAction } from "./alarms/records";
import { AlarmActionInput, AlarmIdInput, ListAlarmsInput, SetRulesInput } from "./alarms/rpc";
import { migrateAlarms } from "./alarms/schema";
import { SeriesQuery, type SeriesResult } from "../../domain/telemetry/query";
import type { RejectedMessage } from "../../domain/telemetry/rejections";
import { ingest, markExported } from "./ingest";
import { prune } from "./prune";
import { exportPage, latest, latestMany, rejectedCountSince, rejectedLog, series, seriesOf, tail } from "./read";
import {
  ExportPageInput,
  IngestInput,
  LatestInput,
  LatestManyInput,
  MarkExportedInput,
  RejectedCountInput,
  RejectedListInput,
  SeriesListInput,
  TailInput,
  type ExportRow,
  type IngestResult,
  type StoredPoint,
  type LatestResult,
  type TailResult,
} from "./rpc";
import { migrate, readMeta, writeMeta } from "./schema";
import { storedDevices, StoredDevicesInput } from "./stored-devices";
import { ingestHops, lastConsumerRun, migrateTraces, ReadTraceInput, recordConsumerRun, recordHops, RecordHopsInput, readTrace, type ConsumerRun, type HopInput } from "./traces";
import type { TraceHop } from "../../domain/telemetry/trace";
import { createLogger, errorFields } from "../../domain/log";

const log = createLogger({ component: "telemetry-store" });

const PRUNE_INTERVAL_MS = 60 * 60_000;
const PRUNE_CONTINUE_MS = 60_000;
const DEFAULT_RETENTION_DAYS = 7;
/** Alarm events the queue did not take are offered again this soon. */
const OUTBOX_RETRY_MS = 5_000;

export class TelemetryStore extends DurableObject<Env> {
  /** When the object's alarm is set for, as far as this instance knows (undefined: not read yet). */
  private scheduledAt: number | null | undefined = undefined;
  private alarms: AlarmEngine;
  private flushing: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.alarms = new AlarmEngine(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage.sql);
      migrateAlarms(ctx.storage.sql);
      migrateTraces(ctx.storage.sql);
    });
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  /** Writes bind the object to its tenant; reads only check the binding. */
  private forTenant(tenantId: unknown, bindIfNew: boolean): string {
    const tenant = TenantId.parse(tenantId);
    const bound = readMeta(this.sql, "tenant");
    if (bound === null && bindIfNew) writeMeta(this.sql, "tenant", tenant);
    else if (bound !== null && bound !== tenant) throw new Error("telemetry store addressed with another tenant id");
    return tenant;
  }

  /**
   * One Durable Object alarm serves three clocks: the hourly prune, the earliest silence deadline
   * of the alarm rules, and a retry of alarm events the queue has not taken yet. It is set to the
   * earliest; whatever fires early finds nothing due and sets it again.
   */
  private async armAlarm(): Promise<void> {
    let pruneAt = Number(readMeta(this.sql, "prune_at") ?? 0);
    if (!pruneAt) {
      pruneAt = Date.now() + PRUNE_INTERVAL_MS;
      writeMeta(this.sql, "prune_at", String(pruneAt));
    }
    const silence = this.alarms.nextSilenceDeadline();
    const outbox = pendingEvents(this.sql, 1).length > 0 ? Date.now() + OUTBOX_RETRY_MS : null;
    const at = Math.min(pruneAt, silence ?? Infinity, outbox ?? Infinity);
    if (this.scheduledAt === undefined) this.scheduledAt = await this.ctx.storage.getAlarm();
    if (this.scheduledAt !== null && this.scheduledAt <= at) return;
    await this.ctx.storage.setAlarm(at);
    this.scheduledAt = at;
  }

  /** Hands alarm events to the notifications queue, then forgets them (at least once: a failure keeps them for the next try). */
  private flushAlarmEvents(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        for (let batch = pendingEvents(this.sql); batch.length > 0; batch = pendingEvents(this.sql)) {
          await this.env.ALARM_EVENTS.sendBatch(batch.map((e) => ({ body: e.event, contentType: "json" as const })));
          forgetEvents(this.sql, batch[batch.length - 1]!.id);
        }
      } catch (err) {
        log.error("alarm events not handed to the queue; kept for the next try", errorFields(err));
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  async ingest(tenantId: string, input: IngestInput): Promise<IngestResult> {
    const tenant = this.forTenant(tenantId, true);
    const i = IngestInput.parse(input);
    const now = Date.now();
    const result = this.ctx.storage.transactionSync(() => {
      writeMeta(this.sql, "retention_days", String(i.retentionDays));
      const inserted: StoredPoint[] = [];
      const r = ingest(this.sql, i, inserted);
      this.alarms.evaluatePoints(tenant, inserted, new Map((i.devices ?? []).map((d) => [d.id, d])), now);
      recordHops(this.sql, ingestHops(i.messages, now), now);
      if (i.consumerRun) recordConsumerRun(this.sql, i.consumerRun);
      return r;
    });
    if (pendingEvents(this.sql, 1).length > 0) await this.flushAlarmEvents();
    await this.armAlarm();
    return { ...result, databaseBytes: this.sql.databaseSize };
  }

  /** The tenant's alarm rules, pushed by the API whenever they change (`version`: when the set was read). */
  async setAlarmRules(tenantId: string, input: { rules: AlarmRule[]; version: number }): Promise<boolean> {
    this.forTenant(tenantId, true);
    const i = SetRulesInput.parse(input);
    return this.ctx.storage.transactionSync(() => this.alarms.replaceRules(i.rules, i.version));
  }

  async listAlarms(tenantId: string, query: AlarmQuery): Promise<{ items: Alarm[]; nextCursor: string | null }> {
    this.forTenant(tenantId, false);
    return listAlarms(this.sql, ListAlarmsInput.parse(query));
  }

  async alarmCounts(tenantId: string): Promise<AlarmCounts> {
    this.forTenant(tenantId, false);
    return countAlarms(this.sql);
  }

  async getAlarm(tenantId: string, input: { id: string }): Promise<Alarm | null> {
    this.forTenant(tenantId, false);
    return getAlarm(this.sql, AlarmIdInput.parse(input).id);
  }

  async acknowledgeAlarm(tenantId: string, input: { id: string; by: string }): Promise<AlarmAction> {
    const tenant = this.forTenant(tenantId, false);
    const i = AlarmActionInput.parse(input);
    const outcome = this.ctx.storage.transactionSync(() => acknowledge(this.sql, tenant, i.id, i.by, Date.now()));
    await this.flushAlarmEvents();
    await this.armAlarm();
    return outcome;
  }

  /** A hand clear: the alarm is closed for good, and the rule starts over for that device. */
  async clearAlarm(tenantId: string, input: { id: string; by: string }): Promise<AlarmAction> {
    const tenant = this.forTenant(tenantId, false);
    const i = AlarmActionInput.parse(input);
    const now = Date.now();
    const outcome = this.ctx.storage.transactionSync(() => {
      const o = clearById(this.sql, tenant, i.id, i.by, now);
      if ("ok" in o) this.alarms.restartAfterManualClear(o.ok.ruleId, o.ok.deviceId, now);
      return "ok" in o ? { ok: o.ok } : { error: o.error };
    });
    await this.flushAlarmEvents();
    await this.armAlarm();
    return outcome;
  }

  async markExported(tenantId: string, input: { msgIds: string[] }): Promise<void> {
    this.forTenant(tenantId, false);
    const { msgIds } = MarkExportedInput.parse(input);
    this.ctx.storage.transactionSync(() => markExported(this.sql, msgIds));
  }

  async series(tenantId: string, query: SeriesQuery): Promise<SeriesResult> {
    this.forTenant(tenantId, false);
    return series(this.sql, SeriesQuery.parse(query));
  }

  async seriesList(tenantId: string, input: { devices: string[]; metrics: string[] }): Promise<{ device: string; metric: string }[]> {
    this.forTenant(tenantId, false);
    const i = SeriesListInput.parse(input);
    return seriesOf(this.sql, i.devices, i.metrics);
  }

  async latest(tenantId: string, input: { device: string; metrics: string[] }): Promise<LatestResult> {
    this.forTenant(tenantId, false);
    const i = LatestInput.parse(input);
    return latest(this.sql, i.device, i.metrics);
  }

  /** Latest values of several devices in one round trip, in the order asked; devices without values get `{}`. */
  async latestMany(tenantId: string, input: { devices: string[]; metrics: string[] }): Promise<LatestResult[]> {
    this.forTenant(tenantId, false);
    const i = LatestManyInput.parse(input);
    const found = latestMany(this.sql, i.devices, i.metrics);
    return [...new Set(i.devices)].map((device) => ({ device, values: found.get(device) ?? {} }));
  }

  async exportPage(tenantId: string, input: unknown): Promise<{ rows: ExportRow[]; next: { ts: number; id: number } | null }> {
    this.forTenant(tenantId, false);
    return exportPage(this.sql, ExportPageInput.parse(input));
  }

  /** Named so: `tail` is reserved on Workers entrypoints (tail handlers). */
  async pointsAfter(tenantId: string, input: unknown): Promise<TailResult> {
    this.forTenant(tenantId, false);
    return tail(this.sql, TailInput.parse(input));
  }

  async rejected(tenantId: string, input: unknown): Promise<{ items: RejectedMessage[]; nextCursor: string | null }> {
    this.forTenant(tenantId, false);
    return rejectedLog(this.sql, RejectedListInput.parse(input));
  }

  /** How many rejected messages the log holds received at or after `since` (at most the log's 1000). */
  async rejectedCount(tenantId: string, input: { since: number }): Promise<number> {
    this.forTenant(tenantId, false);
    return rejectedCountSince(this.sql, RejectedCountInput.parse(input).since);
  }

  async stats(tenantId: string): Promise<{ databaseBytes: number }> {
    this.forTenant(tenantId, false);
    return { databaseBytes: this.sql.databaseSize };
  }

  /** Device ids with points, deleted devices included (offboarding's export). */
  async storedDevices(tenantId: string, input: { after: string | null; limit: number }): Promise<string[]> {
    this.forTenant(tenantId, false);
    return storedDevices(this.sql, StoredDevicesInput.parse(input));
  }

  /** Hops recorded outside an ingest (a dead letter's), from the Worker. */
  async recordTraceHops(tenantId: string, input: { hops: HopInput[] }): Promise<void> {
    this.forTenant(tenantId, false);
    const { hops } = RecordHopsInput.parse(input);
    this.ctx.storage.transactionSync(() => recordHops(this.sql, hops, Date.now()));
  }

  /** Named so: `trace` is reserved on Workers entrypoints (trace handlers). */
  async traceHops(tenantId: string, input: { traceId: string }): Promise<TraceHop[]> {
    this.forTenant(tenantId, false);
    return readTrace(this.sql, ReadTraceInput.parse(input).traceId);
  }

  /** The consumer's last run for this tenant, and the rejections of the last hour (the tenant's status). */
  async pipelineStatus(tenantId: string, input: { since: number }): Promise<{ lastConsumerRun: ConsumerRun | null; rejectedSince: number }> {
    this.forTenant(tenantId, false);
    return { lastConsumerRun: lastConsumerRun(this.sql), rejectedSince: rejectedCountSince(this.sql, RejectedCountInput.parse(input).since) };
  }

  /** Row counts per table, for offboarding's inventory and deletion certificate. */
  async counts(tenantId: string): Promise<Record<string, number>> {
    this.forTenant(tenantId, false);
    const tables = ["points", "rollup_1m", "rollup_1h", "latest", "ledger", "rejected", "alarms", "alarm_rules", "alarm_state", "alarm_outbox", "trace_hops"];
    return Object.fromEntries(tables.map((t) => [t, this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${t}`).one().n]));
  }

  /** Deletes everything this tenant's store holds (offboarding). The object is empty afterwards. */
  async purge(tenantId: string): Promise<void> {
    this.forTenant(tenantId, false);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.scheduledAt = null;
    migrate(this.sql);
    migrateAlarms(this.sql);
    migrateTraces(this.sql);
    this.alarms = new AlarmEngine(this.sql);
  }

  override async alarm(): Promise<void> {
    this.scheduledAt = null;
    const now = Date.now();
    const pruneAt = Number(readMeta(this.sql, "prune_at") ?? 0);
    const silenceWaiting = this.alarms.nextSilenceDeadline() !== null;
    const eventsWaiting = pendingEvents(this.sql, 1).length > 0;
    // With nothing else to wait for, the alarm can only be the prune's (also when run early, as tests do);
    // with silences or events waiting, an early alarm is theirs (a deadline that moved on), and the prune keeps its hour.
    if (pruneAt <= now || (!silenceWaiting && !eventsWaiting)) {
      const retention = Number(readMeta(this.sql, "retention_days") ?? DEFAULT_RETENTION_DAYS);
      const resume = readMeta(this.sql, "prune_resume");
      this.ctx.storage.transactionSync(() => {
        const o = prune(this.sql, retention, now, resume ? (JSON.parse(resume) as { device: string; metric: string }) : null);
        writeMeta(this.sql, "prune_resume", o.resumeAfter ? JSON.stringify(o.resumeAfter) : "");
        writeMeta(this.sql, "prune_at", String(now + (o.done ? PRUNE_INTERVAL_MS : PRUNE_CONTINUE_MS)));
      });
    }
    const tenant = readMeta(this.sql, "tenant");
    if (tenant) this.ctx.storage.transactionSync(() => this.alarms.raiseDueSilences(tenant, now));
    await this.flushAlarmEvents();
    await this.armAlarm();
  }
}
