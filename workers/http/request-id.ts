import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { sortableId } from "../../domain/ids";
import type { AppEnv } from "./app-env";
import { requestLog } from "./log";

/**
 * Every response carries a server-generated request id, also written to logs and audit rows.
 * One log line per request names the route's pattern, never the path itself: paths can hold
 * tokens (a firmware download link's), and a pattern is what one searches logs by anyway.
 */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const id = `req_${sortableId()}`;
  const started = Date.now();
  c.set("requestId", id);
  await next();
  // A WebSocket upgrade (101) comes back from the hub with immutable headers.
  if (c.res.status !== 101) c.res.headers.set("x-request-id", id);
  requestLog(c, "http").info("request", { method: c.req.method, route: routePath(c, -1), status: c.res.status, durationMs: Date.now() - started });
});
