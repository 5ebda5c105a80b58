import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { authenticate } from "./auth";
import { apiRateLimit } from "./rate-limit";

/** A sub-app whose every route runs as an authenticated principal of one tenant, within its plan's API rate limit. */
export const tenantRouter = () => new Hono<AppEnv>().use(authenticate, apiRateLimit);
