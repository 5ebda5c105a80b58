/**
 * Creating a tenant from the API (signup, operator): claim the id as `provisioning`, start the
 * onboarding workflow, and wait for it a bounded time so the caller usually gets an active tenant
 * back. If onboarding takes longer the tenant is returned still `provisioning`; it becomes usable
 * as soon as the workflow finishes (the API answers 403 `tenant_unavailable` until then).
 */
import type { PlatformData } from "../../domain/data/platform";
import { AppError } from "../../domain/errors";
import { isReservedTenantId } from "../../domain/hosts";
import type { NewTenant } from "../../domain/data/lifecycle-data";
import type { OnboardParams } from "../../domain/lifecycle/params";
import { ONBOARDING_WAIT_MS } from "../../domain/lifecycle/policy";
import type { Tenant } from "../../domain/schemas/identity";
import { startOnboarding, waitForInstance } from "./lifecycle";
import { refuseLookAlikeTenantId } from "./look-alike";
import { createLogger } from "../../domain/log";

export async function createTenant(env: Env, platform: PlatformData, tenant: NewTenant, rest: Omit<OnboardParams, "kind" | "tenant">, waitMs = ONBOARDING_WAIT_MS): Promise<{ tenant: Tenant; onboarding: InstanceStatus["status"] }> {
  if (isReservedTenantId(tenant.id)) throw new AppError("already_exists", `tenant id '${tenant.id}' is reserved`);
  await refuseLookAlikeTenantId(platform, tenant.id, [tenant.name]);
  await platform.lifecycle.claim(tenant);
  const instance = await startOnboarding(env, { kind: "onboard", tenant, ...rest });
  const status = await waitForInstance(instance, waitMs);
  if (status.status === "errored") createLogger({ component: "onboarding", tenant: tenant.id }).error("onboarding workflow errored", { error: status.error });
  return { tenant: await platform.tenants.get(tenant.id), onboarding: status.status };
}
