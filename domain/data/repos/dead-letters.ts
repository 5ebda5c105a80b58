import { and, count, desc, eq, lt, min } from "drizzle-orm";
import { sortableId } from "../../ids";
import { notFound } from "../../errors";
import type { DeadLetter, DeadLetterQuery } from "../../telemetry/dead-letters";
import { decodeCursor, toPage, type Db } from "../db";
import { deadLetters } from "../schema";

export type NewDeadLetter = Pick<typeof deadLetters.$inferInsert, "queueMessageId" | "kind" | "msgId" | "topic" | "receivedAt" | "attempts" | "body">;

type Row = typeof deadLetters.$inferSelect;
function toDeadLetter({ tenantId: _t, queueMessageId: _q, body, ...r }: Row): DeadLetter {
  let parsed: unknown = body;
  try {
    parsed = JSON.parse(body);
  } catch {
    // recorded as text: show it as text
  }
  return { ...r, body: parsed };
}

export function deadLetterRepo(db: Db, tenantId: string) {
  const mine = eq(deadLetters.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(deadLetters.id, id));
  return {
    /** Records a batch; a queue message already recorded (a redelivery) is left as it is. */
    async record(letters: NewDeadLetter[], now = Date.now()): Promise<void> {
      if (letters.length === 0) return;
      // One statement per letter: D1 binds at most 100 parameters per statement.
      const statements = letters.map((l) =>
        db
          .insert(deadLetters)
          .values({ ...l, tenantId, id: sortableId(now), deadAt: now, status: "dead" as const })
          .onConflictDoNothing({ target: [deadLetters.tenantId, deadLetters.queueMessageId] }),
      );
      await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    },
    /** Letters still dead (not re-driven), and when the oldest of them died (the tenant's status). */
    async deadSummary(): Promise<{ count: number; oldestDeadAt: number | null }> {
      const row = await db
        .select({ n: count(), oldest: min(deadLetters.deadAt) })
        .from(deadLetters)
        .where(and(mine, eq(deadLetters.status, "dead")))
        .get();
      return { count: row?.n ?? 0, oldestDeadAt: row?.oldest ?? null };
    },
    /** Newest first. */
    async list(q: DeadLetterQuery) {
      const where = and(mine, q.status ? eq(deadLetters.status, q.status) : undefined, q.cursor ? lt(deadLetters.id, decodeCursor(q.cursor)) : undefined);
      const rows = await db
        .select()
        .from(deadLetters)
        .where(where)
        .orderBy(desc(deadLetters.id))
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toDeadLetter);
    },
    async get(id: string): Promise<DeadLetter & { rawBody: string }> {
      const row = await db.select().from(deadLetters).where(byId(id)).get();
      if (!row) throw notFound("dead letter");
      return { ...toDeadLetter(row), rawBody: row.body };
    },
    async markRedriven(id: string, now = Date.now()): Promise<DeadLetter> {
      const row = await db.update(deadLetters).set({ status: "redriven", redrivenAt: now }).where(byId(id)).returning().get();
      if (!row) throw notFound("dead letter");
      return toDeadLetter(row);
    },
    async delete(id: string): Promise<void> {
      const rows = await db.delete(deadLetters).where(byId(id)).returning({ id: deadLetters.id }).all();
      if (rows.length === 0) throw notFound("dead letter");
    },
  };
}
