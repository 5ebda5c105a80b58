/**
 * Suspension and resume: a status change, audited, and the hub told at once (suspension closes
 * every MQTT connection and refuses new ones; the API answers 403 `tenant_suspended` because
 * authentication reads the status on every request).
 */
import type { PlatformData } from "../../domain/data/platform";
import { forTenant } from "../../domain/data/tenant-scope";
import { openRegistry } from "../../domain/data/db";
import { AppError } from "../../domain/errors";
import type { Tenant } from "../../domain/schemas/identity";
import { tenantChanged } from "../http/hub-notify";

export type Actor = { actorType: "operator" | "user" | "system"; actorId: string | null; requestId?: string };

export async function changeSuspension(env: Env, platform: PlatformData, tenantId: string, suspend: boolean, actor: Actor, reason?: string): Promise<Tenant> {
  const current = await platform.tenants.get(tenantId);
  const [from, to] = suspend ? (["active", "suspended"] as const) : (["suspended", "active"] as const);
  if (current.status === to) return current;
  const tenant = await platform.lifecycle.transition(tenantId, [from], to);
  if (!tenant) throw new AppError("conflict", `a ${current.status} tenant cannot be ${suspend ? "suspended" : "resumed"}`);
  await forTenant(openRegistry(env.REGISTRY), tenantId).audit.record({
    actorType: actor.actorType,
    actorId: actor.actorId,
    action: suspend ? "tenant.suspended" : "tenant.resumed",
    targetType: "tenant",
    targetId: tenantId,
    outcome: "success",
    requestId: actor.requestId ?? null,
    details: reason ? { reason } : {},
  });
  await tenantChanged(env, tenantId, actor.requestId);
  return tenant;
}
