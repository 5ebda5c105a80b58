import { openRegistry } from "../../domain/data/db";
import { forTenant } from "../../domain/data/tenant-scope";

/**
 * Tenant-scoped data for a tenant proven by a credential other than the request principal
 * (an invitation token, a login's membership). Callers must have verified that credential.
 */
export const dataForVerifiedTenant = (env: Env, tenantId: string) => forTenant(openRegistry(env.REGISTRY), tenantId);
