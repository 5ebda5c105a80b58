/**
 * The Worker's door to a tenant's hot store. The object is named by the tenant id inside the
 * tenant's jurisdiction (data residency: an `eu` tenant's telemetry stays in the EU), and every
 * call also passes the tenant id so the object can refuse a mis-addressed call. Callers pass a
 * verified tenant (the request principal's, or the queue envelope's after the registry lookup).
 */
import type { SeriesQuery, SeriesResult } from "../../domain/telemetry/query";
import type { RejectedMessage } from "../../domain/telemetry/rejections";
import type { Tenant } from "../../domain/schemas/identity";
import type { Alarm, AlarmCounts, AlarmQuery, AlarmRule } from "../../domain/schemas/alarms";
import type { AlarmAction } from "../../durable-objects/telemetry-store/alarms/records";
import type { ExportRow, IngestInput, IngestResult, LatestResult, TailResult } from "../../durable-objects/telemetry-store/rpc";
import type { ConsumerRun, HopInput } from "../../durable-objects/telemetry-store/traces";
import type { TraceHop } from "../../domain/telemetry/trace";
import { namespaceFor } from "../control-plane/residency";

export type TelemetryStoreClient = {
  ingest(input: IngestInput): Promise<IngestResult>;
  markExported(msgIds: string[]): Promise<void>;
  series(query: SeriesQuery): Promise<SeriesResult>;
  seriesList(devices: string[], metrics: string[]): Promise<{ device: string; metric: string }[]>;
  latest(device: string, metrics: string[]): Promise<LatestResult>;
  /** Several devices at once, one round trip (≤ 100 devices); devices without values get `{}`. */
  latestMany(devices: string[], metrics: string[]): Promise<LatestResult[]>;
  exportPage(input: { device: string; metric: string; from: number; to: number; after: { ts: number; id: number } | null; limit: number }): Promise<{ rows: ExportRow[]; next: { ts: number; id: number } | null }>;
  tail(input: { devices: string[]; metrics: string[]; afterId: number | null; limit: number }): Promise<TailResult>;
  rejectedCount(since: number): Promise<number>;
  rejected(input: { limit: number; cursor?: string; reason?: string; device?: string }): Promise<{ items: RejectedMessage[]; nextCursor: string | null }>;
  stats(): Promise<{ databaseBytes: number }>;
  /** Offboarding: what the store holds, and deleting all of it. */
  counts(): Promise<Record<string, number>>;
  /** Device ids the store holds points for, deleted devices included, in order after `after`. */
  storedDevices(after: string | null, limit: number): Promise<string[]>;
  purge(): Promise<void>;
  /** Alarms (durable-objects/telemetry-store/alarms): the rule push and the alarm lifecycle. */
  setAlarmRules(rules: AlarmRule[], version: number): Promise<boolean>;
  listAlarms(query: AlarmQuery): Promise<{ items: Alarm[]; nextCursor: string | null }>;
  alarmCounts(): Promise<AlarmCounts>;
  getAlarm(id: string): Promise<Alarm | null>;
  acknowledgeAlarm(id: string, by: string): Promise<AlarmAction>;
  clearAlarm(id: string, by: string): Promise<AlarmAction>;
  /** Message traces (durable-objects/telemetry-store/traces.ts) and the pipeline's state for the status API. */
  trace(traceId: string): Promise<TraceHop[]>;
  recordTraceHops(hops: HopInput[]): Promise<void>;
  pipelineStatus(since: number): Promise<{ lastConsumerRun: ConsumerRun | null; rejectedSince: number }>;
};

export function telemetryStore(env: Env, tenant: Pick<Tenant, "id" | "region">): TelemetryStoreClient {
  const tenantId = tenant.id;
  const stub = namespaceFor(env.TELEMETRY_STORE, env, tenant).getByName(tenantId);
  return {
    ingest: (input) => stub.ingest(tenantId, input),
    markExported: (msgIds) => stub.markExported(tenantId, { msgIds }),
    series: (query) => stub.series(tenantId, query),
    seriesList: (devices, metrics) => stub.seriesList(tenantId, { devices, metrics }),
    latest: (device, metrics) => stub.latest(tenantId, { device, metrics }),
    latestMany: (devices, metrics) => stub.latestMany(tenantId, { devices, metrics }),
    exportPage: (input) => stub.exportPage(tenantId, input),
    tail: (input) => stub.pointsAfter(tenantId, input),
    rejected: (input) => stub.rejected(tenantId, input),
    rejectedCount: (since) => stub.rejectedCount(tenantId, { since }),
    stats: () => stub.stats(tenantId),
    counts: () => stub.counts(tenantId),
    storedDevices: (after, limit) => stub.storedDevices(tenantId, { after, limit }),
    purge: () => stub.purge(tenantId),
    setAlarmRules: (rules, version) => stub.setAlarmRules(tenantId, { rules, version }),
    listAlarms: (query) => stub.listAlarms(tenantId, query),
    alarmCounts: () => stub.alarmCounts(tenantId),
    getAlarm: (id) => stub.getAlarm(tenantId, { id }),
    acknowledgeAlarm: (id, by) => stub.acknowledgeAlarm(tenantId, { id, by }),
    clearAlarm: (id, by) => stub.clearAlarm(tenantId, { id, by }),
    trace: (traceId) => stub.traceHops(tenantId, { traceId }),
    recordTraceHops: (hops) => stub.recordTraceHops(tenantId, { hops }),
    pipelineStatus: (since) => stub.pipelineStatus(tenantId, { since }),
  };
}
