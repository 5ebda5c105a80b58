/** Mailing a proof-of-address link to an unverified account (signup, resend). */
import type { Context } from "hono";
import { hashSecret, issueEmailToken } from "../../../domain/auth/credentials";
import type { UserRecord } from "../../../domain/data/accounts";
import { knownAddressMail, verificationMail } from "../../../domain/mail/messages";
import type { AppEnv } from "../../http/app-env";
import { verifyEmailLink } from "../../mail/links";
import { sendBestEffort } from "../../mail/mailer";

/**
 * Issues a single-use token for `user`'s address and mails the link. When the address already has
 * a verified account the mail says so (following it folds this account into that one): the
 * signup answer is the same either way, only the address's owner learns the difference.
 */
export async function mailAddressProof(c: Context<AppEnv>, user: UserRecord, workspaceName: string): Promise<void> {
  const users = c.get("platform").users;
  const issued = issueEmailToken();
  await users.verifications.create({ id: issued.id, userId: user.id, email: user.email, tokenHash: await hashSecret(issued.secret) });
  const link = verifyEmailLink(c.req.url, issued.token);
  const known = (await users.findVerified(user.email)) !== null;
  await sendBestEffort(c.env, known ? knownAddressMail(user.email, link, workspaceName) : verificationMail(user.email, link, workspaceName));
}
