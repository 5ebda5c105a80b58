import { createMiddleware } from "hono/factory";
import { sortableId } from "../../domain/ids";
import type { AppEnv } from "./app-env";

/** Every response carries a server-generated request id, also written to logs and audit rows. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const id = `req_${sortableId()}`;
  c.set("requestId", id);
  await next();
  // A WebSocket upgrade (101) comes back from the hub with immutable headers.
  if (c.res.status !== 101) c.res.headers.set("x-request-id", id);
});
