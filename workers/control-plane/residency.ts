/**
 * The one place that decides which Durable Object namespace (jurisdiction) serves a tenant.
 * Everything that addresses a tenant's hub goes through `hubFor` / `hubForTenantId`, so the
 * residency rule cannot be forgotten at a call site.
 */
import { openRegistry } from "../../domain/data/db";
import { platformData } from "../../domain/data/platform";
import { jurisdictionFor, residencyMode } from "../../domain/lifecycle/residency";
import type { Tenant } from "../../domain/schemas/identity";

type Placed = Pick<Tenant, "id" | "region">;
type ResidencyEnv = { DURABLE_OBJECT_JURISDICTIONS?: string };

/** The namespace a tenant's objects live in: jurisdiction-restricted for `eu` / `fedramp` tenants. */
export function namespaceFor<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, env: ResidencyEnv, tenant: Placed): DurableObjectNamespace<T> {
  const jurisdiction = jurisdictionFor(tenant.region, residencyMode(env.DURABLE_OBJECT_JURISDICTIONS));
  return jurisdiction ? ns.jurisdiction(jurisdiction) : ns;
}

/** The tenant's MQTT hub, named by the tenant id inside the tenant's jurisdiction. */
export function hubFor(env: Env, tenant: Placed) {
  return namespaceFor(env.TENANT_HUB, env, tenant).getByName(tenant.id);
}

// A tenant's region never changes (objects cannot move between jurisdictions), so this cache needs no invalidation.
const regions = new Map<string, Tenant["region"]>();

/** For callers that only know the tenant id: looks the region up once per isolate. */
export async function hubForTenantId(env: Env, tenantId: string) {
  let region = regions.get(tenantId);
  if (!region) {
    const tenant = await platformData(openRegistry(env.REGISTRY)).tenants.find(tenantId);
    region = tenant?.region ?? "default";
    if (tenant) regions.set(tenantId, region);
  }
  return hubFor(env, { id: tenantId, region });
}
