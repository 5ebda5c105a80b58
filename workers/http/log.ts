/** A logger for one HTTP request: every line it writes carries the request id and, once known, the tenant. */
import type { Context } from "hono";
import { createLogger, type Logger } from "../../domain/log";
import type { AppEnv } from "./app-env";

export function requestLog(c: Context<AppEnv>, component: string): Logger {
  const tenant = c.get("tenant")?.id ?? c.get("principal")?.tenantId ?? c.get("hostTenant")?.id;
  return createLogger({ component, requestId: c.get("requestId"), tenant });
}
