/**
 * POST /auth/invitations/accept. The invitation token travels only by mail to the invited
 * address, so holding it proves that address, and nothing more: it never authenticates as an
 * existing account. Who ends up a member:
 * - the address has a verified account: that account, and only when the caller proves to be it
 *   (its bearer token, or its password in the body); otherwise 401 and no token;
 * - the caller is logged in as an unverified account of the address: that account, verified now;
 * - otherwise a new verified account with the given password.
 * In the last two cases the address's other unverified accounts are folded into the one that
 * joins (see domain/data/accounts.ts), so a squatter's pre-made account stops working.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { parseInvitationToken, secretMatches } from "../../../domain/auth/credentials";
import { hashPassword, verifyPassword } from "../../../domain/auth/passwords";
import type { UserRecord } from "../../../domain/data/accounts";
import { AppError } from "../../../domain/errors";
import { sortableId } from "../../../domain/ids";
import { AcceptInvitation, TokenResponse } from "../../../domain/schemas/identity";
import type { AppEnv } from "../../http/app-env";
import { doc } from "../../http/doc";
import { dataForVerifiedTenant } from "../../http/scoped";
import { validate } from "../../http/validate";
import { optionalBearerUser, refuseUnlessOpen, userToken } from "./session";

type Body = z.infer<typeof AcceptInvitation>;

/** The account that joins, per the rules above; throws when the caller may not accept for the address. */
async function joiningAccount(c: Context<AppEnv>, invitation: { email: string }, body: Body): Promise<UserRecord> {
  const users = c.get("platform").users;
  const callerId = await optionalBearerUser(c);
  const caller = callerId ? await users.find(callerId) : null;
  if (caller && caller.email !== invitation.email) throw new AppError("forbidden", "this invitation was sent to another email address; log in as that address to accept it");

  const verified = await users.findVerified(invitation.email);
  if (verified) {
    const proven = caller?.id === verified.id || (!!body.password && (await verifyPassword(body.password, verified.passwordHash)));
    if (!proven) throw new AppError("invalid_credentials", "this address has an account: log in to it (or send its password) to accept the invitation");
    return verified;
  }
  if (caller) return users.proveAddress(caller.id);
  if (!body.password) throw new AppError("validation_failed", "a password is required to create the account", { errors: [{ path: "body.password", message: "required for a new account" }] });
  const created = await users.create({ id: `usr_${sortableId()}`, email: invitation.email, name: body.name ?? invitation.email.split("@")[0]!, passwordHash: await hashPassword(body.password), verified: true });
  return users.proveAddress(created.id);
}

async function accept(c: Context<AppEnv>, body: Body) {
  const parsed = parseInvitationToken(body.token);
  const invalid = new AppError("invalid_credentials", "the invitation is invalid, expired or already used");
  if (!parsed) throw invalid;
  const data = dataForVerifiedTenant(c.env, parsed.tenantId);
  const invitation = await data.invitations.openInvitation(parsed.id);
  if (!invitation || !(await secretMatches(parsed.secret, invitation.tokenHash))) throw invalid;
  if (invitation.expiresAt <= Date.now()) throw new AppError("gone", "the invitation has expired; ask for a new one");
  refuseUnlessOpen(c, await c.get("platform").tenants.find(parsed.tenantId));

  const user = await joiningAccount(c, invitation, body);
  if (!(await data.invitations.markAccepted(invitation.id))) throw invalid;
  if (!(await data.members.roleOf(user.id))) await data.members.add(user.id, invitation.role);
  // A new account lands where it was invited; an existing one keeps landing where it chose.
  if (!user.lastTenantId) await c.get("platform").users.setLastTenant(user.id, parsed.tenantId);
  await data.audit.record({ actorType: "user", actorId: user.id, action: "invitation.accept", targetType: "invitation", targetId: invitation.id, outcome: "success", requestId: c.get("requestId"), details: { role: invitation.role } });
  return userToken(c, user.id, parsed.tenantId, (await data.members.roleOf(user.id))!);
}

export const invitationAcceptRoute = new Hono<AppEnv>().post(
  "/invitations/accept",
  doc({
    summary: "Accept an invitation",
    description:
      "The token comes from the invitation mail. If the invited address already has an account, the caller must be logged in as it (`Authorization: Bearer`) or send its `password`; otherwise the account is created with `password` (and is verified: the mail proved the address).",
    tags: ["auth"],
    ok: { schema: TokenResponse },
    errors: [400, 401, 403, 410],
  }),
  validate("json", AcceptInvitation),
  async (c) => c.json(await accept(c, c.req.valid("json"))),
);
