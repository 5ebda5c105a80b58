/**
 * The hot store's RPC contract. RPC is a boundary: every method parses its input with these
 * schemas, and the Worker-side client builds its calls from the same types.
 */
import { z } from "zod";
import { DeviceId } from "../../domain/ids";
import { MAX_LATEST_DEVICES } from "../../domain/schemas/fleet";
import { MAX_POINTS_PER_MESSAGE, SeriesMetric, TelemetryValue } from "../../domain/telemetry/points";
import { MAX_QUERY_DEVICES, MAX_QUERY_METRICS } from "../../domain/telemetry/query";
import { PAYLOAD_EXCERPT_CHARS, RejectionReason } from "../../domain/telemetry/rejections";
import { ConsumerRun } from "./traces";

const MsgId = z.string().min(1).max(64);

export const StoredPoint = z.object({
  device: DeviceId,
  metric: SeriesMetric,
  ts: z.number().int(),
  seq: z.number().int().nonnegative(),
  value: TelemetryValue,
  unit: z.string().max(32).nullable(),
});
export type StoredPoint = z.infer<typeof StoredPoint>;

export const IngestMessage = z.object({
  msgId: MsgId,
  receivedAt: z.number().int(),
  /** The message's trace (traces.ts): the store adds the hops up to its own (stored or rejected). */
  trace: z.object({ traceId: z.string().min(1).max(64), enqueuedAt: z.number().int(), consumedAt: z.number().int() }).optional(),
  outcome: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("points"), points: z.array(StoredPoint).max(MAX_POINTS_PER_MESSAGE) }),
    /** Attributes and events: nothing to keep here but the fact that the message was seen. */
    z.object({ kind: z.literal("seen") }),
    z.object({
      kind: z.literal("rejected"),
      reason: RejectionReason,
      detail: z.string().max(500),
      device: z.string().max(128).nullable(),
      /** The MQTT client that published (a gateway for its children's readings). */
      publisher: z.string().max(128).nullable().optional(),
      topic: z.string().max(1024),
      payloadExcerpt: z.string().max(PAYLOAD_EXCERPT_CHARS),
    }),
  ]),
});
export type IngestMessage = z.infer<typeof IngestMessage>;

/** A device's profile and tags, which decide the alarm rules that watch its readings. */
const DeviceScopeInput = z.object({ id: DeviceId, profileId: z.string().max(64).nullable(), tags: z.array(z.string().max(64)).max(32) });
export const IngestInput = z.object({
  retentionDays: z.number().int().min(1).max(3650),
  messages: z.array(IngestMessage).max(1000),
  /** At most one per point of the call (a batch's messages may name many gateway children). */
  devices: z
    .array(DeviceScopeInput)
    .max(MAX_POINTS_PER_MESSAGE * 1000)
    .optional(),
  /** What the consumer saw on this batch, for the tenant's status (traces.ts). */
  consumerRun: ConsumerRun.optional(),
});
export type IngestInput = z.infer<typeof IngestInput>;
/** `pending`: messages stored (now or by an earlier attempt) whose export is not confirmed yet. */
export type IngestResult = { pending: string[]; inserted: number; databaseBytes: number };

export const MarkExportedInput = z.object({ msgIds: z.array(MsgId).max(1000) });

const Devices = z.array(DeviceId).min(1).max(MAX_QUERY_DEVICES);
const Metrics = z.array(SeriesMetric).max(MAX_QUERY_METRICS);

export const LatestInput = z.object({ device: DeviceId, metrics: Metrics });
/** Latest values of several devices in one call (the console's device table and value cards). */
export const LatestManyInput = z.object({ devices: z.array(DeviceId).min(1).max(MAX_LATEST_DEVICES), metrics: Metrics });
export const RejectedCountInput = z.object({ since: z.number().int() });
const LatestValue = z.object({ ts: z.number(), value: TelemetryValue });
export type LatestResult = { device: string; values: Record<string, z.infer<typeof LatestValue>> };

export const SeriesListInput = z.object({ devices: Devices, metrics: Metrics });

export const ExportPageInput = z.object({
  device: DeviceId,
  metric: SeriesMetric,
  from: z.number().int(),
  to: z.number().int(),
  /** Continue after this point (time, then id). */
  after: z.object({ ts: z.number().int(), id: z.number().int() }).nullable(),
  limit: z.number().int().min(1).max(5000),
});
export type ExportRow = { id: number; device: string; metric: string; ts: number; value: number | boolean | string; unit: string | null; msgId: string; seq: number };

export const TailInput = z.object({ devices: Devices, metrics: Metrics, afterId: z.number().int().nonnegative().nullable(), limit: z.number().int().min(1).max(1000) });
type TailRow = { id: number; device: string; metric: string; ts: number; value: number | boolean | string };
export type TailResult = { rows: TailRow[]; lastId: number };

export const RejectedListInput = z.object({
  limit: z.number().int().min(1).max(200),
  cursor: z.string().max(200).optional(),
  reason: RejectionReason.optional(),
  device: DeviceId.optional(),
});
