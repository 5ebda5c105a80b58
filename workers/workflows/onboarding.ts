/**
 * Onboarding: from a claimed tenant id to an active tenant with its owner, default device
 * profile, starter dashboard, limits applied, custom domain requested and metering registered.
 * Each step is idempotent; the tenant turns `active` only in the last step, so a run that dies
 * half-way leaves it `provisioning` (refused by the API and the hub) until a retry or restart
 * finishes it.
 */
import { NonRetryableError } from "cloudflare:workflows";
import type { WorkflowStep } from "cloudflare:workers";
import { isUniqueViolation, openRegistry } from "../../domain/data/db";
import { platformData } from "../../domain/data/platform";
import { forTenant } from "../../domain/data/tenant-scope";
import { AppError } from "../../domain/errors";
import { deterministicSortableId } from "../../domain/ids";
import type { OnboardParams } from "../../domain/lifecycle/params";
import { effectiveLimits, PlanLimits } from "../../domain/plans";
import { USAGE_GAUGES } from "../../domain/telemetry/usage";
import { domainServices, registerDomain } from "../control-plane/domains";
import { hubFor } from "../control-plane/residency";
import { LIFECYCLE_STEP } from "./step-config";

export const ONBOARDING_STEPS = ["write tenant", "owner", "default device profile", "starter dashboard", "apply plan limits", "custom domain", "register metering", "activate"] as const;
type StepName = (typeof ONBOARDING_STEPS)[number];

const DEFAULT_PROFILE_ID = "default";

/** Runs a step's effect and swallows the "it is already there" answer of a repeated insert. */
async function ignoringDuplicates(effect: () => Promise<unknown>): Promise<"created" | "existed"> {
  try {
    await effect();
    return "created";
  } catch (err) {
    if (isUniqueViolation(err) || (err instanceof AppError && err.code === "already_exists")) return "existed";
    throw err;
  }
}

export async function onboard(env: Env, p: OnboardParams, step: WorkflowStep, instanceId: string, startedAt: number) {
  const platform = platformData(openRegistry(env.REGISTRY));
  const data = forTenant(openRegistry(env.REGISTRY), p.tenant.id);
  const run = <T extends Rpc.Serializable<T>>(name: StepName, fn: () => Promise<T>) => step.do(name, LIFECYCLE_STEP, fn);

  await run("write tenant", async () => {
    const tenant = await platform.lifecycle.ensureProvisioning(p.tenant);
    if (tenant.status === "deleted" || tenant.status === "offboarding") throw new NonRetryableError(`tenant ${tenant.id} is ${tenant.status}; it cannot be onboarded`);
    return { status: tenant.status };
  });

  await run("owner", async () => {
    if (p.owner.type === "user") {
      const { userId } = p.owner;
      return { owner: userId, result: (await data.members.roleOf(userId)) ? "existed" : await ignoringDuplicates(() => data.members.add(userId, "OWNER")) };
    }
    const { invitationId, email, tokenHash } = p.owner;
    return { invitation: invitationId, result: await ignoringDuplicates(() => data.invitations.create({ id: invitationId, email, role: "OWNER", tokenHash, invitedBy: "operator" })) };
  });

  await run("default device profile", async () => {
    if (await data.profiles.find(DEFAULT_PROFILE_ID)) return { result: "existed" };
    const isDefault = (await data.profiles.findDefault()) === null;
    return { result: await ignoringDuplicates(() => data.profiles.create({ id: DEFAULT_PROFILE_ID, name: "Default", description: "Accepts any metric; devices get it unless they name another profile.", metrics: {}, isDefault })) };
  });

  await run("starter dashboard", async () => {
    await data.dashboards.ensureStarter();
    return { result: "ensured" };
  });

  await run("apply plan limits", async () => {
    const tenant = await platform.tenants.get(p.tenant.id);
    const limits = PlanLimits.parse(effectiveLimits(tenant.plan, tenant.limits));
    // Creating the hub here also places it: in the tenant's jurisdiction, before any client connects.
    await hubFor(env, tenant).tenantChanged(tenant.id);
    return { plan: tenant.plan, maxDevices: limits.maxDevices, messagesPerSecond: limits.messagesPerSecond };
  });

  await run("custom domain", async () => {
    if (!p.customDomain) return { result: "none requested" };
    if (await data.domains.find(p.customDomain)) return { hostname: p.customDomain, result: "existed" };
    try {
      const record = await registerDomain(domainServices(env), platform, data, p.customDomain);
      return { hostname: record.hostname, result: "registered" };
    } catch (err) {
      // A hostname someone else already serves does not stop the tenant from existing; the owner sees it missing and can add another.
      if (err instanceof AppError && (err.code === "conflict" || err.code === "bad_request")) return { hostname: p.customDomain, result: `skipped: ${err.message}` };
      if (err instanceof AppError && err.code === "already_exists") return { hostname: p.customDomain, result: "existed" };
      throw err;
    }
  });

  await run("register metering", async () => {
    // The month's gauge row makes the tenant visible in usage reports from its first day.
    await data.usage.record({}, { [USAGE_GAUGES.devicesRegistered]: await data.devices.count() });
    return { result: "registered" };
  });

  return run("activate", async () => {
    const activated = await platform.lifecycle.transition(p.tenant.id, ["provisioning"], "active");
    const tenant = activated ?? (await platform.tenants.get(p.tenant.id));
    await data.audit.recordOnce(await deterministicSortableId(startedAt, `${instanceId}:activate`), startedAt, {
      actorType: p.requestedBy === "operator" ? "operator" : "system",
      actorId: p.requestedBy === "operator" ? "operator" : null,
      action: "tenant.onboarded",
      targetType: "tenant",
      targetId: p.tenant.id,
      outcome: "success",
      details: { workflow: instanceId, region: tenant.region, plan: tenant.plan },
    });
    // The hub caches the tenant's status: tell it the tenant is open now.
    await hubFor(env, tenant).tenantChanged(tenant.id);
    return { tenantId: tenant.id, status: tenant.status };
  });
}
