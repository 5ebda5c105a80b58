import { and, count, eq, isNull } from "drizzle-orm";
import { AppError, notFound } from "../../errors";
import type { Role } from "../../roles";
import type { Invitation, Member } from "../../schemas/identity";
import type { PageQuery } from "../../schemas/common";
import { afterCursor, isUniqueViolation, toPage, type Db } from "../db";
import { invitations, memberships, users } from "../schema";

export function memberRepo(db: Db, tenantId: string) {
  const mine = eq(memberships.tenantId, tenantId);
  const byUser = (userId: string) => and(mine, eq(memberships.userId, userId));
  const columns = { userId: memberships.userId, email: users.email, name: users.name, role: memberships.role, createdAt: memberships.createdAt };

  const owners = async () =>
    (
      await db
        .select({ n: count() })
        .from(memberships)
        .where(and(mine, eq(memberships.role, "OWNER")))
        .get()
    )?.n ?? 0;

  return {
    async get(userId: string): Promise<Member> {
      const row = await db.select(columns).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(byUser(userId)).get();
      if (!row) throw notFound("member");
      return row;
    },
    async roleOf(userId: string): Promise<Role | null> {
      const row = await db.select({ role: memberships.role }).from(memberships).where(byUser(userId)).get();
      return row?.role ?? null;
    },
    async list(q: PageQuery) {
      const rows = await db
        .select(columns)
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(afterCursor(memberships.userId, q.cursor, mine))
        .orderBy(memberships.userId)
        .limit(q.limit + 1)
        .all();
      return toPage(
        rows,
        q.limit,
        (r) => r.userId,
        (r) => r,
      );
    },
    async add(userId: string, role: Role): Promise<void> {
      const now = Date.now();
      try {
        await db.insert(memberships).values({ tenantId, userId, role, createdAt: now, updatedAt: now });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("already_exists", "already a member of this tenant");
        throw err;
      }
    },
    /** Changes a role; a tenant always keeps at least one owner. */
    async setRole(userId: string, role: Role): Promise<Member> {
      const current = await this.get(userId);
      if (current.role === "OWNER" && role !== "OWNER" && (await owners()) <= 1) {
        throw new AppError("conflict", "a tenant must keep at least one owner");
      }
      await db.update(memberships).set({ role, updatedAt: Date.now() }).where(byUser(userId));
      return { ...current, role };
    },
    async remove(userId: string): Promise<void> {
      const current = await this.get(userId);
      if (current.role === "OWNER" && (await owners()) <= 1) throw new AppError("conflict", "a tenant must keep at least one owner");
      await db.delete(memberships).where(byUser(userId));
    },
  };
}

const toInvitation = (r: typeof invitations.$inferSelect): Invitation => ({
  id: r.id,
  email: r.email,
  role: r.role,
  invitedBy: r.invitedBy,
  expiresAt: r.expiresAt,
  acceptedAt: r.acceptedAt,
  createdAt: r.createdAt,
});

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export function invitationRepo(db: Db, tenantId: string) {
  const mine = eq(invitations.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(invitations.id, id));
  return {
    async list(q: PageQuery) {
      const rows = await db
        .select()
        .from(invitations)
        .where(afterCursor(invitations.id, q.cursor, mine))
        .orderBy(invitations.id)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toInvitation);
    },
    async create(input: { id: string; email: string; role: Role; tokenHash: string; invitedBy: string }): Promise<Invitation> {
      const now = Date.now();
      const row = await db
        .insert(invitations)
        .values({ ...input, tenantId, expiresAt: now + INVITATION_TTL_MS, createdAt: now })
        .returning()
        .get();
      return toInvitation(row);
    },
    /** The stored hash of an open invitation, for verifying a presented token. */
    async openInvitation(id: string) {
      return (
        (await db
          .select()
          .from(invitations)
          .where(and(byId(id), isNull(invitations.acceptedAt)))
          .get()) ?? null
      );
    },
    async markAccepted(id: string): Promise<boolean> {
      const rows = await db
        .update(invitations)
        .set({ acceptedAt: Date.now() })
        .where(and(byId(id), isNull(invitations.acceptedAt)))
        .returning({ id: invitations.id })
        .all();
      return rows.length > 0;
    },
    async delete(id: string): Promise<void> {
      const rows = await db.delete(invitations).where(byId(id)).returning({ id: invitations.id }).all();
      if (rows.length === 0) throw notFound("invitation");
    },
  };
}
