/** POST /auth/signup: a new tenant and its owner; the same answer whether or not the address is known. */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AccountData, UserRecord } from "../../../domain/data/accounts";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../../../domain/auth/passwords";
import { AppError } from "../../../domain/errors";
import type { AttemptOutcome } from "../../../domain/limits/auth-throttle";
import { isReservedTenantId } from "../../../domain/hosts";
import { sortableId } from "../../../domain/ids";
import { isIdReusable } from "../../../domain/lifecycle/policy";
import { Signup, Tenant, TokenResponse, User } from "../../../domain/schemas/identity";
import { refuseLookAlikeTenantId } from "../../control-plane/look-alike";
import { createTenant } from "../../control-plane/onboarding";
import type { AppEnv } from "../../http/app-env";
import { doc } from "../../http/doc";
import { dataForVerifiedTenant } from "../../http/scoped";
import { validate } from "../../http/validate";
import { mailAddressProof } from "./address-proof";
import { userToken } from "./session";

/**
 * The account a signup acts for. Knowing the password of the address's verified account (or of
 * one of its unverified accounts) adds the workspace to that account; anything else creates a new
 * unverified account of the address. A wrong password therefore never errs and never reaches an
 * existing account: the signup gets an account of its own, and the address's owner a mail.
 */
async function signupAccount(users: AccountData, body: z.infer<typeof Signup>): Promise<{ account: UserRecord; attempt: AttemptOutcome }> {
  const verified = await users.findVerified(body.email);
  // Spend one hash whether or not a verified account exists.
  if ((await verifyPassword(body.password, verified?.passwordHash ?? DUMMY_PASSWORD_HASH)) && verified) return { account: verified, attempt: "success" };
  const unverified = await users.findUnverified(body.email);
  for (const candidate of unverified) {
    if (await verifyPassword(body.password, candidate.passwordHash)) return { account: candidate, attempt: "success" };
  }
  // With no account at the address there was no password to guess; otherwise this was a wrong one.
  const attempt = verified || unverified.length > 0 ? "failure" : "neutral";
  return { attempt, account: await users.create({ id: `usr_${sortableId()}`, email: body.email, name: body.name ?? body.email.split("@")[0]!, passwordHash: await hashPassword(body.password) }) };
}

async function signup(c: Context<AppEnv>, body: z.infer<typeof Signup>) {
  if (c.env.SIGNUP_ENABLED !== "true") throw new AppError("forbidden", "self-service signup is closed on this platform");
  if (c.get("hostTenant")) throw new AppError("forbidden", "sign up on the platform host, not a tenant's host");
  if (isReservedTenantId(body.tenant.id)) throw new AppError("already_exists", `tenant id '${body.tenant.id}' is reserved`);
  const platform = c.get("platform");
  const taken = await platform.tenants.find(body.tenant.id);
  if (taken && !isIdReusable(taken)) throw new AppError("already_exists", `tenant id '${body.tenant.id}' is taken`);
  // Before any account is made for this signup (createTenant checks again for other callers).
  await refuseLookAlikeTenantId(platform, body.tenant.id, [body.tenant.name]);

  const { account, attempt } = await signupAccount(platform.users, body);
  c.set("authAttempt", attempt);
  // Onboarding (a workflow) makes the tenant active; signup waits for it, bounded (control-plane/onboarding.ts).
  const { tenant } = await createTenant(c.env, platform, { id: body.tenant.id, name: body.tenant.name, region: body.tenant.region, plan: "starter" }, { owner: { type: "user", userId: account.id }, requestedBy: "signup" });
  await platform.users.setLastTenant(account.id, tenant.id);
  await dataForVerifiedTenant(c.env, tenant.id).audit.record({
    actorType: "user",
    actorId: account.id,
    action: "tenant.signup",
    targetType: "tenant",
    targetId: tenant.id,
    outcome: "success",
    requestId: c.get("requestId"),
    details: { emailVerified: account.emailVerifiedAt !== null },
  });
  if (account.emailVerifiedAt === null) await mailAddressProof(c, account, tenant.name);
  return { tenant, user: platform.users.toUser(account), token: await userToken(c, account.id, tenant.id, "OWNER") };
}

export const signupRoute = new Hono<AppEnv>().post(
  "/signup",
  doc({
    summary: "Create a tenant and its owner",
    description:
      "Answers the same whether or not the email already has an account. With the password of the address's account the workspace is added to it; otherwise the signup gets a new, unverified account of its own, and a mail to the address lets its owner verify it (or, when the address already has an account, add the workspace to that account). An unverified account can use the workspaces it created, but cannot accept invitations or be added to other tenants.",
    tags: ["auth"],
    ok: { status: 201, schema: z.object({ tenant: Tenant, user: User, token: TokenResponse }) },
    errors: [400, 403, 409],
  }),
  validate("json", Signup),
  async (c) => c.json(await signup(c, c.req.valid("json")), 201),
);
