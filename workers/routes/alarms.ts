import { z } from "zod";
import { AppError, notFound } from "../../domain/errors";
import { Alarm, AlarmCounts, AlarmQuery } from "../../domain/schemas/alarms";
import { page } from "../../domain/schemas/common";
import type { AlarmAction } from "../../durable-objects/telemetry-store/alarms/records";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";
import { telemetryStore } from "../telemetry/store-client";

const tags = ["alarms"];
const IdParam = z.object({ id: z.string().min(1).max(64) });

function outcome(result: AlarmAction): Alarm {
  if ("ok" in result) return result.ok;
  if (result.error === "already_cleared") throw new AppError("conflict", "the alarm is already cleared");
  throw notFound("alarm");
}

/** Alarms live in the tenant's hot store, where the rules are evaluated. */
export const alarmRoutes = tenantRouter()
  .get(
    "/",
    doc({ summary: "List alarms", description: "Newest first. `status`: active, cleared, or active_unack, active_ack, cleared_unack, cleared_ack.", tags, ok: { schema: page(Alarm) }, errors: [400] }),
    requireRole("VIEWER"),
    validate("query", AlarmQuery),
    async (c) => c.json(await telemetryStore(c.env, c.get("tenant")).listAlarms(c.req.valid("query"))),
  )
  .get("/counts", doc({ summary: "Count active alarms", description: "Active alarms per severity and how many are unacknowledged.", tags, ok: { schema: AlarmCounts } }), requireRole("VIEWER"), async (c) =>
    c.json(await telemetryStore(c.env, c.get("tenant")).alarmCounts()),
  )
  .get("/:id", doc({ summary: "Get an alarm", tags, ok: { schema: Alarm }, errors: [404] }), requireRole("VIEWER"), validate("param", IdParam), async (c) => {
    const alarm = await telemetryStore(c.env, c.get("tenant")).getAlarm(c.req.valid("param").id);
    if (!alarm) throw notFound("alarm");
    return c.json(alarm);
  })
  .post(
    "/:id/acknowledge",
    doc({ summary: "Acknowledge an alarm", description: "Records who and when; acknowledging again keeps the first.", tags, ok: { schema: Alarm }, errors: [404] }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    async (c) => {
      const p = c.get("principal");
      const alarm = outcome(await telemetryStore(c.env, c.get("tenant")).acknowledgeAlarm(c.req.valid("param").id, `${p.actorType}:${p.actorId}`));
      await audit(c, { action: "alarm.acknowledge", targetType: "alarm", targetId: alarm.id, outcome: "success" });
      return c.json(alarm);
    },
  )
  .post(
    "/:id/clear",
    doc({
      summary: "Clear an alarm",
      description: "Closes it for good: if the condition still holds, a new alarm is raised after the rule's raise count, never this one reopened. 409 when already cleared.",
      tags,
      ok: { schema: Alarm },
      errors: [404, 409],
    }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    async (c) => {
      const p = c.get("principal");
      const alarm = outcome(await telemetryStore(c.env, c.get("tenant")).clearAlarm(c.req.valid("param").id, `${p.actorType}:${p.actorId}`));
      await audit(c, { action: "alarm.clear", targetType: "alarm", targetId: alarm.id, outcome: "success" });
      return c.json(alarm);
    },
  );
