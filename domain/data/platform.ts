/**
 * Platform tables that no single tenant owns: the tenant registry itself and user accounts
 * (a user may belong to several tenants). Used by authentication and the operator API.
 */
import { and, count, eq, inArray, like, ne, or, sql } from "drizzle-orm";
import { notFound } from "../errors";
import type { Tenant } from "../schemas/identity";
import type { PageQuery } from "../schemas/common";
import { accountData } from "./accounts";
import { afterCursor, toPage, type Db } from "./db";
import { devOutboxData } from "./dev-outbox";
import { lifecycleData } from "./lifecycle-data";
import { chunks } from "./repos/devices";
import { devices, tenants, usage } from "./schema";

type TenantRow = typeof tenants.$inferSelect;
const toTenant = (r: TenantRow): Tenant => r;

export function platformData(db: Db) {
  return {
    /** The cheapest read that proves the registry answers and is migrated (health checks). */
    async probe(): Promise<void> {
      await db.select({ id: tenants.id }).from(tenants).limit(1).all();
    },
    tenants: {
      async find(id: string): Promise<Tenant | null> {
        const row = await db.select().from(tenants).where(eq(tenants.id, id)).get();
        return row ? toTenant(row) : null;
      },
      async get(id: string): Promise<Tenant> {
        const t = await this.find(id);
        if (!t) throw notFound("tenant");
        return t;
      },
      async list(q: PageQuery & { status?: Tenant["status"]; q?: string }) {
        const where = and(q.status ? eq(tenants.status, q.status) : undefined, q.q ? or(like(tenants.id, `%${q.q}%`), like(tenants.name, `%${q.q}%`)) : undefined);
        const rows = await db
          .select()
          .from(tenants)
          .where(afterCursor(tenants.id, q.cursor, where))
          .orderBy(tenants.id)
          .limit(q.limit + 1)
          .all();
        return toPage(rows, q.limit, (r) => r.id, toTenant);
      },
      /**
       * Tenants (not deleted) whose display name equals `nameKey` once trimmed and ASCII-lowercased
       * (`displayNameKey`): the candidates a new id must not look like.
       */
      async withDisplayName(nameKey: string): Promise<Pick<Tenant, "id" | "name">[]> {
        return db
          .select({ id: tenants.id, name: tenants.name })
          .from(tenants)
          .where(and(sql`lower(trim(${tenants.name})) = ${nameKey}`, ne(tenants.status, "deleted")))
          .limit(500)
          .all();
      },
      async deviceCounts(ids: string[]): Promise<Record<string, number>> {
        // D1 binds at most 100 parameters per statement: count in chunks.
        const out: Record<string, number> = {};
        for (let i = 0; i < ids.length; i += 90) {
          const rows = await db
            .select({ tenantId: devices.tenantId, n: count() })
            .from(devices)
            .where(inArray(devices.tenantId, ids.slice(i, i + 90)))
            .groupBy(devices.tenantId)
            .all();
          for (const r of rows) out[r.tenantId] = r.n;
        }
        return out;
      },
      /** Usage metrics of one month for the given tenants (the operator's platform-wide view). */
      async usageFor(ids: string[], period: string): Promise<Record<string, Record<string, number>>> {
        const out: Record<string, Record<string, number>> = {};
        for (const part of chunks(ids)) {
          const rows = await db
            .select()
            .from(usage)
            .where(and(inArray(usage.tenantId, part), eq(usage.period, period)))
            .all();
          for (const r of rows) (out[r.tenantId] ??= {})[r.metric] = r.value;
        }
        return out;
      },
      async update(id: string, patch: Partial<Pick<TenantRow, "name" | "plan" | "status" | "limits" | "branding">>): Promise<Tenant> {
        const row = await db
          .update(tenants)
          .set({ ...patch, updatedAt: Date.now() })
          .where(eq(tenants.id, id))
          .returning()
          .get();
        if (!row) throw notFound("tenant");
        return toTenant(row);
      },
    },

    /** User accounts and the proof of their addresses (accounts.ts). */
    users: accountData(db),

    /** Mail a development platform kept instead of sending (dev-outbox.ts). */
    devOutbox: devOutboxData(db),

    /** Tenant lifecycle writes (claim, transitions, tombstone), the hostname directory and deletion certificates. */
    lifecycle: lifecycleData(db),
  };
}

export type PlatformData = ReturnType<typeof platformData>;
