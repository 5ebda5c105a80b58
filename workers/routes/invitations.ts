import { z } from "zod";
import { hashSecret, issueInvitationToken } from "../../domain/auth/credentials";
import { page, PageQuery } from "../../domain/schemas/common";
import { CreateInvitation, Invitation } from "../../domain/schemas/identity";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";
import { requireOwnerFor } from "./members";

const tags = ["members"];

/** Invitations by email token. Sending mail is out of scope: the API returns the link. */
export const invitationRoutes = tenantRouter()
  .post(
    "/",
    doc({ summary: "Invite someone by email", description: "Returns the invitation token and link once; deliver it to the invitee.", tags, ok: { status: 201, schema: z.object({ invitation: Invitation, token: z.string(), link: z.string() }) }, errors: [400, 403] }),
    requireRole("ADMIN"),
    validate("json", CreateInvitation),
    async (c) => {
      const input = c.req.valid("json");
      requireOwnerFor(c, input.role);
      const issued = issueInvitationToken(c.get("tenant").id);
      const invitation = await c.get("data").invitations.create({ id: issued.id, email: input.email, role: input.role, tokenHash: await hashSecret(issued.secret), invitedBy: c.get("principal").actorId });
      await audit(c, { action: "invitation.create", targetType: "invitation", targetId: invitation.id, outcome: "success", details: { email: input.email, role: input.role } });
      const link = `${new URL(c.req.url).origin}/accept-invitation#token=${issued.token}`;
      return c.json({ invitation, token: issued.token, link }, 201);
    },
  )
  .get("/", doc({ summary: "List invitations", tags, ok: { schema: page(Invitation) }, errors: [400] }), requireRole("ADMIN"), validate("query", PageQuery), async (c) =>
    c.json(await c.get("data").invitations.list(c.req.valid("query"))),
  )
  .delete(
    "/:id",
    doc({ summary: "Revoke an invitation", tags, ok: { status: 204, description: "Revoked" }, errors: [404] }),
    requireRole("ADMIN"),
    validate("param", z.object({ id: z.string().min(1).max(64) })),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.get("data").invitations.delete(id);
      await audit(c, { action: "invitation.revoke", targetType: "invitation", targetId: id, outcome: "success" });
      return c.body(null, 204);
    },
  );
