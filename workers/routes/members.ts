import type { Context } from "hono";
import { z } from "zod";
import { AppError } from "../../domain/errors";
import type { Role } from "../../domain/roles";
import { page, PageQuery } from "../../domain/schemas/common";
import { Member, UpdateMember } from "../../domain/schemas/identity";
import type { AppEnv } from "../http/app-env";
import { audit } from "../http/audit";
import { credentialChanged } from "../http/hub-notify";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

const tags = ["members"];
const UserParam = z.object({ userId: z.string().min(1).max(64) });

/** Only an OWNER may create, change or remove an OWNER. */
export function requireOwnerFor(c: Context<AppEnv>, ...roles: (Role | null)[]) {
  if (roles.includes("OWNER") && c.get("principal").role !== "OWNER") throw new AppError("forbidden", "only an OWNER may grant, change or remove the OWNER role", { requiredRole: "OWNER" });
}

export const memberRoutes = tenantRouter()
  .get("/", doc({ summary: "List members", tags, ok: { schema: page(Member) }, errors: [400] }), requireRole("VIEWER"), validate("query", PageQuery), async (c) => c.json(await c.get("data").members.list(c.req.valid("query"))))
  .get("/:userId", doc({ summary: "Get a member", tags, ok: { schema: Member }, errors: [404] }), requireRole("VIEWER"), validate("param", UserParam), async (c) => c.json(await c.get("data").members.get(c.req.valid("param").userId)))
  .patch(
    "/:userId",
    doc({
      summary: "Change a member's role",
      description: "A tenant keeps at least one OWNER. Takes effect at once, also for the API keys the member created (capped at the new role).",
      tags,
      ok: { schema: Member },
      errors: [400, 403, 404, 409],
    }),
    requireRole("ADMIN"),
    validate("param", UserParam),
    validate("json", UpdateMember),
    async (c) => {
      const { userId } = c.req.valid("param");
      const { role } = c.req.valid("json");
      const before = await c.get("data").members.get(userId);
      requireOwnerFor(c, before.role, role);
      const member = await c.get("data").members.setRole(userId, role);
      await audit(c, { action: "member.role_changed", targetType: "user", targetId: userId, outcome: "success", details: { from: before.role, to: role } });
      await credentialChanged(c, { kind: "user", id: userId, change: "role_changed" });
      return c.json(member);
    },
  )
  .delete(
    "/:userId",
    doc({ summary: "Remove a member", description: "Also revokes the API keys the member created, and the keys those keys created.", tags, ok: { status: 204, description: "Removed" }, errors: [403, 404, 409] }),
    requireRole("ADMIN"),
    validate("param", UserParam),
    async (c) => {
      const { userId } = c.req.valid("param");
      const before = await c.get("data").members.get(userId);
      requireOwnerFor(c, before.role);
      await c.get("data").members.remove(userId);
      // Their keys would stop working anyway (a key is never stronger than its creator); revoking them
      // means re-inviting the person does not bring them back.
      const revokedKeys = await c.get("data").apiKeys.revokeCreatedBy(userId);
      await audit(c, { action: "member.removed", targetType: "user", targetId: userId, outcome: "success", details: { role: before.role, revokedKeys } });
      for (const id of revokedKeys) await audit(c, { action: "api_key.revoke", targetType: "api_key", targetId: id, outcome: "success", details: { reason: "creator_removed" } });
      // One notice is enough: the hub re-resolves every application session, the keys' included.
      await credentialChanged(c, { kind: "user", id: userId, change: "removed" });
      return c.body(null, 204);
    },
  );
