/**
 * Platform-level writes of the tenant lifecycle: claiming a tenant id, status transitions, the
 * tombstone left after offboarding, the custom-hostname directory used for routing, and deletion
 * certificates. Used by the control plane (workflows and operator routes through `platformData`).
 */
import { and, eq, inArray } from "drizzle-orm";
import { AppError } from "../errors";
import { isIdReusable } from "../lifecycle/policy";
import type { Tenant } from "../schemas/identity";
import { isUniqueViolation, type Db } from "./db";
import { deletionCertificates, domains, tenants } from "./schema";

type Status = Tenant["status"];
export type NewTenant = { id: string; name: string; plan: Tenant["plan"]; region: Tenant["region"] };

export function lifecycleData(db: Db) {
  const find = async (id: string) => (await db.select().from(tenants).where(eq(tenants.id, id)).get()) ?? null;
  const insertProvisioning = (t: NewTenant, now: number) => db.insert(tenants).values({ ...t, status: "provisioning", createdAt: now, updatedAt: now });

  return {
    /**
     * Takes a tenant id for a new tenant (status `provisioning`), atomically: two signups for the
     * same id cannot both win. A deleted tenant's id is free again only after the retention period.
     */
    async claim(t: NewTenant, now = Date.now()): Promise<Tenant> {
      const existing = await find(t.id);
      if (existing) {
        if (!isIdReusable(existing, now)) throw new AppError("already_exists", `tenant id '${t.id}' is taken`);
        await db.delete(tenants).where(and(eq(tenants.id, t.id), eq(tenants.status, "deleted")));
      }
      try {
        return await insertProvisioning(t, now).returning().get();
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("already_exists", `tenant id '${t.id}' is taken`);
        throw err;
      }
    },
    /** Onboarding's first step: the claimed row, or a new one when the workflow was started without a claim. */
    async ensureProvisioning(t: NewTenant, now = Date.now()): Promise<Tenant> {
      await insertProvisioning(t, now).onConflictDoNothing();
      return (await find(t.id))!;
    },
    /** Moves a tenant from one of `from` to `to`; null when it is in none of them (someone else moved it). */
    async transition(id: string, from: Status[], to: Status, now = Date.now()): Promise<Tenant | null> {
      return (
        (await db
          .update(tenants)
          .set({ status: to, updatedAt: now })
          .where(and(eq(tenants.id, id), inArray(tenants.status, from)))
          .returning()
          .get()) ?? null
      );
    },
    /** The tombstone: id, plan, region and dates stay; the name, branding and limit overrides are tenant data and go. */
    async tombstone(id: string, now = Date.now()): Promise<Tenant | null> {
      return (await db.update(tenants).set({ status: "deleted", name: "(deleted)", branding: {}, limits: {}, deletedAt: now, updatedAt: now }).where(eq(tenants.id, id)).returning().get()) ?? null;
    },

    /** The tenant a hostname routes to: only active custom domains count. */
    async tenantForHostname(hostname: string): Promise<string | null> {
      const row = await db
        .select({ tenantId: domains.tenantId })
        .from(domains)
        .where(and(eq(domains.hostname, hostname), eq(domains.status, "active")))
        .get();
      return row?.tenantId ?? null;
    },

    certificates: {
      async put(c: { tenantId: string; id: string; issuedAt: number; manifestSha256: string; jws: string }): Promise<void> {
        await db.insert(deletionCertificates).values(c).onConflictDoNothing();
      },
      async list(tenantId: string) {
        return db.select().from(deletionCertificates).where(eq(deletionCertificates.tenantId, tenantId)).orderBy(deletionCertificates.issuedAt).all();
      },
    },
  };
}
