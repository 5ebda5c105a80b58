import { and, asc, desc, eq, gte, lt, or, sql } from "drizzle-orm";
import { sortableId } from "../../ids";
import type { AuditEntry, AuditQuery } from "../../schemas/identity";
import { decodeCursor, toPage, type Db } from "../db";
import { auditLog } from "../schema";

const AUDIT_ROWS_PER_STATEMENT = 8;

export type AuditEvent = {
  actorType: AuditEntry["actorType"] & (typeof auditLog.$inferInsert)["actorType"];
  actorId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  outcome: AuditEntry["outcome"];
  requestId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
};

const toEntry = ({ tenantId: _t, ...r }: typeof auditLog.$inferSelect): AuditEntry => r;

export function auditRepo(db: Db, tenantId: string) {
  const mine = eq(auditLog.tenantId, tenantId);
  return {
    async record(events: AuditEvent | AuditEvent[]): Promise<void> {
      const list = Array.isArray(events) ? events : [events];
      if (list.length === 0) return;
      const now = Date.now();
      const rows = list.map((e) => ({ ...e, details: e.details ?? {}, tenantId, id: sortableId(now), ts: now }));
      // D1 binds at most 100 parameters per statement and a row takes 12: insert in chunks, in one batch.
      const chunks = [];
      for (let i = 0; i < rows.length; i += AUDIT_ROWS_PER_STATEMENT) chunks.push(db.insert(auditLog).values(rows.slice(i, i + AUDIT_ROWS_PER_STATEMENT)));
      await db.batch(chunks as [(typeof chunks)[number], ...typeof chunks]);
    },
    /** Records an event under a caller-chosen id, once: a retried workflow step does not write it twice. */
    async recordOnce(id: string, ts: number, e: AuditEvent): Promise<void> {
      await db
        .insert(auditLog)
        .values({ ...e, details: e.details ?? {}, tenantId, id, ts })
        .onConflictDoNothing();
    },
    /**
     * Records the event unless the tenant already has one with the same action and outcome, in one
     * statement (two concurrent callers cannot both write), and returns the one that holds: the first.
     */
    async recordFirst(e: AuditEvent): Promise<AuditEntry> {
      const now = Date.now();
      await db.run(sql`INSERT INTO audit_log (tenant_id, id, ts, actor_type, actor_id, action, target_type, target_id, outcome, request_id, ip, details)
        SELECT ${tenantId}, ${sortableId(now)}, ${now}, ${e.actorType}, ${e.actorId ?? null}, ${e.action}, ${e.targetType ?? null}, ${e.targetId ?? null}, ${e.outcome}, ${e.requestId ?? null}, ${e.ip ?? null}, ${JSON.stringify(e.details ?? {})}
        WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE tenant_id = ${tenantId} AND action = ${e.action} AND outcome = ${e.outcome})`);
      const first = await db
        .select()
        .from(auditLog)
        .where(and(mine, eq(auditLog.action, e.action), eq(auditLog.outcome, e.outcome)))
        .orderBy(asc(auditLog.id))
        .limit(1)
        .get();
      return toEntry(first!);
    },
    /** Newest first; the cursor is the last id seen. */
    async list(q: AuditQuery) {
      const where = and(
        mine,
        q.action ? eq(auditLog.action, q.action) : undefined,
        q.outcome ? eq(auditLog.outcome, q.outcome) : undefined,
        q.since !== undefined ? gte(auditLog.ts, q.since) : undefined,
        q.device ? or(and(eq(auditLog.targetType, "device"), eq(auditLog.targetId, q.device)), and(eq(auditLog.actorType, "device"), eq(auditLog.actorId, q.device))) : undefined,
        q.cursor ? lt(auditLog.id, decodeCursor(q.cursor)) : undefined,
      );
      const rows = await db
        .select()
        .from(auditLog)
        .where(where)
        .orderBy(desc(auditLog.id))
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toEntry);
    },
  };
}
