import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { authenticate } from "./auth";

/** A sub-app whose every route runs as an authenticated principal of one tenant. */
export const tenantRouter = () => new Hono<AppEnv>().use(authenticate);
