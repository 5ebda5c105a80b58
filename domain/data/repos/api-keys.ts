import { and, eq, inArray } from "drizzle-orm";
import { notFound } from "../../errors";
import type { Role } from "../../roles";
import type { ApiKey } from "../../schemas/identity";
import type { PageQuery } from "../../schemas/common";
import { afterCursor, toPage, type Db } from "../db";
import { apiKeys } from "../schema";

const toApiKey = ({ tenantId: _t, secretHash: _s, ...r }: typeof apiKeys.$inferSelect): ApiKey => r;

/** How deep keys created by keys are followed (the authority resolver refuses deeper chains). */
export const MAX_KEY_CHAIN = 8;
/** D1 allows 100 bound parameters per statement; one is the tenant id. */
const D1_PARAMS_PER_CHUNK = 90;

export type ApiKeyRecord = typeof apiKeys.$inferSelect;

export function apiKeyRepo(db: Db, tenantId: string) {
  const mine = eq(apiKeys.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(apiKeys.id, id));
  return {
    async list(q: PageQuery) {
      const rows = await db
        .select()
        .from(apiKeys)
        .where(afterCursor(apiKeys.id, q.cursor, mine))
        .orderBy(apiKeys.id)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toApiKey);
    },
    /** The full record including the secret hash, for authentication only. */
    async record(id: string): Promise<ApiKeyRecord | null> {
      return (await db.select().from(apiKeys).where(byId(id)).get()) ?? null;
    },
    /** Full records of many keys at once (the hub re-resolving its sessions), for authentication only. */
    async records(ids: string[]): Promise<ApiKeyRecord[]> {
      const rows: ApiKeyRecord[] = [];
      for (let i = 0; i < ids.length; i += D1_PARAMS_PER_CHUNK)
        rows.push(
          ...(await db
            .select()
            .from(apiKeys)
            .where(and(mine, inArray(apiKeys.id, ids.slice(i, i + D1_PARAMS_PER_CHUNK))))
            .all()),
        );
      return rows;
    },
    async create(input: { id: string; name: string; prefix: string; secretHash: string; role: Role; mountpoint: string | null; createdBy: string; expiresAt: number | null }): Promise<ApiKey> {
      const row = await db
        .insert(apiKeys)
        .values({ ...input, tenantId, createdAt: Date.now() })
        .returning()
        .get();
      return toApiKey(row);
    },
    async touch(id: string, now = Date.now()): Promise<void> {
      await db.update(apiKeys).set({ lastUsedAt: now }).where(byId(id));
    },
    async delete(id: string): Promise<void> {
      const rows = await db.delete(apiKeys).where(byId(id)).returning({ id: apiKeys.id }).all();
      if (rows.length === 0) throw notFound("API key");
    },
    /**
     * Revokes the keys `creator` (a user or a key id) created and, in turn, the keys those keys
     * created: a key is never stronger than its creator, so none outlives it. Returns their ids.
     */
    async revokeCreatedBy(creator: string): Promise<string[]> {
      const revoked: string[] = [];
      let creators = [creator];
      for (let depth = 0; creators.length > 0 && depth < MAX_KEY_CHAIN; depth++) {
        const next: string[] = [];
        for (let i = 0; i < creators.length; i += D1_PARAMS_PER_CHUNK) {
          const rows = await db
            .delete(apiKeys)
            .where(and(mine, inArray(apiKeys.createdBy, creators.slice(i, i + D1_PARAMS_PER_CHUNK))))
            .returning({ id: apiKeys.id })
            .all();
          next.push(...rows.map((r) => r.id));
        }
        revoked.push(...next);
        creators = next;
      }
      return revoked;
    },
  };
}
