/**
 * Pushes a device's desired attributes to it through the tenant's MQTT hub, retained on
 * `t/{tenant}/devices/{device}/attributes/set`, so a device that is offline now gets them when
 * it subscribes. The full desired document is sent (not a diff): with retain, the last message
 * must stand on its own. A hub failure is logged and reported, never fatal: the desired state is
 * already stored and the API shows it.
 */
import type { Tenant } from "../../domain/schemas/identity";
import { deviceTopic } from "../../domain/topics";
import { hubFor } from "../control-plane/residency";
import { createLogger, errorFields } from "../../domain/log";

export async function publishDesiredAttributes(env: Env, tenant: Pick<Tenant, "id" | "region">, deviceId: string, desired: Record<string, unknown>, requestId: string): Promise<boolean> {
  const tenantId = tenant.id;
  try {
    const topic = deviceTopic(tenantId, deviceId, "attributes/set");
    await hubFor(env, tenant).publishFromPlatform(tenantId, { topic, payload: JSON.stringify(desired), qos: 1, retain: true });
    return true;
  } catch (err) {
    createLogger({ component: "twin", requestId, tenant: tenantId }).error("desired attributes publish failed", { device: deviceId, ...errorFields(err) });
    return false;
  }
}
