/**
 * Telemetry test helpers: envelopes as the hub would enqueue them, batches run through the
 * real consumer with the real queue/Durable Object/D1 simulators, and a recording Analytics
 * Engine writer (the one stand-in: the local AE binding stores nothing).
 */
import { createExecutionContext, createMessageBatch, getQueueResult, type QueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { unpackReadings } from "../../../domain/telemetry/ae-layout";
import { RecordingAnalyticsWriter, type AeDataPoint } from "../../../domain/telemetry/analytics-engine";
import type { EnvelopeSource, TelemetryEnvelope } from "../../../domain/telemetry/envelope";
import { sortableId } from "../../../domain/ids";
import { consumeDeadLetters, deadLetterDeps } from "../../../workers/queue/dead-letter-consumer";
import { TELEMETRY_DLQ_NAME, TELEMETRY_QUEUE_NAME } from "../../../workers/queue/messages";
import { consumeTelemetry, consumerDeps, type ConsumeSummary } from "../../../workers/queue/telemetry-consumer";
import type { ConsumerDeps } from "../../../workers/queue/tenant-batch";
import { telemetryStore } from "../../../workers/telemetry/store-client";

let seq = 0;

export function envelope(tenant: string, source: EnvelopeSource, payload: unknown, opts: { receivedAt?: number; msgId?: string } = {}): TelemetryEnvelope {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  const msgId = opts.msgId ?? sortableId();
  const topic =
    source.kind === "device"
      ? `t/${tenant}/devices/${source.device}/${source.channel}`
      : source.kind === "gateway"
        ? `t/${tenant}/gateways/${source.gateway}/${source.channel}`
        : `tenants/${tenant}/assets/${source.asset}/sensors/${source.sensor}/telemetry`;
  return {
    v: 1,
    tenant,
    msgId,
    traceId: msgId,
    receivedAt: opts.receivedAt ?? Date.now(),
    source,
    publisher: source.kind === "gateway" ? source.gateway : source.device,
    topic,
    payload: text,
    bytes: new TextEncoder().encode(text).byteLength,
  };
}

export const deviceTelemetry = (tenant: string, device: string, payload: unknown, opts?: { receivedAt?: number; msgId?: string }) => envelope(tenant, { kind: "device", device, channel: "telemetry" }, payload, opts);

export type Delivery = { id?: string; body: unknown; attempts?: number; timestamp?: number };

/** Test wiring: production deps with a recording AE writer (fresh per call, like an invocation). */
export function testDeps(overrides: Partial<ConsumerDeps> = {}): ConsumerDeps & { analytics: RecordingAnalyticsWriter } {
  return { ...consumerDeps(env), analytics: new RecordingAnalyticsWriter(), ...overrides } as ConsumerDeps & { analytics: RecordingAnalyticsWriter };
}

/** `retryDelays`: the delay each retried message asked for (the queue result does not report it). */
export type BatchRun = { result: QueueResult; summary: ConsumeSummary; written: AeDataPoint[]; retryDelays: Record<string, number | undefined> };

export async function runBatch(deliveries: (Delivery | TelemetryEnvelope)[], deps: ConsumerDeps & { analytics: RecordingAnalyticsWriter } = testDeps()): Promise<BatchRun> {
  const messages = deliveries.map((d) => {
    const delivery: Delivery = "v" in d ? { body: d } : d;
    return { id: delivery.id ?? `qm-${Date.now().toString(36)}-${(seq++).toString(36)}`, timestamp: delivery.timestamp ?? Date.now(), attempts: delivery.attempts ?? 1, body: delivery.body };
  });
  const batch = createMessageBatch(TELEMETRY_QUEUE_NAME, messages);
  const retryDelays: Record<string, number | undefined> = {};
  for (const m of batch.messages) {
    const retry = m.retry.bind(m);
    Object.defineProperty(m, "retry", { value: (options?: QueueRetryOptions) => ((retryDelays[m.id] = options?.delaySeconds), retry(options)) });
  }
  const ctx = createExecutionContext();
  const summary = await consumeTelemetry(batch, deps);
  return { result: await getQueueResult(batch, ctx), summary, written: deps.analytics.written, retryDelays };
}

/** The readings Analytics Engine data points carry, unpacked (with each data point's device and metric). */
export const writtenReadings = (written: AeDataPoint[]) => written.flatMap((dp) => unpackReadings(dp.doubles[0]!, dp.blobs[3]!).map((r) => ({ tenant: dp.indexes[0], device: dp.blobs[0], metric: dp.blobs[1], ...r })));

export async function runDeadLetters(deliveries: Delivery[]) {
  const batch = createMessageBatch(
    TELEMETRY_DLQ_NAME,
    deliveries.map((d) => ({ id: d.id ?? `dl-${(seq++).toString(36)}`, timestamp: d.timestamp ?? Date.now(), attempts: d.attempts ?? 6, body: d.body })),
  );
  const ctx = createExecutionContext();
  const outcome = await consumeDeadLetters(batch, deadLetterDeps(env));
  return { outcome, result: await getQueueResult(batch, ctx) };
}

/** A test tenant's hot store (test tenants live in the default region). */
export const store = (tenant: string) => telemetryStore(env, { id: tenant, region: "default" });

/** Raw points of one series from the hot store. */
export async function rawPoints(tenant: string, device: string, metric: string, from = 0, to = Date.now() + 3_600_000) {
  const result = await store(tenant).series({ devices: [device], metrics: [metric], from, to, bucket: "raw", agg: "avg", limit: 10_000 });
  return result.series[0]?.points ?? [];
}

/** Polls `check` until it returns a truthy value (the real queue delivers asynchronously). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}
