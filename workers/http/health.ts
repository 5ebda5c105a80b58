/**
 * `/healthz`: the Worker is up and configured well enough to work, and its registry answers. A
 * `JWT_SIGNING_KEY` the platform refuses (a public JWK, say; domain/auth/signing-key.ts) or a
 * registry (D1) that does not answer a one-row read answers 503 naming the dependency, so
 * whatever waits for health before going live (`npm run dev`, the e2e setup, a deploy check, a
 * load balancer) stops there instead of serving a platform whose every login fails.
 */
import type { Context } from "hono";
import { SigningKeyError } from "../../domain/auth/signing-key";
import { publicJwks } from "../../domain/auth/tokens";
import { AppError } from "../../domain/errors";
import { errorFields } from "../../domain/log";
import type { AppEnv } from "./app-env";
import { requestLog } from "./log";

export async function health(c: Context<AppEnv>): Promise<Response> {
  try {
    await publicJwks(c.env);
  } catch (err) {
    if (err instanceof SigningKeyError) throw new AppError("unavailable", `misconfigured: ${err.message}`, { dependency: "signing-key" });
    throw err;
  }
  try {
    await c.get("platform").probe();
  } catch (err) {
    requestLog(c, "health").error("registry probe failed", errorFields(err));
    throw new AppError("unavailable", "the registry (D1) did not answer", { dependency: "registry" });
  }
  return c.json({ ok: true, checks: { "signing-key": "ok", registry: "ok" } });
}
