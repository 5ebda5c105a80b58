/**
 * Dead letters: telemetry queue messages that failed every retry. Mounted inside the telemetry
 * router (which authenticates), so it is a plain sub-app. Re-driving puts the original body
 * back on the queue; the hot store's ledger makes that safe even if part of it was stored.
 */
import { Hono } from "hono";
import { z } from "zod";
import { AppError } from "../../domain/errors";
import { effectiveLimits } from "../../domain/plans";
import { page } from "../../domain/schemas/common";
import { DeadLetter, DeadLetterId, DeadLetterQuery } from "../../domain/telemetry/dead-letters";
import type { AppEnv } from "../http/app-env";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { validate } from "../http/validate";

const tags = ["telemetry"];
const IdParam = z.object({ id: DeadLetterId });
const DAY_MS = 86_400_000;
/** Re-drives must land inside the hot store's dedup window (its retention), with an hour to spare. */
const REDRIVE_MARGIN_MS = 3_600_000;

export const deadLetterRoutes = new Hono<AppEnv>()
  .get(
    "/",
    doc({ summary: "List dead letters", description: "Telemetry queue messages that failed every retry, newest first.", tags, ok: { schema: page(DeadLetter) }, errors: [400] }),
    requireRole("VIEWER"),
    validate("query", DeadLetterQuery),
    async (c) => c.json(await c.get("data").deadLetters.list(c.req.valid("query"))),
  )
  .post(
    "/:id/redrive",
    doc({
      summary: "Re-drive a dead letter",
      description: "Puts the message back on the telemetry queue. Points already stored are not stored twice. Messages older than the hot-store retention answer 410.",
      tags,
      ok: { schema: DeadLetter },
      errors: [404, 409, 410],
    }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const data = c.get("data");
      const letter = await data.deadLetters.get(id);
      if (letter.status === "redriven") throw new AppError("conflict", "this dead letter was already re-driven");
      if (letter.kind === "malformed") throw new AppError("conflict", "a malformed message cannot be re-driven; it would only be rejected again");
      const tenant = c.get("tenant");
      const window = effectiveLimits(tenant.plan, tenant.limits).hotStoreRetentionDays * DAY_MS - REDRIVE_MARGIN_MS;
      if (letter.receivedAt !== null && Date.now() - letter.receivedAt > window) throw new AppError("gone", "this message is older than the hot-store retention and can no longer be re-driven safely");
      let body: unknown;
      try {
        body = JSON.parse(letter.rawBody);
      } catch {
        throw new AppError("conflict", "the recorded body is incomplete and cannot be re-driven");
      }
      await c.env.TELEMETRY_QUEUE.send(body, { contentType: "json" });
      const updated = await data.deadLetters.markRedriven(id);
      // The message's trace id in the audit entry: the audit log and the trace route tell one story.
      const traceId = (body as { traceId?: unknown } | null)?.traceId;
      await audit(c, { action: "telemetry.dead_letter_redriven", targetType: "dead_letter", targetId: id, outcome: "success", details: { msgId: letter.msgId, ...(typeof traceId === "string" ? { traceId } : {}) } });
      return c.json(updated);
    },
  )
  .delete("/:id", doc({ summary: "Discard a dead letter", tags, ok: { status: 204, description: "Discarded" }, errors: [404] }), requireRole("MEMBER"), validate("param", IdParam), async (c) => {
    const { id } = c.req.valid("param");
    await c.get("data").deadLetters.delete(id);
    await audit(c, { action: "telemetry.dead_letter_discarded", targetType: "dead_letter", targetId: id, outcome: "success" });
    return c.body(null, 204);
  });
