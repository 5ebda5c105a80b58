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
  type LatestResult,
  type TailResult,
} from "./rpc";
import { migrate, readMeta, writeMeta } from "./schema";

const PRUNE_INTERVAL_MS = 60 * 60_000;
const PRUNE_CONTINUE_MS = 60_000;
const DEFAULT_RETENTION_DAYS = 7;

export class TelemetryStore extends DurableObject<Env> {
  private alarmArmed = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage.sql));
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

  private async armAlarm(): Promise<void> {
    if (this.alarmArmed) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + PRUNE_INTERVAL_MS);
    this.alarmArmed = true;
  }

  async ingest(tenantId: string, input: IngestInput): Promise<IngestResult> {
    this.forTenant(tenantId, true);
    const i = IngestInput.parse(input);
    const result = this.ctx.storage.transactionSync(() => {
      writeMeta(this.sql, "retention_days", String(i.retentionDays));
      return ingest(this.sql, i);
    });
    await this.armAlarm();
    return { ...result, databaseBytes: this.sql.databaseSize };
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

  /** Row counts per table, for offboarding's inventory and deletion certificate. */
  async counts(tenantId: string): Promise<Record<string, number>> {
    this.forTenant(tenantId, false);
    const tables = ["points", "rollup_1m", "rollup_1h", "latest", "ledger", "rejected"];
    return Object.fromEntries(tables.map((t) => [t, this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${t}`).one().n]));
  }

  /** Deletes everything this tenant's store holds (offboarding). The object is empty afterwards. */
  async purge(tenantId: string): Promise<void> {
    this.forTenant(tenantId, false);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.alarmArmed = false;
    migrate(this.sql);
  }

  override async alarm(): Promise<void> {
    const retention = Number(readMeta(this.sql, "retention_days") ?? DEFAULT_RETENTION_DAYS);
    const resume = readMeta(this.sql, "prune_resume");
    const outcome = this.ctx.storage.transactionSync(() => {
      const o = prune(this.sql, retention, Date.now(), resume ? (JSON.parse(resume) as { device: string; metric: string }) : null);
      writeMeta(this.sql, "prune_resume", o.resumeAfter ? JSON.stringify(o.resumeAfter) : "");
      return o;
    });
    await this.ctx.storage.setAlarm(Date.now() + (outcome.done ? PRUNE_INTERVAL_MS : PRUNE_CONTINUE_MS));
    this.alarmArmed = true;
  }
}
