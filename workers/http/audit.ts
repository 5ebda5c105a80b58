import type { Context } from "hono";
import { z } from "zod";
import { forTenant } from "../../domain/data/tenant-scope";
import { openRegistry } from "../../domain/data/db";
import type { AuditEvent } from "../../domain/data/repos/audit";
import { DEFAULT_AUDIT_SAMPLING, truncate } from "../../domain/limits/audit-sampling";
import type { AppEnv } from "./app-env";

type Event = Omit<AuditEvent, "requestId" | "ip" | "actorType" | "actorId"> & Partial<Pick<AuditEvent, "actorType" | "actorId">>;

function requestFacts(c: Context<AppEnv>) {
  return { requestId: c.get("requestId") ?? null, ip: c.req.header("cf-connecting-ip") ?? null };
}

/** Audits an action of the authenticated principal in its own tenant. */
export async function audit(c: Context<AppEnv>, event: Event): Promise<void> {
  const p = c.get("principal");
  await c.get("data").audit.record({ actorType: p.actorType, actorId: p.actorId, ...event, ...requestFacts(c) });
}

/** `AUTH_AUDIT_WINDOW_SECONDS`; missing or invalid means the default minute. */
const WindowSeconds = z.coerce
  .number()
  .int()
  .positive()
  .catch(DEFAULT_AUDIT_SAMPLING.windowMs / 1000);

/** Cuts the strings an outsider chose (emails, ids, addresses) so no row carries more than a few of their characters. */
function truncateStrings(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return details;
  return Object.fromEntries(Object.entries(details).map(([k, v]) => [k, typeof v === "string" ? truncate(v) : v]));
}

/**
 * Audits into a tenant named by credentials that were not (or not fully) accepted. Anyone can
 * cause these, so they go through the tenant's AuthAuditSampler: the first few per action and
 * minute are written at once, the rest become one aggregate row with their count
 * (domain/limits/audit-sampling.ts).
 */
export async function auditInto(c: Context<AppEnv>, tenantId: string, event: Event & Pick<AuditEvent, "actorType">): Promise<void> {
  const tenant = await c.get("platform").tenants.find(tenantId);
  // Nothing to attach the event to; a deleted tenant's tombstone must not collect new rows.
  if (!tenant || tenant.status === "deleted") return;
  const facts = requestFacts(c);
  const email = event.details?.email;
  const sample = { ...(typeof email === "string" ? { email } : {}), ...(event.actorId ? { actorId: event.actorId } : {}), ...(facts.ip ? { ip: facts.ip } : {}) };
  const policy = { ...DEFAULT_AUDIT_SAMPLING, windowMs: WindowSeconds.parse(c.env.AUTH_AUDIT_WINDOW_SECONDS) * 1000 };
  const individually = await c.env.AUTH_AUDIT_SAMPLER.getByName(tenantId).admit({ tenantId, action: event.action, outcome: event.outcome, sample, policy });
  if (!individually) return;
  const row = { ...event, actorId: event.actorId ? truncate(event.actorId) : event.actorId, details: truncateStrings(event.details), ...facts, ip: facts.ip ? truncate(facts.ip) : null };
  await forTenant(openRegistry(c.env.REGISTRY), tenantId).audit.record(row);
}
