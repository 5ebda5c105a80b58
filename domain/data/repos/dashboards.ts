import { and, eq, sql } from "drizzle-orm";
import { AppError, notFound } from "../../errors";
import { sortableId } from "../../ids";
import type { PageQuery } from "../../schemas/common";
import { DashboardDocument, parseDashboard, type Dashboard, type DashboardDocumentInput, type DashboardSummary } from "../../schemas/dashboards";
import { afterCursor, isUniqueViolation, toPage, type Db } from "../db";
import { dashboards } from "../schema";

type Row = typeof dashboards.$inferSelect;

const STARTER_DASHBOARD_ID = "overview";

/**
 * What onboarding gives every tenant. It runs before the tenant has devices, so nothing here
 * names one: the fleet with each device's latest readings, the map of located devices and the
 * rejected-messages log fill in as devices are registered and report.
 */
const STARTER_DASHBOARD: DashboardDocumentInput = {
  schemaVersion: 1,
  name: "Overview",
  description: "Every device with its status and latest readings, where the located ones are, and the messages the platform rejected.",
  timeRange: { relative: "24h" },
  filter: {},
  widgets: [
    { id: "fleet", type: "table", title: "Devices", x: 0, y: 0, w: 8, h: 6, columns: ["status", "lastSeen"], metrics: "all" },
    { id: "map", type: "map", title: "Device locations", x: 8, y: 0, w: 4, h: 6 },
    { id: "rejected", type: "events", title: "Rejected messages", source: "rejected", limit: 20, x: 0, y: 6, w: 12, h: 4 },
  ],
};

/** A write named a version that is no longer the current one. */
const staleDashboard = (current: number) => new AppError("precondition_failed", `the dashboard was changed by someone else since you loaded it (version ${current} is current)`, { currentVersion: current });

function toDashboard(row: Row): Dashboard {
  return { id: row.id, version: row.version, ...parseDashboard(row.document), createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function toSummary(row: Row): DashboardSummary {
  const doc = parseDashboard(row.document);
  return { id: row.id, version: row.version, name: doc.name, description: doc.description, widgetCount: doc.widgets.length, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

/**
 * Dashboards. Every write bumps `version`; `replace` and `delete` name the version they expect
 * and succeed only if it is still current, in the one conditional statement that writes (never
 * read-then-write). A miss is then told apart as "gone" (404) or "stale" (412, with the current
 * version) by a read that decides nothing.
 */
export function dashboardRepo(db: Db, tenantId: string) {
  const mine = eq(dashboards.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(dashboards.id, id));

  /** Why a conditional write matched no row. */
  async function missed(id: string): Promise<AppError> {
    const row = await db.select({ version: dashboards.version }).from(dashboards).where(byId(id)).get();
    return row ? staleDashboard(row.version) : notFound("dashboard");
  }

  return {
    /** Creates the starter dashboard unless it exists: safe to run again (onboarding retries steps). */
    async ensureStarter(): Promise<void> {
      const now = Date.now();
      const document = DashboardDocument.parse(STARTER_DASHBOARD);
      await db.insert(dashboards).values({ tenantId, id: STARTER_DASHBOARD_ID, name: document.name, document, createdAt: now, updatedAt: now }).onConflictDoNothing();
    },
    async get(id: string): Promise<Dashboard> {
      const row = await db.select().from(dashboards).where(byId(id)).get();
      if (!row) throw notFound("dashboard");
      return toDashboard(row);
    },
    /** Summaries (no widgets), in id order: ids are time-ordered, so oldest first. */
    async list(q: PageQuery) {
      const rows = await db
        .select()
        .from(dashboards)
        .where(afterCursor(dashboards.id, q.cursor, mine))
        .orderBy(dashboards.id)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toSummary);
    },
    async create(document: DashboardDocument, now = Date.now()): Promise<Dashboard> {
      try {
        const row = await db
          .insert(dashboards)
          .values({ tenantId, id: sortableId(now), name: document.name, document, version: 1, createdAt: now, updatedAt: now })
          .returning()
          .get();
        return toDashboard(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("conflict", "a dashboard was created with the same id at the same moment; try again");
        throw err;
      }
    },
    /** Replaces the whole document if `expected` is still the current version (`"*"`: whichever is current). */
    async replace(id: string, document: DashboardDocument, expected: number | "*"): Promise<Dashboard> {
      const row = await db
        .update(dashboards)
        .set({ name: document.name, document, version: sql`${dashboards.version} + 1`, updatedAt: Date.now() })
        .where(and(byId(id), expected === "*" ? undefined : eq(dashboards.version, expected)))
        .returning()
        .get();
      if (!row) throw await missed(id);
      return toDashboard(row);
    },
    /** Deletes the dashboard; with `expected`, only if that is still the current version. */
    async delete(id: string, expected?: number): Promise<void> {
      const rows = await db
        .delete(dashboards)
        .where(and(byId(id), expected === undefined ? undefined : eq(dashboards.version, expected)))
        .returning({ id: dashboards.id })
        .all();
      if (rows.length === 0) throw await missed(id);
    },
  };
}
