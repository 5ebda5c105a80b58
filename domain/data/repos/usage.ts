import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db";
import { usage } from "../schema";

export const monthOf = (ts: number) => new Date(ts).toISOString().slice(0, 7);

export function usageRepo(db: Db, tenantId: string) {
  return {
    /** Adds to this month's counters in one statement per metric, batched. */
    async add(counters: Record<string, number>, now = Date.now()): Promise<void> {
      const period = monthOf(now);
      const entries = Object.entries(counters).filter(([, v]) => v !== 0);
      if (entries.length === 0) return;
      const statements = entries.map(([metric, value]) =>
        db
          .insert(usage)
          .values({ tenantId, period, metric, value, updatedAt: now })
          .onConflictDoUpdate({ target: [usage.tenantId, usage.period, usage.metric], set: { value: sql`${usage.value} + ${value}`, updatedAt: now } }),
      );
      await db.batch(statements as [typeof statements[number], ...typeof statements]);
    },
    async month(period: string): Promise<Record<string, number>> {
      const rows = await db.select().from(usage).where(and(eq(usage.tenantId, tenantId), eq(usage.period, period))).all();
      return Object.fromEntries(rows.map((r) => [r.metric, r.value]));
    },
  };
}
