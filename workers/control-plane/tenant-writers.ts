/**
 * The objects that write tenant rows into the registry on their own schedule, stopped by
 * offboarding right after it freezes the tenant (before the export), so the export, the counts and
 * the deletion certificate see one registry and its "after" counts stay true:
 *
 * - the REST limiter (`ApiLimiter`): usage flushes every 10 s;
 * - the audit sampler (`AuthAuditSampler`): aggregate rows when a window closes;
 * - the MQTT hub's batched registry writes (presence, health, audit, usage): drained when the hub
 *   is told the tenant is no longer active (it closes every connection then), and again by its
 *   purge, which runs before the registry is counted (`tenantStores` order);
 * - the telemetry, dead-letter and alarm-notification consumers: they drop messages of an
 *   offboarding or deleted tenant.
 *
 * Each closed object writes what it holds first, then refuses for as long as the id is reserved.
 */
import type { Tenant } from "../../domain/schemas/identity";

export type StoppedWriter = { writer: string; how: string };

export async function stopTenantWriters(env: Env, tenant: Pick<Tenant, "id">): Promise<StoppedWriter[]> {
  await env.API_LIMITER.getByName(tenant.id).close(tenant.id);
  await env.AUTH_AUDIT_SAMPLER.getByName(tenant.id).close(tenant.id);
  return [
    { writer: "api-limiter", how: "pending usage written, then closed: no metering or usage writes while the id is reserved" },
    { writer: "auth-audit-sampler", how: "open windows written, then closed: no audit rows while the id is reserved" },
    { writer: "hub", how: "connections closed and batched registry writes drained when the tenant was frozen, again in the hub's purge; new connections refused" },
    { writer: "telemetry-consumer", how: "drops messages of an offboarding or deleted tenant" },
    { writer: "dead-letter-consumer", how: "drops dead letters of an offboarding or deleted tenant" },
    { writer: "alarm-notifications", how: "records and sends no webhook deliveries for an offboarding or deleted tenant" },
  ];
}
