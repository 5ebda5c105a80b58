import { z } from "zod";
import { hashSecret, issueInvitationToken } from "../../domain/auth/credentials";
import { AppError } from "../../domain/errors";
import { invitationMail } from "../../domain/mail/messages";
import { page, PageQuery } from "../../domain/schemas/common";
import { CreateInvitation, Invitation } from "../../domain/schemas/identity";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";
import { invitationLink } from "../mail/links";
import { mailerFor } from "../mail/mailer";
import { requireOwnerFor } from "./members";

const tags = ["members"];

/**
 * Invitations by mail. The token goes only into the mail to the invited address, never back to
 * the inviter: holding it is what proves the address when the invitation is accepted.
 */
export const invitationRoutes = tenantRouter()
  .post(
    "/",
    doc({
      summary: "Invite someone by email",
      description: "Mails the invitation link to the address (the token is not returned). 503 when the platform cannot send mail; nothing is created then.",
      tags,
      ok: { status: 201, schema: z.object({ invitation: Invitation, delivery: z.literal("mailed") }) },
      errors: [400, 403, 503],
    }),
    requireRole("ADMIN"),
    validate("json", CreateInvitation),
    async (c) => {
      const input = c.req.valid("json");
      requireOwnerFor(c, input.role);
      const issued = issueInvitationToken(c.get("tenant").id);
      const invitation = await c.get("data").invitations.create({ id: issued.id, email: input.email, role: input.role, tokenHash: await hashSecret(issued.secret), invitedBy: c.get("principal").actorId });
      await audit(c, { action: "invitation.create", targetType: "invitation", targetId: invitation.id, outcome: "success", details: { email: input.email, role: input.role } });
      try {
        await mailerFor(c.env).send(invitationMail(input.email, invitationLink(c.req.url, issued.token), c.get("tenant").name, input.role));
      } catch (err) {
        // An invitation nobody received cannot be accepted: take it back and say why.
        await c.get("data").invitations.delete(invitation.id);
        throw err instanceof AppError ? err : new AppError("unavailable", "the invitation mail could not be sent; try again later");
      }
      return c.json({ invitation, delivery: "mailed" as const }, 201);
    },
  )
  .get("/", doc({ summary: "List invitations", tags, ok: { schema: page(Invitation) }, errors: [400] }), requireRole("ADMIN"), validate("query", PageQuery), async (c) => c.json(await c.get("data").invitations.list(c.req.valid("query"))))
  .delete("/:id", doc({ summary: "Revoke an invitation", tags, ok: { status: 204, description: "Revoked" }, errors: [404] }), requireRole("ADMIN"), validate("param", z.object({ id: z.string().min(1).max(64) })), async (c) => {
    const { id } = c.req.valid("param");
    await c.get("data").invitations.delete(id);
    await audit(c, { action: "invitation.revoke", targetType: "invitation", targetId: id, outcome: "success" });
    return c.body(null, 204);
  });
