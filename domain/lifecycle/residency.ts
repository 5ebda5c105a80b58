/**
 * Data residency: a tenant's region decides the Durable Object jurisdiction its per-tenant
 * objects (MQTT hub, telemetry hot store) are created in. The region is fixed at creation: an
 * object cannot move between jurisdictions, so changing it would strand the tenant's data.
 */
import type { Tenant } from "../schemas/identity";

export type Jurisdiction = "eu" | "fedramp";

/** `default` places objects anywhere (near first use); `eu` and `fedramp` pin them inside that boundary. */
const JURISDICTION_OF_REGION: Record<Tenant["region"], Jurisdiction | null> = { default: null, eu: "eu", fedramp: "fedramp" };

/**
 * `enforce` (production) creates objects in the jurisdiction; `record-only` keeps the region in
 * the registry and the API but uses the unrestricted namespace, for runtimes that do not
 * implement jurisdictions (workerd locally: "Jurisdiction restrictions are not implemented").
 */
export type ResidencyMode = "enforce" | "record-only";

export function residencyMode(setting: string | undefined): ResidencyMode {
  // Anything but an explicit opt-out enforces: a typo must not silently move EU data elsewhere.
  return setting === "record-only" ? "record-only" : "enforce";
}

export function jurisdictionFor(region: Tenant["region"], mode: ResidencyMode): Jurisdiction | null {
  return mode === "enforce" ? JURISDICTION_OF_REGION[region] : null;
}
