/** Alarm rules, webhook targets and their delivery log, pinned to one tenant. */
import { and, count, desc, eq, inArray, lt } from "drizzle-orm";
import { AppError, notFound } from "../../errors";
import { randomBase32, sortableId } from "../../ids";
import { AlarmRule, MAX_ALARM_RULES, type WebhookEventType, type CreateAlarmRule, type CreateWebhookTarget, type UpdateAlarmRule, type UpdateWebhookTarget, type WebhookDelivery, type WebhookTarget } from "../../schemas/alarms";
import type { PageQuery } from "../../schemas/common";
import { afterCursor, toPage, type Db } from "../db";
import { alarmRules, alarmWebhookDeliveries, alarmWebhooks } from "../schema";

type RuleRow = typeof alarmRules.$inferSelect;
type WebhookRow = typeof alarmWebhooks.$inferSelect;
type DeliveryRow = typeof alarmWebhookDeliveries.$inferSelect;

const toRule = ({ tenantId: _t, ...r }: RuleRow): AlarmRule => AlarmRule.parse(r);
const toTarget = ({ tenantId: _t, secret: _s, ...r }: WebhookRow): WebhookTarget => r;
const toDelivery = ({ tenantId: _t, ...r }: DeliveryRow): WebhookDelivery => r;

export function alarmRuleRepo(db: Db, tenantId: string) {
  const mine = eq(alarmRules.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(alarmRules.id, id));
  return {
    async create(input: CreateAlarmRule): Promise<AlarmRule> {
      const n = await db.select({ n: count() }).from(alarmRules).where(mine).get();
      if ((n?.n ?? 0) >= MAX_ALARM_RULES) throw new AppError("plan_limit_reached", `at most ${MAX_ALARM_RULES} alarm rules per tenant`, { limit: "alarmRules", max: MAX_ALARM_RULES });
      const now = Date.now();
      return toRule(
        await db
          .insert(alarmRules)
          .values({ ...input, tenantId, id: sortableId(now), createdAt: now, updatedAt: now })
          .returning()
          .get(),
      );
    },
    async get(id: string): Promise<AlarmRule> {
      const row = await db.select().from(alarmRules).where(byId(id)).get();
      if (!row) throw notFound("alarm rule");
      return toRule(row);
    },
    async list(q: PageQuery) {
      const rows = await db
        .select()
        .from(alarmRules)
        .where(afterCursor(alarmRules.id, q.cursor, mine))
        .orderBy(alarmRules.id)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toRule);
    },
    /** Every rule, for the push to the hot store. */
    async all(): Promise<AlarmRule[]> {
      return (await db.select().from(alarmRules).where(mine).orderBy(alarmRules.id).all()).map(toRule);
    },
    async update(id: string, patch: UpdateAlarmRule): Promise<AlarmRule> {
      const row = await db
        .update(alarmRules)
        .set({ ...patch, updatedAt: Date.now() })
        .where(byId(id))
        .returning()
        .get();
      if (!row) throw notFound("alarm rule");
      return toRule(row);
    },
    async delete(id: string): Promise<void> {
      const rows = await db.delete(alarmRules).where(byId(id)).returning({ id: alarmRules.id }).all();
      if (rows.length === 0) throw notFound("alarm rule");
    },
  };
}

export function alarmWebhookRepo(db: Db, tenantId: string) {
  const mine = eq(alarmWebhooks.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(alarmWebhooks.id, id));
  const deliveriesMine = eq(alarmWebhookDeliveries.tenantId, tenantId);
  return {
    /** The secret is returned here and never again. */
    async create(input: CreateWebhookTarget): Promise<{ target: WebhookTarget; secret: string }> {
      const now = Date.now();
      const secret = `whsec_${randomBase32(40)}`;
      const row = await db
        .insert(alarmWebhooks)
        .values({ ...input, tenantId, id: sortableId(now), secret, createdAt: now, updatedAt: now })
        .returning()
        .get();
      return { target: toTarget(row), secret };
    },
    async get(id: string): Promise<WebhookTarget> {
      const row = await db.select().from(alarmWebhooks).where(byId(id)).get();
      if (!row) throw notFound("webhook target");
      return toTarget(row);
    },
    async list(q: PageQuery) {
      const rows = await db
        .select()
        .from(alarmWebhooks)
        .where(afterCursor(alarmWebhooks.id, q.cursor, mine))
        .orderBy(alarmWebhooks.id)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toTarget);
    },
    /** Enabled targets with their secrets, for the notifications consumer only. */
    async enabledWithSecrets(): Promise<(WebhookTarget & { secret: string })[]> {
      const rows = await db
        .select()
        .from(alarmWebhooks)
        .where(and(mine, eq(alarmWebhooks.enabled, true)))
        .all();
      return rows.map((r) => ({ ...toTarget(r), secret: r.secret }));
    },
    async findWithSecret(id: string): Promise<(WebhookTarget & { secret: string }) | null> {
      const row = await db.select().from(alarmWebhooks).where(byId(id)).get();
      return row ? { ...toTarget(row), secret: row.secret } : null;
    },
    async update(id: string, patch: UpdateWebhookTarget): Promise<WebhookTarget> {
      const row = await db
        .update(alarmWebhooks)
        .set({ ...patch, updatedAt: Date.now() })
        .where(byId(id))
        .returning()
        .get();
      if (!row) throw notFound("webhook target");
      return toTarget(row);
    },
    async delete(id: string): Promise<void> {
      const rows = await db.delete(alarmWebhooks).where(byId(id)).returning({ id: alarmWebhooks.id }).all();
      if (rows.length === 0) throw notFound("webhook target");
      await db.delete(alarmWebhookDeliveries).where(and(deliveriesMine, eq(alarmWebhookDeliveries.targetId, id)));
    },
    /** Newest first; the cursor is the creation time of the last row seen. */
    async deliveries(targetId: string, q: PageQuery): Promise<{ items: WebhookDelivery[]; nextCursor: string | null }> {
      await this.get(targetId);
      const before = q.cursor && /^\d+$/.test(q.cursor) ? lt(alarmWebhookDeliveries.createdAt, Number(q.cursor)) : undefined;
      const rows = await db
        .select()
        .from(alarmWebhookDeliveries)
        .where(and(deliveriesMine, eq(alarmWebhookDeliveries.targetId, targetId), before))
        .orderBy(desc(alarmWebhookDeliveries.createdAt), desc(alarmWebhookDeliveries.id))
        .limit(q.limit + 1)
        .all();
      const items = rows.slice(0, q.limit).map(toDelivery);
      return { items, nextCursor: rows.length > q.limit ? String(items[items.length - 1]!.createdAt) : null };
    },
    /** One pending row per (event, target); a re-sent event keeps the existing rows. */
    async recordPending(eventId: string, eventType: WebhookEventType, alarmId: string, targetIds: string[]): Promise<void> {
      if (targetIds.length === 0) return;
      const now = Date.now();
      await db
        .insert(alarmWebhookDeliveries)
        .values(targetIds.map((targetId) => ({ tenantId, id: `${eventId}@${targetId}`, targetId, eventId, eventType, alarmId, status: "pending" as const, createdAt: now, updatedAt: now })))
        .onConflictDoNothing();
    },
    async delivery(id: string): Promise<WebhookDelivery | null> {
      const row = await db
        .select()
        .from(alarmWebhookDeliveries)
        .where(and(deliveriesMine, eq(alarmWebhookDeliveries.id, id)))
        .get();
      return row ? toDelivery(row) : null;
    },
    async recordAttempt(id: string, outcome: { status: WebhookDelivery["status"]; attempts: number; statusCode: number | null; error: string | null }): Promise<void> {
      await db
        .update(alarmWebhookDeliveries)
        .set({ status: outcome.status, attempts: outcome.attempts, lastStatusCode: outcome.statusCode, lastError: outcome.error?.slice(0, 500) ?? null, updatedAt: Date.now() })
        .where(and(deliveriesMine, inArray(alarmWebhookDeliveries.id, [id])));
    },
  };
}
