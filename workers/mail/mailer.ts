/**
 * Which transport delivers the platform's mail, from configuration:
 * - `DEV_MAIL_OUTBOX=true` (set by `npm run dev` and the test harnesses, never deployed): the
 *   message is printed to the dev log and kept in the dev outbox (`GET /api/v1/dev/outbox`);
 * - `MAIL_API_URL` (+ the secret `MAIL_API_TOKEN`, sender `MAIL_FROM`): a JSON POST of
 *   `{from, to, subject, text}` with a bearer token, the shape of common transactional-mail APIs;
 * - neither: mail cannot be sent; callers that need it fail with a clear 503.
 */
import { z } from "zod";
import { openRegistry } from "../../domain/data/db";
import { devOutboxData } from "../../domain/data/dev-outbox";
import { AppError } from "../../domain/errors";
import type { Mailer, MailMessage } from "../../domain/mail/messages";
import { createLogger, errorFields } from "../../domain/log";

const log = createLogger({ component: "mail" });

const MailConfig = z.object({
  DEV_MAIL_OUTBOX: z.string().optional(),
  MAIL_API_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url({ protocol: /^https$/ }).optional()),
  MAIL_API_TOKEN: z.string().optional(),
  MAIL_FROM: z.string().default("Skylark <no-reply@localhost>"),
});

export const devOutboxEnabled = (env: Env) => (env as { DEV_MAIL_OUTBOX?: string }).DEV_MAIL_OUTBOX === "true";

function devOutboxMailer(env: Env): Mailer {
  const outbox = devOutboxData(openRegistry(env.REGISTRY));
  return {
    async send(message) {
      // The developer follows the mailed link from the dev server's output; no deployment keeps this outbox.
      log.info("[dev mail] kept in the dev outbox", { to: message.to, subject: message.subject, link: message.link });
      await outbox.put(message);
    },
  };
}

export function httpMailer(url: string, token: string | undefined, from: string): Mailer {
  return {
    async send(message: MailMessage) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ from, to: message.to, subject: message.subject, text: message.text }),
      });
      if (!res.ok) throw new Error(`mail API answered ${res.status}`);
    },
  };
}

const unconfigured: Mailer = {
  async send() {
    throw new AppError("unavailable", "this platform cannot send mail: set MAIL_API_URL and MAIL_API_TOKEN (or DEV_MAIL_OUTBOX=true locally)");
  },
};

export function mailerFor(env: Env): Mailer {
  const config = MailConfig.parse(env);
  if (config.DEV_MAIL_OUTBOX === "true") return devOutboxMailer(env);
  if (config.MAIL_API_URL) return httpMailer(config.MAIL_API_URL, config.MAIL_API_TOKEN, config.MAIL_FROM);
  return unconfigured;
}

/** Sends without failing the caller: for mail that is a courtesy on top of a completed action. */
export async function sendBestEffort(env: Env, message: MailMessage): Promise<boolean> {
  try {
    await mailerFor(env).send(message);
    return true;
  } catch (err) {
    log.error("mail not sent", { kind: message.kind, ...errorFields(err) });
    return false;
  }
}
