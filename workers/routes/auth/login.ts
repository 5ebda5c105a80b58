/** POST /auth/login: email and password to a token for one of the user's workspaces. */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AccountData, UserRecord } from "../../../domain/data/accounts";
import type { PlatformData } from "../../../domain/data/platform";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../../../domain/auth/passwords";
import { AppError } from "../../../domain/errors";
import { Login, LoginResponse } from "../../../domain/schemas/identity";
import type { AppEnv } from "../../http/app-env";
import { auditInto } from "../../http/audit";
import { doc } from "../../http/doc";
import { dataForVerifiedTenant } from "../../http/scoped";
import { validate } from "../../http/validate";
import { landingWorkspace, refuseUnlessOpen, userToken } from "./session";

/**
 * The account whose password this is. Once an address has a verified account only that account
 * logs in with it (squatters' unverified accounts were folded into it when it was verified);
 * before that, each unverified account of the address logs in with its own password.
 */
async function accountFor(users: AccountData, email: string, password: string): Promise<UserRecord | null> {
  const verified = await users.findVerified(email);
  const candidates = verified ? [verified] : await users.findUnverified(email);
  // At least one hash is spent even for unknown addresses, so timing does not tell them apart.
  if (candidates.length === 0) await verifyPassword(password, DUMMY_PASSWORD_HASH);
  for (const candidate of candidates) if (await verifyPassword(password, candidate.passwordHash)) return candidate;
  return null;
}

/**
 * An owner whose workspace was offboarded has no membership left to log in to: tell them it was
 * deleted rather than that their password is wrong. Only the workspace they last used is named
 * (the one signup, a login with `tenant` or a switch recorded), never any tenant they ask for.
 */
async function refuseIfWorkspaceDeleted(platform: PlatformData, user: UserRecord, wanted: string | undefined, otherWorkspaces: number) {
  if (!user.lastTenantId || (wanted && wanted !== user.lastTenantId)) return;
  const last = await platform.tenants.find(user.lastTenantId);
  if (last?.status !== "deleted") return;
  throw new AppError("gone", `the workspace '${last.id}' was deleted${last.deletedAt ? ` on ${new Date(last.deletedAt).toISOString().slice(0, 10)}` : ""}${otherWorkspaces ? "" : "; your account has no other workspace to log in to"}`, {
    tenant: last.id,
    deletedAt: last.deletedAt ?? null,
  });
}

async function login(c: Context<AppEnv>, body: z.infer<typeof Login>) {
  const platform = c.get("platform");
  const user = await accountFor(platform.users, body.email, body.password);
  const wanted = body.tenant ?? c.get("hostTenant")?.id;
  if (!user) {
    if (wanted) await auditInto(c, wanted, { actorType: "anonymous", actorId: null, action: "auth.login", outcome: "failure", details: { email: body.email } });
    throw new AppError("invalid_credentials", "email or password is wrong");
  }
  const workspaces = await platform.users.workspaces(user.id);
  const chosen = wanted ? workspaces.find((w) => w.tenant.id === wanted) : landingWorkspace(workspaces, user.lastTenantId);
  if (!chosen) {
    // Said only now that the password has checked out, so it tells nothing to someone guessing.
    await refuseIfWorkspaceDeleted(platform, user, wanted, workspaces.length);
    if (wanted) await auditInto(c, wanted, { actorType: "user", actorId: user.id, action: "auth.login", outcome: "denied", details: { reason: "not_a_member" } });
    throw new AppError("invalid_credentials", "email or password is wrong");
  }
  refuseUnlessOpen(c, chosen.tenant);
  if (body.tenant && body.tenant !== user.lastTenantId) await platform.users.setLastTenant(user.id, body.tenant);
  await dataForVerifiedTenant(c.env, chosen.tenant.id).audit.record({ actorType: "user", actorId: user.id, action: "auth.login", outcome: "success", requestId: c.get("requestId"), ip: c.req.header("cf-connecting-ip") ?? null });
  return {
    ...(await userToken(c, user.id, chosen.tenant.id, chosen.role)),
    emailVerified: user.emailVerifiedAt !== null,
    workspaces: workspaces.map((w) => ({ id: w.tenant.id, name: w.tenant.name, role: w.role })),
  };
}

export const loginRoute = new Hono<AppEnv>().post(
  "/login",
  doc({
    summary: "Log in with email and password",
    description: "Without `tenant` the token is for the workspace the user last chose (a login with `tenant`, a switch, a signup), else the oldest one they own, else their oldest membership.",
    tags: ["auth"],
    ok: { schema: LoginResponse },
    errors: [400, 401, 403, 410],
  }),
  validate("json", Login),
  async (c) => c.json(await login(c, c.req.valid("json"))),
);
