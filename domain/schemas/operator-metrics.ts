/**
 * The operator's live metrics per tenant (`GET /api/v1/admin/metrics`): connections, message
 * rates and error rates measured over a short window from each tenant hub's counters, the
 * telemetry pipeline's lag and what it could not deliver — sorted so a noisy or broken tenant
 * comes first.
 */
import { z } from "zod";

export const METRICS_SORT = ["messages", "errors", "lag", "connections"] as const;

export const OperatorMetricsQuery = z
  .object({
    /** How long to watch the hubs' counters; rates are per second over this window. */
    windowMs: z.coerce.number().int().min(200).max(5_000).default(1_000),
    sort: z.enum(METRICS_SORT).default("messages"),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type OperatorMetricsQuery = z.infer<typeof OperatorMetricsQuery>;

const rate = z.number().nonnegative().describe("per second over the window");

export const TenantMetrics = z.object({
  tenant: z.object({ id: z.string(), name: z.string(), plan: z.string(), status: z.string() }),
  /** Null when the tenant's hub did not answer (the tenant is listed first: it may be broken). */
  hub: z
    .object({
      connectedClients: z.number().int(),
      messagesInPerSecond: rate,
      messagesOutPerSecond: rate,
      deniedPerSecond: rate.describe("publishes and subscriptions the ACL refused, per second"),
      limitHitsPerSecond: rate.describe("plan limits hit (rates, payload size, connections…), per second"),
      droppedPerSecond: rate.describe("messages dropped for slow or full subscribers, per second"),
      limitHitsSinceWake: z.record(z.string(), z.number()),
    })
    .nullable(),
  pipeline: z.object({
    lastConsumerRun: z.string().nullable(),
    lagMs: z.number().int().nullable().describe("how long the oldest message of the consumer's last run for this tenant waited in the queue"),
    rejectedLastHour: z.number().int().nullable(),
    deadLetters: z.number().int(),
  }),
  /** Dependencies that did not answer for this tenant. */
  degraded: z.array(z.enum(["hub", "hot-store"])),
});
export type TenantMetrics = z.infer<typeof TenantMetrics>;

export const OperatorMetrics = z.object({
  windowMs: z.number().int(),
  sort: z.enum(METRICS_SORT),
  measuredAt: z.string(),
  items: z.array(TenantMetrics),
  nextCursor: z.string().nullable(),
});
export type OperatorMetrics = z.infer<typeof OperatorMetrics>;
