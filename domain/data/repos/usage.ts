import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db";
import { usage } from "../schema";

const monthOf = (ts: number) => new Date(ts).toISOString().slice(0, 7);

export function usageRepo(db: Db, tenantId: string) {
  const upsert = (period: string, metric: string, value: number, now: number, mode: "add" | "set") =>
    db
      .insert(usage)
      .values({ tenantId, period, metric, value, updatedAt: now })
      .onConflictDoUpdate({ target: [usage.tenantId, usage.period, usage.metric], set: { value: mode === "add" ? sql`${usage.value} + ${value}` : value, updatedAt: now } });

  return {
    /**
     * Adds to this month's counters and sets its gauges (last observed value: devices
     * registered, hot-store size), all in one batch: one write per tenant per telemetry batch.
     */
    async record(counters: Record<string, number>, gauges: Record<string, number> = {}, now = Date.now()): Promise<void> {
      const period = monthOf(now);
      const statements = [
        ...Object.entries(counters)
          .filter(([, v]) => v !== 0)
          .map(([metric, value]) => upsert(period, metric, value, now, "add")),
        ...Object.entries(gauges).map(([metric, value]) => upsert(period, metric, value, now, "set")),
      ];
      if (statements.length === 0) return;
      await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    },
    /** Adds to this month's counters. */
    async add(counters: Record<string, number>, now = Date.now()): Promise<void> {
      await this.record(counters, {}, now);
    },
    async month(period: string): Promise<Record<string, number>> {
      const rows = await db
        .select()
        .from(usage)
        .where(and(eq(usage.tenantId, tenantId), eq(usage.period, period)))
        .all();
      return Object.fromEntries(rows.map((r) => [r.metric, r.value]));
    },
  };
}
