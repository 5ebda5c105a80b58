/**
 * A tenant's platform status (`GET /api/v1/status`), shared with the console's status card:
 * whether the tenant's MQTT hub answers, how far behind the telemetry pipeline is, and what
 * it could not deliver.
 */
import { z } from "zod";

export const TenantStatus = z.object({
  checkedAt: z.string().describe("when the status was assembled (ISO 8601)"),
  hub: z.object({
    reachable: z.boolean(),
    connectedClients: z.number().int().nullable().describe("MQTT clients connected now (null when the hub did not answer)"),
    telemetryPending: z.number().int().nullable().describe("messages the hub accepted and has not yet handed to the queue"),
  }),
  queue: z.object({
    backlog: z.null().describe("always null: Cloudflare Queues exposes no backlog to a Worker; see lastRunLagMs"),
    lastConsumerRun: z.string().nullable().describe("when the telemetry consumer last processed this tenant's messages (null: never, or the hot store did not answer)"),
    lastRunMessages: z.number().int().nullable().describe("how many of this tenant's messages that run took"),
    lastRunLagMs: z.number().int().nullable().describe("how long the oldest message of that run waited in the queue, ms: the queue lag the consumer saw"),
  }),
  deadLetters: z.object({
    count: z.number().int().describe("messages that exhausted their retries and were not re-driven"),
    oldestAt: z.string().nullable(),
  }),
  rejectedLastHour: z.number().int().nullable().describe("messages the pipeline rejected in the last hour (null when the hot store did not answer)"),
  /** Dependencies that did not answer, by name (empty when all did). */
  degraded: z.array(z.enum(["hub", "hot-store"])),
});
export type TenantStatus = z.infer<typeof TenantStatus>;
