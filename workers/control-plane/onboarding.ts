/**
 * Creating a tenant from the API (signup, operator): claim the id as `provisioning`, start the
 * onboarding workflow, and wait for it a bounded time so the caller usually gets an active tenant
 * back. If onboarding takes longer the tenant is returned still `provisioning`; it becomes usable
 * as soon as the workflow finishes (the API answers 403 `tenant_unavailable` until then).
 */
import type { PlatformData } from "../../domain/data/platform";
import { AppError } from "../../domain/errors";
import { isReservedTenantId } from "../../domain/hosts";
import { displayNameKey, isLookAlikeTenantId } from "../../domain/tenant-look-alike";
import type { NewTenant } from "../../domain/data/lifecycle-data";
import type { OnboardParams } from "../../domain/lifecycle/params";
import { ONBOARDING_WAIT_MS } from "../../domain/lifecycle/policy";
import type { Tenant } from "../../domain/schemas/identity";
import { startOnboarding, waitForInstance } from "./lifecycle";

/**
 * Refuses an id that reads like an existing tenant's under the same display name (a phishing host
 * for that tenant's users; the rule is in domain/tenant-look-alike.ts). Exported so a caller can
 * check before it creates anything else (an owner account, say).
 */
export async function refuseLookAlikeTenantId(platform: PlatformData, tenant: Pick<NewTenant, "id" | "name">): Promise<void> {
  const sameName = await platform.tenants.withDisplayName(displayNameKey(tenant.name));
  const original = sameName.find((t) => isLookAlikeTenantId(t.id, tenant.id));
  if (original) {
    throw new AppError("conflict", `tenant id '${tenant.id}' is too close to the existing tenant '${original.id}' with the same name; choose a more distinct id or another name`, { similarTo: original.id });
  }
}

export async function createTenant(env: Env, platform: PlatformData, tenant: NewTenant, rest: Omit<OnboardParams, "kind" | "tenant">, waitMs = ONBOARDING_WAIT_MS): Promise<{ tenant: Tenant; onboarding: InstanceStatus["status"] }> {
  if (isReservedTenantId(tenant.id)) throw new AppError("already_exists", `tenant id '${tenant.id}' is reserved`);
  await refuseLookAlikeTenantId(platform, tenant);
  await platform.lifecycle.claim(tenant);
  const instance = await startOnboarding(env, { kind: "onboard", tenant, ...rest });
  const status = await waitForInstance(instance, waitMs);
  if (status.status === "errored") console.error(JSON.stringify({ level: "error", where: "onboarding", tenant: tenant.id, error: status.error }));
  return { tenant: await platform.tenants.get(tenant.id), onboarding: status.status };
}
