/**
 * One call into the tenant's hub whose answer the request needs (commands, health). A hub that
 * cannot be reached is a 503 saying nothing changed, logged with the request id — never a silent
 * loss and never a 500.
 */
import type { Context } from "hono";
import { AppError } from "../../domain/errors";
import type { TenantHub } from "../../durable-objects/tenant-hub/hub";
import { hubFor } from "../control-plane/residency";
import type { AppEnv } from "./app-env";
import { errorFields } from "../../domain/log";
import { requestLog } from "./log";

export async function callHub<T>(c: Context<AppEnv>, where: string, call: (hub: DurableObjectStub<TenantHub>, tenantId: string) => Promise<T>, detail = "the tenant's hub did not answer; nothing was changed, try again"): Promise<T> {
  const tenant = c.get("tenant");
  try {
    return await call(hubFor(c.env, tenant), tenant.id);
  } catch (err) {
    requestLog(c, "hub-call").error("tenant hub call failed", { where, ...errorFields(err) });
    throw new AppError("unavailable", detail);
  }
}
