/**
 * Webhook URLs must be https://. Plain http is allowed only for the hosts the operator lists in
 * ALARM_WEBHOOK_HTTP_HOSTS (comma-separated `host` or `host:port`; empty in production), so a
 * local receiver can be used in development and tests without opening plain http to everyone.
 */
import { AppError } from "../../domain/errors";

export function requireAllowedWebhookUrl(env: Pick<Env, "ALARM_WEBHOOK_HTTP_HOSTS">, url: string | undefined, path = "body.url"): void {
  if (url === undefined) return;
  const u = new URL(url);
  if (u.protocol === "https:") return;
  const allowed = (env.ALARM_WEBHOOK_HTTP_HOSTS ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  if (u.protocol === "http:" && (allowed.includes(u.host.toLowerCase()) || allowed.includes(u.hostname.toLowerCase()))) return;
  const message = "must be an https:// URL";
  throw new AppError("validation_failed", `invalid body: ${path}: ${message}`, { errors: [{ path, message }] });
}
