import { and, count, eq } from "drizzle-orm";
import type { Db } from "../db";
import { dashboards } from "../schema";

export const STARTER_DASHBOARD_ID = "overview";
const STARTER_LAYOUT = [
  { widget: "device-status", title: "Devices online", x: 0, y: 0, w: 4, h: 2 },
  { widget: "message-rate", title: "Messages per second", x: 4, y: 0, w: 8, h: 2 },
  { widget: "latest-telemetry", title: "Latest readings", x: 0, y: 2, w: 12, h: 4 },
];

export function dashboardRepo(db: Db, tenantId: string) {
  const mine = eq(dashboards.tenantId, tenantId);
  return {
    /** Creates the starter dashboard unless it exists: safe to run again (onboarding retries steps). */
    async ensureStarter(): Promise<void> {
      const now = Date.now();
      await db
        .insert(dashboards)
        .values({ tenantId, id: STARTER_DASHBOARD_ID, name: "Overview", layout: STARTER_LAYOUT, createdAt: now, updatedAt: now })
        .onConflictDoNothing();
    },
    async count(): Promise<number> {
      return (await db.select({ n: count() }).from(dashboards).where(mine).get())?.n ?? 0;
    },
    async find(id: string) {
      return (await db.select().from(dashboards).where(and(mine, eq(dashboards.id, id))).get()) ?? null;
    },
  };
}
