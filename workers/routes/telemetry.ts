/**
 * The telemetry API: series queries (several devices and metrics at once, raw or bucketed),
 * CSV/NDJSON export, a live Server-Sent Events stream, the rejected-messages log and (nested)
 * dead letters. Everything reads the verified tenant's own hot store (or, for old ranges, its
 * own slice of Analytics Engine).
 */
import type { Context } from "hono";
import { z } from "zod";
import { AppError } from "../../domain/errors";
import { page } from "../../domain/schemas/common";
import { DeviceId } from "../../domain/ids";
import { Aggregate, Bucket, coveredRange, Series } from "../../domain/telemetry/query";
import { RejectedMessage, RejectionReason } from "../../domain/telemetry/rejections";
import { PageQuery } from "../../domain/schemas/common";
import { LatestValues } from "../../domain/schemas/fleet";
import type { AppEnv } from "../http/app-env";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";
import { chooseBackend } from "../telemetry/backend";
import { telemetryEventStream } from "../telemetry/event-stream";
import { exportStream } from "../telemetry/export";
import { ExportParams, LatestManyParams, resolveRange, SeriesParams, StreamParams } from "../telemetry/params";
import { telemetryStore } from "../telemetry/store-client";
import { deadLetterRoutes } from "./dead-letters";
import { errorFields } from "../../domain/log";
import { requestLog } from "../http/log";

const tags = ["telemetry"];

const SeriesResponse = z.object({
  from: z.number().describe("start of the range answered (inclusive): `from` as asked for raw points, the start of its bucket for aggregates"),
  to: z.number().describe("end of the range answered (exclusive): `to` as asked for raw points, the end of the bucket holding `to - 1` for aggregates"),
  bucket: Bucket,
  agg: Aggregate,
  source: z.enum(["hot-store", "analytics-engine"]),
  series: z.array(Series),
});
/**
 * Every device a series, export or stream names must be one of the tenant's: an unknown (or
 * deleted, or another tenant's) device is a 404 naming it on each of these routes, never an
 * empty answer on one and an error on another.
 */
async function requireDevices(c: Context<AppEnv>, ids: string[]): Promise<void> {
  const known = new Set((await c.get("data").devices.telemetryFacts(ids)).map((d) => d.id));
  const missing = ids.find((d) => !known.has(d));
  if (missing) throw new AppError("not_found", `device '${missing}' not found`);
}

const RejectedQuery = PageQuery.extend({ reason: RejectionReason.optional(), device: DeviceId.optional() }).strict();

export const telemetryRoutes = tenantRouter()
  .get(
    "/",
    doc({
      summary: "Query telemetry series",
      description:
        "`device` and `metric` take comma-separated lists; `bucket` raw|1m|1h|1d with `agg` avg|min|max|sum|count|last. Recent ranges come from the hot store, older ones from Analytics Engine when configured (`source` says which).",
      tags,
      ok: { schema: SeriesResponse },
      errors: [400, 404, 503],
    }),
    requireRole("VIEWER"),
    validate("query", SeriesParams),
    async (c) => {
      const p = c.req.valid("query");
      await requireDevices(c, p.device);
      const requested = resolveRange(p);
      // Aggregates cover whole buckets: the answer's from/to are the range they cover.
      const { from, to } = coveredRange(p.bucket, requested.from, requested.to);
      const query = { devices: p.device, metrics: p.metric ?? [], from, to, bucket: p.bucket, agg: p.agg, limit: p.limit };
      const backend = chooseBackend(c.env, c.get("tenant"), query);
      try {
        const result = await backend.series(query);
        return c.json({ from, to, bucket: p.bucket, agg: p.agg, source: backend.name, series: result.series });
      } catch (err) {
        if (backend.name !== "analytics-engine") throw err;
        requestLog(c, "telemetry").error("analytics-engine query failed", errorFields(err));
        throw new AppError("unavailable", "long-term telemetry storage is unavailable; try again, or query a range inside the hot-store retention");
      }
    },
  )
  .get(
    "/export",
    doc({
      summary: "Export raw telemetry as CSV or NDJSON",
      description: "Streams every raw point of the range, series by series in time order.",
      tags,
      ok: { contentType: "text/csv", description: "CSV (or NDJSON with format=ndjson)" },
      errors: [400, 404],
    }),
    requireRole("VIEWER"),
    validate("query", ExportParams),
    async (c) => {
      const p = c.req.valid("query");
      await requireDevices(c, p.device);
      const { from, to } = resolveRange(p);
      const tenant = c.get("tenant").id;
      const store = telemetryStore(c.env, c.get("tenant"));
      const series = await store.seriesList(p.device, p.metric ?? []);
      const csv = p.format === "csv";
      return new Response(exportStream(store, { series, from, to, format: p.format, limit: p.limit }), {
        headers: {
          "content-type": csv ? "text/csv; charset=utf-8" : "application/x-ndjson",
          "content-disposition": `attachment; filename="telemetry-${tenant}-${from}-${to}.${csv ? "csv" : "ndjson"}"`,
          "cache-control": "no-store",
        },
      });
    },
  )
  .get(
    "/stream",
    doc({
      summary: "Live telemetry (Server-Sent Events)",
      description: "Events `telemetry` with {device, metric, ts, value}; resume with Last-Event-ID. The stream ends after 10 minutes; EventSource reconnects.",
      tags,
      ok: { contentType: "text/event-stream", description: "An event stream: `event: telemetry`, `id:` (a position to resume from), `data:` one JSON {device, metric, ts, value} per point" },
      errors: [400, 404],
      headers: [{ name: "Last-Event-ID", description: "the `id` of the last event received: the stream resumes after it (EventSource sends it when it reconnects)", schema: { type: "string", pattern: "^\\d{1,15}$" } }],
    }),
    requireRole("VIEWER"),
    validate("query", StreamParams),
    async (c) => {
      const p = c.req.valid("query");
      await requireDevices(c, p.device);
      const lastEventId = c.req.header("last-event-id") ?? "";
      const resume = /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : null;
      const stream = telemetryEventStream(telemetryStore(c.env, c.get("tenant")), { devices: p.device, metrics: p.metric ?? [], lastEventId: resume });
      return new Response(stream, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" } });
    },
  )
  .get(
    "/latest",
    doc({
      summary: "Latest values of several devices",
      description: "The newest value of each metric (or of the comma-separated `metric` list) for up to 100 comma-separated `device` ids, in one call. Devices this tenant does not have are absent; a device without values has `values: {}`.",
      tags,
      ok: { schema: LatestValues },
      errors: [400],
    }),
    requireRole("VIEWER"),
    validate("query", LatestManyParams),
    async (c) => {
      const p = c.req.valid("query");
      // Only this tenant's registered devices: the hot store may still hold series of deleted ones.
      const known = new Set((await c.get("data").devices.telemetryFacts(p.device)).map((d) => d.id));
      const devices = p.device.filter((d) => known.has(d));
      if (devices.length === 0) return c.json({ items: [] });
      return c.json({ items: await telemetryStore(c.env, c.get("tenant")).latestMany(devices, p.metric ?? []) });
    },
  )
  .get(
    "/rejected",
    doc({
      summary: "Rejected messages",
      description: "The newest rejected messages (up to 1000 kept), with the reason, so a tenant can see why data is missing. Counts per reason are in usage.",
      tags,
      ok: { schema: page(RejectedMessage) },
      errors: [400],
    }),
    requireRole("VIEWER"),
    validate("query", RejectedQuery),
    async (c) => {
      const q = c.req.valid("query");
      return c.json(await telemetryStore(c.env, c.get("tenant")).rejected({ limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.reason ? { reason: q.reason } : {}), ...(q.device ? { device: q.device } : {}) }));
    },
  )
  .route("/dead-letters", deadLetterRoutes);
