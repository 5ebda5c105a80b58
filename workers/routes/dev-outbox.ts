/**
 * GET /api/v1/dev/outbox: the mail a local platform "sent", so `npm run dev` users and the tests
 * can follow verification and invitation links. Exists only with DEV_MAIL_OUTBOX=true (set by
 * the local harnesses, never deployed); everywhere else it is a plain 404.
 */
import { Hono } from "hono";
import { z } from "zod";
import { AppError } from "../../domain/errors";
import { Email } from "../../domain/schemas/common";
import { MAIL_KINDS } from "../../domain/mail/messages";
import type { AppEnv } from "../http/app-env";
import { doc } from "../http/doc";
import { validate } from "../http/validate";
import { devOutboxEnabled } from "../mail/mailer";

const OutboxQuery = z.object({ to: Email.optional(), kind: z.enum(MAIL_KINDS).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });
const OutboxMail = z.object({ id: z.string(), to: z.string(), kind: z.string(), subject: z.string(), text: z.string(), link: z.string().nullable(), createdAt: z.number() });

export const devOutboxRoutes = new Hono<AppEnv>().get(
  "/outbox",
  doc({ summary: "Mail sent by a development platform (absent in deployments)", tags: ["dev"], ok: { schema: z.object({ items: z.array(OutboxMail) }) }, errors: [400, 404] }),
  validate("query", OutboxQuery),
  async (c) => {
    if (!devOutboxEnabled(c.env)) throw new AppError("not_found", "not found");
    return c.json({ items: await c.get("platform").devOutbox.list(c.req.valid("query")) });
  },
);
