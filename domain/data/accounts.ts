/**
 * User accounts (a platform table: a user may belong to several tenants) and the proof of an
 * email address. The rules, enforced here rather than in each route:
 * - an address has at most one verified account (a partial unique index), and any number of
 *   unverified ones: whoever signs up with an address gets an account of their own, so signup
 *   never says whether the address is known;
 * - proving an address (following a mail sent to it) verifies one account and folds every
 *   unverified account of that address into it: their memberships move over, the accounts are
 *   deleted, so a squatter's password and tokens stop working the moment the owner shows up.
 */
import { and, asc, desc, eq, isNotNull, isNull, ne } from "drizzle-orm";
import { notFound } from "../errors";
import { roleAtLeast, type Role } from "../roles";
import type { Tenant, User } from "../schemas/identity";
import type { Db } from "./db";
import { emailVerifications, memberships, tenants, users } from "./schema";

export type UserRecord = typeof users.$inferSelect;

const toUser = (r: UserRecord): User => ({ id: r.id, email: r.email, name: r.name, emailVerified: r.emailVerifiedAt !== null, createdAt: r.createdAt });

/** Login and signup look at no more unverified accounts of one address than this (newest first). */
const MAX_UNVERIFIED_CANDIDATES = 5;
const EMAIL_VERIFICATION_TTL_MS = 24 * 3600 * 1000;

export function accountData(db: Db) {
  const byId = async (id: string) => (await db.select().from(users).where(eq(users.id, id)).get()) ?? null;

  /** Moves `from`'s memberships to `to` (keeping the stronger role where both belong), then deletes `from`. */
  async function fold(fromId: string, toId: string): Promise<void> {
    const theirs = await db.select().from(memberships).where(eq(memberships.userId, fromId)).all();
    const mine = new Map((await db.select().from(memberships).where(eq(memberships.userId, toId)).all()).map((m) => [m.tenantId, m.role]));
    const now = Date.now();
    for (const m of theirs) {
      const current = mine.get(m.tenantId);
      if (!current) await db.insert(memberships).values({ tenantId: m.tenantId, userId: toId, role: m.role, createdAt: m.createdAt, updatedAt: now });
      else if (!roleAtLeast(current, m.role))
        await db
          .update(memberships)
          .set({ role: m.role, updatedAt: now })
          .where(and(eq(memberships.tenantId, m.tenantId), eq(memberships.userId, toId)));
    }
    // Cascades to the folded account's memberships and verification tokens.
    await db.delete(users).where(eq(users.id, fromId));
  }

  return {
    async get(id: string): Promise<User> {
      const row = await byId(id);
      if (!row) throw notFound("user");
      return toUser(row);
    },
    find: byId,
    toUser,
    async findVerified(email: string): Promise<UserRecord | null> {
      return (
        (await db
          .select()
          .from(users)
          .where(and(eq(users.email, email), isNotNull(users.emailVerifiedAt)))
          .get()) ?? null
      );
    },
    async findUnverified(email: string): Promise<UserRecord[]> {
      return db
        .select()
        .from(users)
        .where(and(eq(users.email, email), isNull(users.emailVerifiedAt)))
        .orderBy(desc(users.createdAt))
        .limit(MAX_UNVERIFIED_CANDIDATES)
        .all();
    },
    async create(input: { id: string; email: string; name: string; passwordHash: string; verified?: boolean }): Promise<UserRecord> {
      const now = Date.now();
      const { verified, ...row } = input;
      return db
        .insert(users)
        .values({ ...row, emailVerifiedAt: verified ? now : null, createdAt: now, updatedAt: now })
        .returning()
        .get();
    },
    async setLastTenant(userId: string, tenantId: string): Promise<void> {
      await db.update(users).set({ lastTenantId: tenantId }).where(eq(users.id, userId));
    },
    /** The tenants ("workspaces") a user belongs to, with the role in each, oldest membership first. */
    async workspaces(userId: string): Promise<{ tenant: Tenant; role: Role }[]> {
      const rows = await db
        .select({ tenant: tenants, role: memberships.role })
        .from(memberships)
        .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
        .where(eq(memberships.userId, userId))
        .orderBy(asc(memberships.createdAt), asc(tenants.id))
        .all();
      return rows.map((r) => ({ tenant: r.tenant, role: r.role }));
    },
    /**
     * `userId` proved it reads mail sent to its address. Returns the address's verified account:
     * this one, or the one that was verified before (then this account is folded into it).
     * Every other unverified account of the address is folded into the verified one.
     */
    async proveAddress(userId: string): Promise<UserRecord> {
      const user = await byId(userId);
      if (!user) throw notFound("user");
      let keeper = await this.findVerified(user.email);
      if (!keeper) {
        keeper =
          (await db
            .update(users)
            .set({ emailVerifiedAt: Date.now(), updatedAt: Date.now() })
            .where(and(eq(users.id, user.id), isNull(users.emailVerifiedAt)))
            .returning()
            .get()) ?? null;
        // Lost a race with another proof of the same address: that one is the keeper.
        keeper ??= await this.findVerified(user.email);
        if (!keeper) throw notFound("user");
      }
      const others = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.email, user.email), isNull(users.emailVerifiedAt), ne(users.id, keeper.id)))
        .all();
      for (const o of others) await fold(o.id, keeper.id);
      return keeper;
    },

    verifications: {
      async create(input: { id: string; userId: string; email: string; tokenHash: string }): Promise<void> {
        const now = Date.now();
        await db.insert(emailVerifications).values({ ...input, expiresAt: now + EMAIL_VERIFICATION_TTL_MS, createdAt: now });
      },
      async open(id: string) {
        return (
          (await db
            .select()
            .from(emailVerifications)
            .where(and(eq(emailVerifications.id, id), isNull(emailVerifications.usedAt)))
            .get()) ?? null
        );
      },
      /** Marks a token used; false when it was used concurrently (single use). */
      async use(id: string): Promise<boolean> {
        const rows = await db
          .update(emailVerifications)
          .set({ usedAt: Date.now() })
          .where(and(eq(emailVerifications.id, id), isNull(emailVerifications.usedAt)))
          .returning({ id: emailVerifications.id })
          .all();
        return rows.length > 0;
      },
    },
  };
}

export type AccountData = ReturnType<typeof accountData>;
