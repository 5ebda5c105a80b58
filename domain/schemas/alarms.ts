/**
 * Alarms as the API takes and returns them, shared with the console: rules (what raises an
 * alarm, for which devices, how hard), alarms (their lifecycle) and webhook targets (who is told).
 * The evaluator (domain/alarms/) runs on these same rule types inside the tenant's hot store.
 */
import { z } from "zod";
import { DeviceId, ResourceId } from "../ids";
import { SeriesMetric, TelemetryValue } from "../telemetry/points";
import { Timestamp } from "./common";

export const AlarmSeverity = z.enum(["critical", "major", "minor", "warning"]);
export type AlarmSeverity = z.infer<typeof AlarmSeverity>;
export const ALARM_SEVERITIES = AlarmSeverity.options;

/** Which devices a rule watches: those of a profile, one device, or those carrying a tag. */
export const AlarmScope = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("profile"), profileId: ResourceId }),
  z.object({ kind: z.literal("device"), deviceId: DeviceId }),
  z.object({ kind: z.literal("tag"), tag: z.string().trim().min(1).max(64) }),
]);
export type AlarmScope = z.infer<typeof AlarmScope>;

export const ANOMALY_DEFAULTS = { zScore: 4, warmup: 100, alpha: 0.05 } as const;
/** Longest silence a rule may wait for: a week. */
const MAX_SILENCE_SECONDS = 7 * 86_400;

const Metric = SeriesMetric.describe("the telemetry metric the condition reads");

export const AlarmCondition = z.discriminatedUnion("type", [
  z.object({ type: z.literal("above"), metric: Metric, value: z.number().describe("raises while the reading is > value") }),
  z.object({ type: z.literal("below"), metric: Metric, value: z.number().describe("raises while the reading is < value") }),
  z
    .object({
      type: z.literal("range"),
      metric: Metric,
      min: z.number(),
      max: z.number(),
      when: z.enum(["outside", "inside"]).default("outside").describe("raise while the reading is outside [min, max] (default) or inside it"),
    })
    .refine((c) => c.min <= c.max, { path: ["max"], message: "must be at least min" }),
  z.object({ type: z.literal("equals"), metric: Metric, value: TelemetryValue.describe("raises while the reading equals this value") }),
  z.object({ type: z.literal("changed"), metric: Metric.describe("raises when a reading differs from the one before it") }),
  z.object({
    type: z.literal("silence"),
    afterSeconds: z.number().int().min(1).max(MAX_SILENCE_SECONDS).describe("raises when no reading arrived for this long; the next reading clears it"),
    metric: Metric.optional().describe("only readings of this metric count (default: any)"),
  }),
  z.object({
    type: z.literal("anomaly"),
    metric: Metric,
    zScore: z.number().positive().max(100).default(ANOMALY_DEFAULTS.zScore).describe("raises while |reading − EWMA mean| / EWMA deviation exceeds this"),
    warmup: z.number().int().min(2).max(100_000).default(ANOMALY_DEFAULTS.warmup).describe("readings learned before judging any"),
    alpha: z.number().gt(0).lt(1).default(ANOMALY_DEFAULTS.alpha).describe("EWMA smoothing: the weight of the newest reading"),
  }),
]);
export type AlarmCondition = z.infer<typeof AlarmCondition>;

/** Without defaults: an update names only what changes (defaults inside a partial would reset the rest). */
const RuleFields = z.object({
  name: z.string().trim().min(1).max(120),
  scope: AlarmScope,
  condition: AlarmCondition,
  severity: AlarmSeverity,
  raiseAfter: z.number().int().min(1).max(1000).describe("consecutive breaching readings before the alarm is raised"),
  clearAfter: z.number().int().min(1).max(1000).describe("consecutive normal readings before it clears"),
  durationSeconds: z.number().int().min(0).max(86_400).describe("the breach must also last this long (first to latest breaching reading)"),
  enabled: z.boolean(),
});

export const CreateAlarmRule = RuleFields.extend({
  severity: RuleFields.shape.severity.default("major"),
  raiseAfter: RuleFields.shape.raiseAfter.default(1),
  clearAfter: RuleFields.shape.clearAfter.default(1),
  durationSeconds: RuleFields.shape.durationSeconds.default(0),
  enabled: RuleFields.shape.enabled.default(true),
});
export type CreateAlarmRule = z.infer<typeof CreateAlarmRule>;
export const UpdateAlarmRule = RuleFields.partial().refine((p) => Object.keys(p).length > 0, "nothing to update");
export type UpdateAlarmRule = z.infer<typeof UpdateAlarmRule>;

export const AlarmRule = RuleFields.extend({ id: z.string(), createdAt: Timestamp, updatedAt: Timestamp });
export type AlarmRule = z.infer<typeof AlarmRule>;
/** A tenant's rules are all pushed to its hot store at once; this bounds that. */
export const MAX_ALARM_RULES = 500;

const AlarmStatus = z.enum(["active", "cleared"]);

export const Alarm = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  deviceId: z.string(),
  metric: z.string().nullable(),
  severity: AlarmSeverity,
  status: AlarmStatus,
  acknowledged: z.boolean(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: Timestamp.nullable(),
  raisedAt: Timestamp,
  /** The reading that raised it (null for silence), and what the evaluator saw (e.g. the z-score). */
  value: TelemetryValue.nullable(),
  details: z.record(z.string(), z.unknown()),
  clearedAt: Timestamp.nullable(),
  /** `system` when the clear condition held; else who cleared it. */
  clearedBy: z.string().nullable(),
});
export type Alarm = z.infer<typeof Alarm>;

/** `status` also takes the four ThingsBoard-style combinations. */
export const AlarmStatusFilter = z.enum(["active", "cleared", "active_unack", "active_ack", "cleared_unack", "cleared_ack"]);
export type AlarmStatusFilter = z.infer<typeof AlarmStatusFilter>;

export const AlarmQuery = z.object({
  status: AlarmStatusFilter.optional(),
  severity: AlarmSeverity.optional(),
  device: DeviceId.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  // Alarm ids sort by time, and the cursor is the last one of the previous page.
  cursor: z
    .string()
    .regex(/^[0-9a-hjkmnp-tv-z]{26}$/, "not a cursor from this list (use nextCursor as given)")
    .optional(),
});
export type AlarmQuery = z.infer<typeof AlarmQuery>;

export const AlarmCounts = z.object({
  active: z.number().int(),
  unacknowledged: z.number().int().describe("active and not acknowledged"),
  bySeverity: z.record(AlarmSeverity, z.number().int()).describe("active alarms per severity"),
});
export type AlarmCounts = z.infer<typeof AlarmCounts>;

/** What an alarm change tells webhooks and `t/{tenant}/alarms/{device}` subscribers. */
export const AlarmEventType = z.enum(["raised", "cleared", "acknowledged"]);
export type AlarmEventType = z.infer<typeof AlarmEventType>;
export const AlarmEvent = z.object({ id: z.string(), type: AlarmEventType, tenant: z.string(), at: Timestamp, alarm: Alarm });
/** What webhook targets receive: alarm events, and a firmware rollout that paused itself (sent as a major event). */
export const WebhookEventType = z.enum([...AlarmEventType.options, "rollout_paused"]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;
export type AlarmEvent = z.infer<typeof AlarmEvent>;

/** Webhook URLs are HTTPS; plain http only for hosts the platform allows (ALARM_WEBHOOK_HTTP_HOSTS, tests). */
const WebhookUrl = z
  .url()
  .max(2048)
  .refine((u) => /^https?:\/\//i.test(u), "must be an https:// URL");

const WebhookFields = z.object({
  name: z.string().trim().min(1).max(120),
  url: WebhookUrl,
  minSeverity: AlarmSeverity.describe("only alarms at least this severe are sent"),
  enabled: z.boolean(),
});
export const CreateWebhookTarget = WebhookFields.extend({ minSeverity: WebhookFields.shape.minSeverity.default("warning"), enabled: WebhookFields.shape.enabled.default(true) });
export type CreateWebhookTarget = z.infer<typeof CreateWebhookTarget>;
export const UpdateWebhookTarget = WebhookFields.partial().refine((p) => Object.keys(p).length > 0, "nothing to update");
export type UpdateWebhookTarget = z.infer<typeof UpdateWebhookTarget>;

export const WebhookTarget = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  minSeverity: AlarmSeverity,
  enabled: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type WebhookTarget = z.infer<typeof WebhookTarget>;
/** Returned once, on creation: the secret a receiver verifies signatures with. */
export const CreatedWebhookTarget = z.object({ target: WebhookTarget, secret: z.string() });

const DeliveryStatus = z.enum(["pending", "delivered", "failed"]);
export const WebhookDelivery = z.object({
  id: z.string(),
  targetId: z.string(),
  eventId: z.string(),
  eventType: WebhookEventType,
  alarmId: z.string().describe("the alarm; for a rollout event, the rollout"),
  status: DeliveryStatus,
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

const SEVERITY_RANK: Record<AlarmSeverity, number> = { warning: 0, minor: 1, major: 2, critical: 3 };
export const atLeastSeverity = (s: AlarmSeverity, min: AlarmSeverity) => SEVERITY_RANK[s] >= SEVERITY_RANK[min];
