import { createMiddleware } from "hono/factory";
import { AppError } from "../../domain/errors";
import { effectiveLimits } from "../../domain/plans";
import type { AppEnv } from "./app-env";
import { problemResponse } from "./problem";

/**
 * Per-tenant REST rate limit (the plan's `apiRequestsPerMinute`, one-minute windows), with the
 * IETF RateLimit header fields (draft -08) and the widely deployed RateLimit-Limit/-Remaining/
 * -Reset trio on every response, and 429 problem+json naming the limit when it trips.
 */
export const apiRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const tenant = c.get("tenant");
  const limit = effectiveLimits(tenant.plan, tenant.limits).apiRequestsPerMinute;
  const decision = await c.env.API_LIMITER.getByName(tenant.id).take({ tenantId: tenant.id, limit });
  const reset = Math.max(1, Math.ceil(decision.resetMs / 1000));
  const headers = {
    "RateLimit-Policy": `"tenant";q=${limit};w=60`,
    RateLimit: `"tenant";r=${decision.remaining};t=${reset}`,
    "RateLimit-Limit": String(limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(reset),
  };
  if (!decision.allowed) {
    return problemResponse(c, new AppError("rate_limited", `this tenant may make ${limit} API requests per minute`, { limit: "apiRequestsPerMinute", max: limit, window: "60s", retryAfterSeconds: reset }), {
      ...headers,
      "Retry-After": String(reset),
    });
  }
  await next();
  for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
});
