/**
 * One tenant's share of a telemetry batch, in the order that makes at-least-once hold end to
 * end without double counting:
 *
 *  1. normalize every message (payload shape, registry, profile rules), reading the tenant and
 *     the registry in parallel;
 *  2. store points, rejections and the message ledger in the hot store, idempotently; it answers
 *     which messages still need exporting (new ones, and ones a crashed attempt stored but never
 *     exported);
 *  3. for those only: merge reported attributes, add usage (one write), pack the points into
 *     Analytics Engine data points, enqueue the ones that do not fit this invocation's budget,
 *     write the rest (AE writes cannot fail, so they go last);
 *  4. confirm the export to the hot store.
 *
 * A failure anywhere throws, and the caller retries this tenant's messages with backoff: stored
 * points are skipped by the ledger, export-pending ones are exported again. Only a crash between
 * 3 and 4 can repeat an export (usage and AE then count twice: at least once, never lost).
 */
import type { PlatformData } from "../../domain/data/platform";
import type { TenantData } from "../../domain/data/tenant-scope";
import { effectiveLimits } from "../../domain/plans";
import type { Tenant } from "../../domain/schemas/identity";
import type { AnalyticsWriter } from "../../domain/telemetry/analytics-engine";
import type { EnvelopeSource, TelemetryEnvelope } from "../../domain/telemetry/envelope";
import { normalize, registryNeeds, type Outcome, type RegistryView } from "../../domain/telemetry/normalize";
import { parsePayload, type ParsedMessage } from "../../domain/telemetry/payload";
import type { TelemetryPoint } from "../../domain/telemetry/points";
import { PAYLOAD_EXCERPT_CHARS, reject, type Rejection } from "../../domain/telemetry/rejections";
import { USAGE_GAUGES, UsageTally } from "../../domain/telemetry/usage";
import type { IngestInput, IngestMessage } from "../../durable-objects/telemetry-store/rpc";
import type { TelemetryStoreClient } from "../telemetry/store-client";
import { exportToAnalytics } from "./analytics-export";
import { loadRegistryView } from "./registry-view";
import { createLogger } from "../../domain/log";

const log = createLogger({ component: "telemetry-consumer" });

export type ConsumerDeps = {
  platform: PlatformData;
  data(tenantId: string): TenantData;
  /** The tenant's hot store (in the tenant's jurisdiction). */
  store(tenant: Pick<Tenant, "id" | "region">): TelemetryStoreClient;
  /** This invocation's Analytics Engine writer (its budget is shared by every tenant in the batch). */
  analytics: AnalyticsWriter;
  /** Where Analytics Engine points beyond the budget are enqueued (the telemetry queue itself). */
  spillQueue: Queue;
  /** Points per hot-store call; a batch larger than this is stored in several transactions. */
  ingestChunkPoints?: number;
};

export type TenantItem = { queueId: string; timestamp: number; body: { kind: "envelope"; envelope: TelemetryEnvelope } | { kind: "malformed"; detail: string; raw: unknown } };
export type TenantBatchSummary = { messages: number; stored: number; rejected: number; exported: number; spilled: number };

const DEFAULT_INGEST_CHUNK_POINTS = 20_000;

type Normalized = { item: TenantItem; msgId: string; receivedAt: number; bytes: number; outcome: Outcome };

const excerpt = (text: string) => text.slice(0, PAYLOAD_EXCERPT_CHARS);
const topicDevice = (source: EnvelopeSource) => (source.kind === "gateway" ? source.gateway : source.device);

/** The trace a message brings to the store: its id, when the queue took it and when this consumer did. */
function traceOf(n: Normalized, consumedAt: number): IngestMessage["trace"] {
  const b = n.item.body;
  return b.kind === "envelope" ? { traceId: b.envelope.traceId, enqueuedAt: n.item.timestamp, consumedAt } : undefined;
}

function toIngestMessage(n: Normalized, consumedAt: number): IngestMessage {
  return { ...ingestOutcome(n), trace: traceOf(n, consumedAt) };
}

function ingestOutcome(n: Normalized): IngestMessage {
  const o = n.outcome;
  if (o.kind === "points") return { msgId: n.msgId, receivedAt: n.receivedAt, outcome: { kind: "points", points: o.points.map(({ device, metric, ts, seq, value, unit }) => ({ device, metric, ts, seq, value, unit })) } };
  if (o.kind === "rejected") {
    const b = n.item.body;
    const topic = b.kind === "envelope" ? b.envelope.topic.slice(0, 1024) : "";
    const payload = b.kind === "envelope" ? b.envelope.payload : (JSON.stringify(b.raw) ?? "");
    // A rejection about the whole message (too many points, bad JSON) concerns the device whose topic it came on.
    const device = o.device ?? (b.kind === "envelope" ? topicDevice(b.envelope.source) : null);
    const publisher = b.kind === "envelope" ? b.envelope.publisher : null;
    return { msgId: n.msgId, receivedAt: n.receivedAt, outcome: { kind: "rejected", reason: o.reason, detail: o.detail, device, publisher, topic, payloadExcerpt: excerpt(payload) } };
  }
  return { msgId: n.msgId, receivedAt: n.receivedAt, outcome: { kind: "seen" } };
}

async function normalizeAll(data: TenantData, items: TenantItem[]): Promise<{ normalized: Normalized[]; registry: RegistryView }> {
  const parsed = items.map((item): { item: TenantItem; result: ParsedMessage | Rejection } => ({
    item,
    result: item.body.kind === "envelope" ? parsePayload(item.body.envelope) : reject("malformed_envelope", item.body.detail),
  }));
  const devices = new Set<string>();
  const sensors: [string, string][] = [];
  for (const p of parsed) {
    if (p.result.kind === "rejected" || p.item.body.kind !== "envelope") continue;
    const needs = registryNeeds(p.item.body.envelope, p.result);
    needs.devices.forEach((d) => devices.add(d));
    sensors.push(...needs.sensors);
  }
  const registry = await loadRegistryView(data, { devices, sensors });
  const normalized = parsed.map(({ item, result }): Normalized => {
    if (item.body.kind === "malformed") return { item, msgId: `queue:${item.queueId}`.slice(0, 64), receivedAt: item.timestamp, bytes: 0, outcome: result as Rejection };
    const e = item.body.envelope;
    const outcome = result.kind === "rejected" ? result : normalize(e, result, registry);
    return { item, msgId: e.msgId, receivedAt: e.receivedAt, bytes: e.bytes, outcome };
  });
  return { normalized, registry };
}

/** Profile and tags of the devices whose points are stored, so the hot store can pick their alarm rules. */
function deviceScopes(normalized: Normalized[], registry: RegistryView): NonNullable<IngestInput["devices"]> {
  const ids = new Set<string>();
  for (const n of normalized) if (n.outcome.kind === "points") for (const p of n.outcome.points) ids.add(p.device);
  return [...ids].map((id) => {
    const d = registry.device(id);
    return { id, profileId: d?.profileId ?? null, tags: d?.tags ?? [] };
  });
}

function uniqueByMsgId(list: Normalized[]): Normalized[] {
  const seen = new Set<string>();
  return list.filter((n) => !seen.has(n.msgId) && seen.add(n.msgId));
}

/** Groups messages into hot-store calls of bounded size, at message boundaries. */
function chunksOf(messages: IngestMessage[], maxPoints: number): IngestMessage[][] {
  const out: IngestMessage[][] = [];
  let current: IngestMessage[] = [];
  let points = 0;
  for (const m of messages) {
    const n = m.outcome.kind === "points" ? m.outcome.points.length : 0;
    if (current.length && (points + n > maxPoints || current.length === 1000)) {
      out.push(current);
      [current, points] = [[], 0];
    }
    current.push(m);
    points += n;
  }
  if (current.length) out.push(current);
  return out;
}

export async function processTenantBatch(tenantId: string, items: TenantItem[], deps: ConsumerDeps): Promise<TenantBatchSummary> {
  const consumedAt = Date.now();
  const data = deps.data(tenantId);
  // Independent registry reads go out together: each D1 round trip adds to every point's latency.
  const [tenant, { normalized: normalizedItems, registry }, devicesRegistered] = await Promise.all([deps.platform.tenants.find(tenantId), normalizeAll(data, items), data.devices.count()]);
  // An offboarding tenant's stores are being exported and purged: late messages must not write into them.
  if (!tenant || tenant.status === "deleted" || tenant.status === "offboarding") {
    log.warn("dropping telemetry of an unknown, offboarding or deleted tenant", { tenant: tenantId, status: tenant?.status ?? "unknown", count: items.length });
    return { messages: items.length, stored: 0, rejected: 0, exported: 0, spilled: 0 };
  }
  const store = deps.store(tenant);
  // The same message twice in one batch (a redelivery racing its original) counts once.
  const normalized = uniqueByMsgId(normalizedItems);
  const devices = deviceScopes(normalized, registry);

  const retentionDays = effectiveLimits(tenant.plan, tenant.limits).hotStoreRetentionDays;
  const pending = new Set<string>();
  let stored = 0;
  let databaseBytes = 0;
  // The local Queues binding reports no backlog: the wait of this batch's oldest message stands in for it.
  const consumerRun = { at: consumedAt, messages: items.length, lagMs: Math.max(0, consumedAt - items.reduce((oldest, i) => Math.min(oldest, i.timestamp), consumedAt)) };
  for (const chunk of chunksOf(
    normalized.map((n) => toIngestMessage(n, consumedAt)),
    deps.ingestChunkPoints ?? DEFAULT_INGEST_CHUNK_POINTS,
  )) {
    const result = await store.ingest({ retentionDays, messages: chunk, devices, consumerRun } satisfies IngestInput);
    result.pending.forEach((id) => pending.add(id));
    stored += result.inserted;
    databaseBytes = result.databaseBytes;
  }

  const toExport = normalized.filter((n) => pending.has(n.msgId));
  const tally = new UsageTally();
  const attributes: { id: string; attributes: Record<string, unknown> }[] = [];
  const points: TelemetryPoint[] = [];
  for (const n of toExport) {
    const o = n.outcome;
    if (o.kind === "rejected") tally.message(n.bytes, { rejected: o.reason });
    else if (o.kind === "points") {
      tally.message(n.bytes, { points: o.points.length });
      points.push(...o.points);
    } else {
      tally.message(n.bytes, { stored: true });
      if (o.kind === "attributes") attributes.push(...o.updates.map((u) => ({ id: u.device, attributes: u.attributes })));
    }
  }

  let spilled = 0;
  if (toExport.length > 0) {
    await data.devices.mergeClientAttributes(attributes);
    await data.usage.record(tally.counters, { [USAGE_GAUGES.hotStoreBytes]: databaseBytes, [USAGE_GAUGES.devicesRegistered]: devicesRegistered });
    spilled = await exportToAnalytics(tenantId, points, deps.analytics, deps.spillQueue);
    const exported = [...pending];
    for (let i = 0; i < exported.length; i += 1000) await store.markExported(exported.slice(i, i + 1000));
  }
  const rejected = normalized.filter((n) => n.outcome.kind === "rejected").length;
  return { messages: items.length, stored, rejected, exported: toExport.length, spilled };
}
