/** POST /auth/verify-email (the mailed link) and /auth/verify-email/resend. */
import { Hono } from "hono";
import { z } from "zod";
import { parseEmailToken, secretMatches } from "../../../domain/auth/credentials";
import { AppError } from "../../../domain/errors";
import { User } from "../../../domain/schemas/identity";
import type { AppEnv } from "../../http/app-env";
import { doc } from "../../http/doc";
import { validate } from "../../http/validate";
import { mailAddressProof } from "./address-proof";
import { bearerUser } from "./session";

const tags = ["auth"];
const VerifyEmail = z.strictObject({ token: z.string().min(1).max(200) });

export const verifyEmailRoutes = new Hono<AppEnv>()
  .post(
    "/verify-email",
    doc({
      summary: "Confirm an email address with the token from the mail",
      description:
        "Verifies the account the mail was sent for. When the address already had a verified account, the new account's workspaces are added to it instead; other unverified accounts of the address (anyone could sign up with it) are folded into the verified one and stop working. Answers with the address's verified account.",
      tags,
      ok: { schema: z.object({ user: User }) },
      errors: [400, 401, 410],
    }),
    validate("json", VerifyEmail),
    async (c) => {
      const users = c.get("platform").users;
      const parsed = parseEmailToken(c.req.valid("json").token);
      const invalid = new AppError("invalid_credentials", "the link is invalid or was already used");
      const record = parsed ? await users.verifications.open(parsed.id) : null;
      if (!parsed || !record || !(await secretMatches(parsed.secret, record.tokenHash))) throw invalid;
      if (record.expiresAt <= Date.now()) throw new AppError("gone", "the link has expired; log in and ask for a new one");
      if (!(await users.verifications.use(record.id))) throw invalid;
      const keeper = await users.proveAddress(record.userId);
      return c.json({ user: users.toUser(keeper) });
    },
  )
  .post("/verify-email/resend", doc({ summary: "Mail a new confirmation link to the current user's address", tags, ok: { status: 202, schema: z.object({ sentTo: z.string() }) }, errors: [401, 409] }), async (c) => {
    const users = c.get("platform").users;
    const user = await users.find(await bearerUser(c));
    if (!user) throw new AppError("invalid_credentials", "the token's user no longer exists");
    if (user.emailVerifiedAt !== null) throw new AppError("conflict", "this address is already verified");
    const [first] = await users.workspaces(user.id);
    await mailAddressProof(c, user, first?.tenant.name ?? "Skylark");
    return c.json({ sentTo: user.email }, 202);
  });
