import { z } from "zod";
import { CreatedWebhookTarget, CreateWebhookTarget, UpdateWebhookTarget, WebhookDelivery, WebhookTarget } from "../../domain/schemas/alarms";
import { page, PageQuery } from "../../domain/schemas/common";
import { requireAllowedWebhookUrl } from "../alarms/webhook-url";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

const tags = ["alarms"];
const IdParam = z.object({ id: z.string().min(1).max(64) });
const SIGNING = 'Each POST carries `x-skylark-timestamp` (Unix seconds) and `x-skylark-signature: v1=<hex HMAC-SHA256 of "{timestamp}.{raw body}" keyed with the secret>`.';

/** Webhook targets for alarm events (ADMIN), with their delivery log. */
export const alarmWebhookRoutes = tenantRouter()
  .post(
    "/",
    doc({ summary: "Create a webhook target", description: `HTTPS only. The signing secret is in this response and never again. ${SIGNING}`, tags, ok: { status: 201, schema: CreatedWebhookTarget }, errors: [400] }),
    requireRole("ADMIN"),
    validate("json", CreateWebhookTarget),
    async (c) => {
      const input = c.req.valid("json");
      requireAllowedWebhookUrl(c.env, input.url);
      const created = await c.get("data").alarmWebhooks.create(input);
      await audit(c, { action: "alarm_webhook.create", targetType: "alarm_webhook", targetId: created.target.id, outcome: "success" });
      return c.json(created, 201);
    },
  )
  .get("/", doc({ summary: "List webhook targets", tags, ok: { schema: page(WebhookTarget) }, errors: [400] }), requireRole("ADMIN"), validate("query", PageQuery), async (c) =>
    c.json(await c.get("data").alarmWebhooks.list(c.req.valid("query"))),
  )
  .get("/:id", doc({ summary: "Get a webhook target", tags, ok: { schema: WebhookTarget }, errors: [404] }), requireRole("ADMIN"), validate("param", IdParam), async (c) =>
    c.json(await c.get("data").alarmWebhooks.get(c.req.valid("param").id)),
  )
  .patch("/:id", doc({ summary: "Update a webhook target", tags, ok: { schema: WebhookTarget }, errors: [400, 404] }), requireRole("ADMIN"), validate("param", IdParam), validate("json", UpdateWebhookTarget), async (c) => {
    const patch = c.req.valid("json");
    requireAllowedWebhookUrl(c.env, patch.url);
    const target = await c.get("data").alarmWebhooks.update(c.req.valid("param").id, patch);
    await audit(c, { action: "alarm_webhook.update", targetType: "alarm_webhook", targetId: target.id, outcome: "success" });
    return c.json(target);
  })
  .delete("/:id", doc({ summary: "Delete a webhook target", description: "Its delivery log goes with it.", tags, ok: { status: 204, description: "Deleted" }, errors: [404] }), requireRole("ADMIN"), validate("param", IdParam), async (c) => {
    const { id } = c.req.valid("param");
    await c.get("data").alarmWebhooks.delete(id);
    await audit(c, { action: "alarm_webhook.delete", targetType: "alarm_webhook", targetId: id, outcome: "success" });
    return c.body(null, 204);
  })
  .get(
    "/:id/deliveries",
    doc({
      summary: "A webhook target's delivery log",
      description: "Newest first: each event, its attempts, last status code or error, and whether it was delivered or failed for good.",
      tags,
      ok: { schema: page(WebhookDelivery) },
      errors: [400, 404],
    }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    validate("query", PageQuery),
    async (c) => c.json(await c.get("data").alarmWebhooks.deliveries(c.req.valid("param").id, c.req.valid("query"))),
  );
