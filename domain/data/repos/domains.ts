import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors";
import type { DnsRecord } from "../../domains/verification";
import type { PageQuery } from "../../schemas/common";
import { afterCursor, isUniqueViolation, toPage, type Db } from "../db";
import { domains } from "../schema";

export type DomainRecord = Omit<typeof domains.$inferSelect, "tenantId">;
const toRecord = ({ tenantId: _t, ...r }: typeof domains.$inferSelect): DomainRecord => r;

/** Custom hostnames of one tenant. Hostnames arrive normalized (domain/domains/hostname.ts). */
export function domainRepo(db: Db, tenantId: string) {
  const mine = eq(domains.tenantId, tenantId);
  const byName = (hostname: string) => and(mine, eq(domains.hostname, hostname));
  return {
    async list(q: PageQuery) {
      const rows = await db
        .select()
        .from(domains)
        .where(afterCursor(domains.hostname, q.cursor, mine))
        .orderBy(domains.hostname)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.hostname, toRecord);
    },
    async find(hostname: string): Promise<DomainRecord | null> {
      const row = await db.select().from(domains).where(byName(hostname)).get();
      return row ? toRecord(row) : null;
    },
    async create(input: { hostname: string; verificationToken: string; providerId: string | null; providerRecords: DnsRecord[] }): Promise<DomainRecord> {
      const now = Date.now();
      try {
        return toRecord(
          await db
            .insert(domains)
            .values({ ...input, tenantId, status: "pending", createdAt: now, updatedAt: now })
            .returning()
            .get(),
        );
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("already_exists", `${input.hostname} is already registered for this tenant`);
        throw err;
      }
    },
    /** Activates the hostname; the partial unique index refuses it while another tenant has it active. */
    async markActive(hostname: string, now = Date.now()): Promise<DomainRecord> {
      try {
        const row = await db.update(domains).set({ status: "active", failureReason: null, verifiedAt: now, updatedAt: now }).where(byName(hostname)).returning().get();
        if (!row) throw new AppError("not_found", "domain not found");
        return toRecord(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("conflict", `${hostname} is already active for another tenant`);
        throw err;
      }
    },
    async markFailed(hostname: string, reason: string): Promise<DomainRecord> {
      const row = await db
        .update(domains)
        .set({ status: "failed", failureReason: reason.slice(0, 1000), updatedAt: Date.now() })
        .where(byName(hostname))
        .returning()
        .get();
      if (!row) throw new AppError("not_found", "domain not found");
      return toRecord(row);
    },
    /** Removes the hostname and returns what it was (null when this tenant never had it). */
    async remove(hostname: string): Promise<DomainRecord | null> {
      const row = await db.delete(domains).where(byName(hostname)).returning().get();
      return row ? toRecord(row) : null;
    },
  };
}
