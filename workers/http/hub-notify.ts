import type { Context } from "hono";
import type { CredentialChange } from "../../durable-objects/tenant-hub/hub";
import { hubFor, hubForTenantId } from "../control-plane/residency";
import type { AppEnv } from "./app-env";
import { createLogger, errorFields } from "../../domain/log";
import { requestLog } from "./log";

/**
 * Tells the tenant's MQTT hub that a credential changed, so cached checks are dropped and
 * clients using a rotated, revoked or deleted credential are disconnected at once. The change
 * itself is already committed in the registry; a hub that cannot be reached is logged, not fatal.
 */
export async function credentialChanged(c: Context<AppEnv>, change: CredentialChange): Promise<void> {
  const tenant = c.get("tenant");
  try {
    await hubFor(c.env, tenant).credentialChanged(tenant.id, change);
  } catch (err) {
    requestLog(c, "hub-notify").warn("hub.credentialChanged failed", errorFields(err));
  }
}

/** Tells a tenant's hub to reload the tenant's plan, limits and status (suspension closes its connections). */
export async function tenantChanged(env: Env, tenantId: string, requestId?: string): Promise<void> {
  try {
    await (await hubForTenantId(env, tenantId)).tenantChanged(tenantId);
  } catch (err) {
    createLogger({ component: "hub-notify", requestId, tenant: tenantId }).warn("hub.tenantChanged failed", errorFields(err));
  }
}
