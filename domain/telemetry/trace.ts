/**
 * A telemetry message's trace: the hops it takes from the hub to the hot store, each with the
 * time it reached it. The trace id is made by the hub when it accepts the PUBLISH (the message
 * id unless an MQTT v5 client supplied its own `trace-id` user property) and travels in the
 * queue envelope, the hot store's trace table and the Analytics Engine data point.
 */
import { z } from "zod";

/** In pipeline order; a message ends in exactly one of the last three. */
export const TRACE_HOPS = ["accepted", "enqueued", "consumed", "stored", "rejected", "dead_lettered"] as const;
export type TraceHopName = (typeof TRACE_HOPS)[number];

export type TraceHop = { hop: TraceHopName; at: number; detail: string | null };

/** What a client-supplied trace id may look like: it lands in logs, URLs and Analytics Engine blobs. */
export const ClientTraceId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/);

export const TraceView = z.object({
  traceId: z.string(),
  /** Where the message ended, as far as the store knows (null: still on its way, or the trace was trimmed). */
  outcome: z.enum(["stored", "rejected", "dead_lettered"]).nullable(),
  hops: z.array(
    z.object({
      hop: z.enum(TRACE_HOPS),
      at: z.string(),
      /** Time since the previous hop, ms (0 for the first). */
      sincePreviousMs: z.number(),
      /** Time since the hub accepted the message, ms. */
      sinceAcceptedMs: z.number().nullable(),
      detail: z.string().nullable(),
    }),
  ),
});
export type TraceView = z.infer<typeof TraceView>;

export function traceView(traceId: string, hops: readonly TraceHop[]): TraceView {
  const accepted = hops.find((h) => h.hop === "accepted")?.at ?? null;
  const end = [...hops].reverse().find((h) => h.hop === "stored" || h.hop === "rejected" || h.hop === "dead_lettered");
  return {
    traceId,
    outcome: (end?.hop as TraceView["outcome"]) ?? null,
    hops: hops.map((h, i) => ({
      hop: h.hop,
      at: new Date(h.at).toISOString(),
      sincePreviousMs: i === 0 ? 0 : h.at - hops[i - 1]!.at,
      sinceAcceptedMs: accepted === null ? null : h.at - accepted,
      detail: h.detail,
    })),
  };
}
