/**
 * `/healthz`: the Worker is up and configured well enough to work. A `JWT_SIGNING_KEY` the
 * platform refuses (a public JWK, say; domain/auth/signing-key.ts) answers 503 naming the problem,
 * so whatever waits for health before going live (`npm run dev`, the e2e setup, a deploy check)
 * stops there instead of serving a platform whose every login fails.
 */
import type { Context } from "hono";
import { SigningKeyError } from "../../domain/auth/signing-key";
import { publicJwks } from "../../domain/auth/tokens";
import { AppError } from "../../domain/errors";
import type { AppEnv } from "./app-env";

export async function health(c: Context<AppEnv>): Promise<Response> {
  try {
    await publicJwks(c.env);
  } catch (err) {
    if (err instanceof SigningKeyError) throw new AppError("unavailable", `misconfigured: ${err.message}`);
    throw err;
  }
  return c.json({ ok: true });
}
