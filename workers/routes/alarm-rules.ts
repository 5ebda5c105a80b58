import { z } from "zod";
import { AlarmRule, CreateAlarmRule, UpdateAlarmRule } from "../../domain/schemas/alarms";
import { page, PageQuery } from "../../domain/schemas/common";
import { pushAlarmRules } from "../alarms/push-rules";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

const tags = ["alarms"];
const IdParam = z.object({ id: z.string().min(1).max(64) });

/** Alarm rules (ADMIN): what raises an alarm, for which devices, how severe. Every change is pushed to the tenant's hot store. */
export const alarmRuleRoutes = tenantRouter()
  .post(
    "/",
    doc({
      summary: "Create an alarm rule",
      description: "Conditions: above, below, range, equals, changed, silence, anomaly (EWMA z-score). Scope: a device profile, a device or a tag.",
      tags,
      ok: { status: 201, schema: AlarmRule },
      errors: [400, 429],
    }),
    requireRole("ADMIN"),
    validate("json", CreateAlarmRule),
    async (c) => {
      const rule = await c.get("data").alarmRules.create(c.req.valid("json"));
      await pushAlarmRules(c.env, c.get("tenant"), c.get("data"));
      await audit(c, { action: "alarm_rule.create", targetType: "alarm_rule", targetId: rule.id, outcome: "success" });
      return c.json(rule, 201);
    },
  )
  .get("/", doc({ summary: "List alarm rules", tags, ok: { schema: page(AlarmRule) }, errors: [400] }), requireRole("ADMIN"), validate("query", PageQuery), async (c) => c.json(await c.get("data").alarmRules.list(c.req.valid("query"))))
  .get("/:id", doc({ summary: "Get an alarm rule", tags, ok: { schema: AlarmRule }, errors: [404] }), requireRole("ADMIN"), validate("param", IdParam), async (c) => c.json(await c.get("data").alarmRules.get(c.req.valid("param").id)))
  .patch(
    "/:id",
    doc({ summary: "Update an alarm rule", description: "A changed condition starts learning afresh; alarms it opened stay open until they clear.", tags, ok: { schema: AlarmRule }, errors: [400, 404] }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    validate("json", UpdateAlarmRule),
    async (c) => {
      const rule = await c.get("data").alarmRules.update(c.req.valid("param").id, c.req.valid("json"));
      await pushAlarmRules(c.env, c.get("tenant"), c.get("data"));
      await audit(c, { action: "alarm_rule.update", targetType: "alarm_rule", targetId: rule.id, outcome: "success" });
      return c.json(rule);
    },
  )
  .delete(
    "/:id",
    doc({ summary: "Delete an alarm rule", description: "Its open alarms stay until someone clears them.", tags, ok: { status: 204, description: "Deleted" }, errors: [404] }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.get("data").alarmRules.delete(id);
      await pushAlarmRules(c.env, c.get("tenant"), c.get("data"));
      await audit(c, { action: "alarm_rule.delete", targetType: "alarm_rule", targetId: id, outcome: "success" });
      return c.body(null, 204);
    },
  );
