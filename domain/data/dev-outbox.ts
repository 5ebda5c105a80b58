/** The development mail outbox (see `devOutbox` in schema.ts): what a local platform "sent". */
import { and, desc, eq, type SQL } from "drizzle-orm";
import type { MailMessage } from "../mail/messages";
import type { Db } from "./db";
import { sortableId } from "../ids";
import { devOutbox } from "./schema";

export function devOutboxData(db: Db) {
  return {
    async put(message: MailMessage): Promise<void> {
      await db.insert(devOutbox).values({ id: sortableId(), to: message.to, kind: message.kind, subject: message.subject, text: message.text, link: message.link, createdAt: Date.now() });
    },
    /** Newest first. */
    async list(q: { to?: string; kind?: string; limit: number }) {
      const where: SQL[] = [];
      if (q.to) where.push(eq(devOutbox.to, q.to));
      if (q.kind) where.push(eq(devOutbox.kind, q.kind));
      return db
        .select()
        .from(devOutbox)
        .where(and(...where))
        .orderBy(desc(devOutbox.id))
        .limit(q.limit)
        .all();
    },
  };
}
