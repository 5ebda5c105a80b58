import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { authenticate } from "./auth";
import { apiRateLimit } from "./rate-limit";

/**
 * A sub-app whose every route runs as an authenticated principal of one tenant, within its plan's
 * API rate limit. `auth` admits only active tenants unless a route family needs more (exports).
 */
export const tenantRouter = (auth: MiddlewareHandler<AppEnv> = authenticate) => new Hono<AppEnv>().use(auth, apiRateLimit);
