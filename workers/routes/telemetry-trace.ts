/**
 * `GET /api/v1/telemetry/trace/:traceId`: where one telemetry message went and how long each hop
 * took (accepted by the hub → enqueued → consumed → stored, rejected or dead-lettered). Mounted
 * under /api/v1/telemetry after the telemetry router, whose middleware authenticates and rate
 * limits. It reads only the calling tenant's hot store, so another tenant's trace id is a 404
 * like an unknown one. Traces are a recent window (durable-objects/telemetry-store/traces.ts).
 */
import { Hono } from "hono";
import { z } from "zod";
import { AppError } from "../../domain/errors";
import { ClientTraceId, traceView, TraceView } from "../../domain/telemetry/trace";
import type { AppEnv } from "../http/app-env";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { validate } from "../http/validate";
import { telemetryStore } from "../telemetry/store-client";

const TraceParam = z.object({ traceId: ClientTraceId });

export const telemetryTraceRoutes = new Hono<AppEnv>().get(
  "/trace/:traceId",
  doc({
    summary: "Follow one telemetry message through the pipeline",
    description:
      "The hops of the message with this trace id (the message id the hub gave it, or the `trace-id` user property an MQTT v5 publisher set), each with its time and the time since the previous hop: accepted (the hub took the PUBLISH), enqueued (the queue took it), consumed, then stored, rejected (detail: the reason) or dead_lettered. Recent messages only (the last 24 hours, at most 20 000 hops per tenant); 404 when the store holds no hop of it.",
    tags: ["telemetry"],
    ok: { schema: TraceView },
    errors: [400, 404],
  }),
  requireRole("VIEWER"),
  validate("param", TraceParam),
  async (c) => {
    const { traceId } = c.req.valid("param");
    const hops = await telemetryStore(c.env, c.get("tenant")).trace(traceId);
    if (hops.length === 0) throw new AppError("not_found", `no trace '${traceId}' in this tenant's recent messages`);
    return c.json(traceView(traceId, hops));
  },
);
