/** Public identity endpoints: signup, login, token vending, workspace switching, invitations. */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { parseInvitationToken, secretMatches } from "../../domain/auth/credentials";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../../domain/auth/passwords";
import { issueAccessToken, verifyAccessToken, VENDED_TOKEN_TTL_SECONDS } from "../../domain/auth/tokens";
import { AppError } from "../../domain/errors";
import { isReservedTenantId } from "../../domain/hosts";
import { sortableId } from "../../domain/ids";
import { isIdReusable } from "../../domain/lifecycle/policy";
import type { Role } from "../../domain/roles";
import { AcceptInvitation, Login, Signup, SwitchTenant, Tenant, TokenExchange, TokenResponse, User } from "../../domain/schemas/identity";
import { createTenant } from "../control-plane/onboarding";
import type { AppEnv } from "../http/app-env";
import { principalFromApiKey } from "../http/auth";
import { auditInto } from "../http/audit";
import { doc } from "../http/doc";
import { dataForVerifiedTenant } from "../http/scoped";
import { validate } from "../http/validate";

const tags = ["auth"];

async function userToken(c: Context<AppEnv>, userId: string, tenantId: string, role: Role) {
  const { token, expiresIn } = await issueAccessToken(c.env.JWT_SIGNING_KEY, { sub: userId, tid: tenantId, role, act: "user" });
  return { token, tokenType: "Bearer" as const, expiresIn, tenant: tenantId, role };
}

/** The user behind a bearer JWT, for endpoints that act across the user's workspaces. */
async function bearerUser(c: Context<AppEnv>): Promise<string> {
  const m = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  const claims = m ? await verifyAccessToken(c.env.JWT_SIGNING_KEY, m[1]!) : null;
  if (!claims || claims.act !== "user") throw new AppError("unauthenticated", "send a user token: 'Authorization: Bearer <token>'");
  return claims.sub;
}

function refuseUnlessOpen(c: Context<AppEnv>, tenant: Tenant | null) {
  if (tenant?.status === "suspended") throw new AppError("tenant_suspended", "this tenant is suspended");
  if (tenant && tenant.status !== "active") throw new AppError("tenant_unavailable", `this tenant is ${tenant.status}`);
  const host = c.get("hostTenant");
  if (host && tenant && host.id !== tenant.id) throw new AppError("forbidden", "this host serves another tenant");
}

export const authRoutes = new Hono<AppEnv>()
  .post(
    "/signup",
    doc({ summary: "Create a tenant and its owner", tags, ok: { status: 201, schema: z.object({ tenant: Tenant, user: User, token: TokenResponse }) }, errors: [400, 403, 409] }),
    validate("json", Signup),
    async (c) => {
      if (c.env.SIGNUP_ENABLED !== "true") throw new AppError("forbidden", "self-service signup is closed on this platform");
      if (c.get("hostTenant")) throw new AppError("forbidden", "sign up on the platform host, not a tenant's host");
      const body = c.req.valid("json");
      if (isReservedTenantId(body.tenant.id)) throw new AppError("already_exists", `tenant id '${body.tenant.id}' is reserved`);
      const platform = c.get("platform");
      const taken = await platform.tenants.find(body.tenant.id);
      if (taken && !isIdReusable(taken)) throw new AppError("already_exists", `tenant id '${body.tenant.id}' is taken`);

      const existing = await platform.users.findByEmail(body.email);
      if (existing && !(await verifyPassword(body.password, existing.passwordHash))) {
        throw new AppError("already_exists", "an account with this email exists; sign up with its password to add a workspace");
      }
      const user = existing
        ? await platform.users.get(existing.id)
        : await platform.users.create({ id: `usr_${sortableId()}`, email: body.email, name: body.name ?? body.email.split("@")[0]!, passwordHash: await hashPassword(body.password) });
      // Onboarding (a workflow) makes the tenant active; signup waits for it, bounded (control-plane/onboarding.ts).
      const { tenant } = await createTenant(c.env, platform, { id: body.tenant.id, name: body.tenant.name, region: body.tenant.region, plan: "starter" }, { owner: { type: "user", userId: user.id }, requestedBy: "signup" });
      await dataForVerifiedTenant(c.env, tenant.id).audit.record({ actorType: "user", actorId: user.id, action: "tenant.signup", targetType: "tenant", targetId: tenant.id, outcome: "success", requestId: c.get("requestId") });
      return c.json({ tenant, user, token: await userToken(c, user.id, tenant.id, "OWNER") }, 201);
    },
  )
  .post(
    "/login",
    doc({ summary: "Log in with email and password", description: "Without `tenant`, the token is for the user's first workspace.", tags, ok: { schema: TokenResponse.extend({ workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })) }) }, errors: [400, 401, 403] }),
    validate("json", Login),
    async (c) => {
      const body = c.req.valid("json");
      const platform = c.get("platform");
      const user = await platform.users.findByEmail(body.email);
      // Spend the same time whether or not the account exists.
      const passwordOk = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
      const hostTenantId = c.get("hostTenant")?.id;
      const wanted = body.tenant ?? hostTenantId;
      if (!user || !passwordOk) {
        if (wanted) await auditInto(c, wanted, { actorType: "anonymous", actorId: null, action: "auth.login", outcome: "failure", details: { email: body.email } });
        throw new AppError("invalid_credentials", "email or password is wrong");
      }
      const workspaces = await platform.users.workspaces(user.id);
      const chosen = wanted ? workspaces.find((w) => w.tenant.id === wanted) : workspaces.find((w) => w.tenant.status === "active") ?? workspaces[0];
      if (!chosen) {
        if (wanted) await auditInto(c, wanted, { actorType: "user", actorId: user.id, action: "auth.login", outcome: "denied", details: { reason: "not_a_member" } });
        throw new AppError("invalid_credentials", "email or password is wrong");
      }
      refuseUnlessOpen(c, chosen.tenant);
      await dataForVerifiedTenant(c.env, chosen.tenant.id).audit.record({ actorType: "user", actorId: user.id, action: "auth.login", outcome: "success", requestId: c.get("requestId"), ip: c.req.header("cf-connecting-ip") ?? null });
      return c.json({ ...(await userToken(c, user.id, chosen.tenant.id, chosen.role)), workspaces: workspaces.map((w) => ({ id: w.tenant.id, name: w.tenant.name, role: w.role })) });
    },
  )
  .post(
    "/token",
    doc({ summary: "Exchange an API key for a short-lived token", description: "Token vending for machines: the JWT is scoped to the key's tenant and role.", tags, ok: { schema: TokenResponse }, errors: [400, 401, 403] }),
    validate("json", TokenExchange),
    async (c) => {
      const principal = await principalFromApiKey(c, c.req.valid("json").apiKey);
      if (!principal) throw new AppError("invalid_credentials", "the API key is invalid, expired or revoked");
      refuseUnlessOpen(c, await c.get("platform").tenants.find(principal.tenantId));
      const { token, expiresIn } = await issueAccessToken(
        c.env.JWT_SIGNING_KEY,
        { sub: principal.actorId, tid: principal.tenantId, role: principal.role, act: "api_key", ...(principal.mountpoint ? { mp: principal.mountpoint } : {}) },
        VENDED_TOKEN_TTL_SECONDS,
      );
      await dataForVerifiedTenant(c.env, principal.tenantId).audit.record({ actorType: "api_key", actorId: principal.actorId, action: "auth.token_vended", outcome: "success", requestId: c.get("requestId") });
      return c.json({ token, tokenType: "Bearer" as const, expiresIn, tenant: principal.tenantId, role: principal.role });
    },
  )
  .get(
    "/workspaces",
    doc({ summary: "List the tenants the current user belongs to", tags, ok: { schema: z.object({ items: z.array(z.object({ tenant: Tenant, role: z.string() })) }) }, errors: [401] }),
    async (c) => c.json({ items: await c.get("platform").users.workspaces(await bearerUser(c)) }),
  )
  .post(
    "/switch",
    doc({ summary: "Get a token for another of the user's tenants", tags, ok: { schema: TokenResponse }, errors: [400, 401, 403, 404] }),
    validate("json", SwitchTenant),
    async (c) => {
      const userId = await bearerUser(c);
      const wanted = c.req.valid("json").tenant;
      const workspace = (await c.get("platform").users.workspaces(userId)).find((w) => w.tenant.id === wanted);
      if (!workspace) throw new AppError("not_found", "tenant not found");
      refuseUnlessOpen(c, workspace.tenant);
      return c.json(await userToken(c, userId, workspace.tenant.id, workspace.role));
    },
  )
  .post(
    "/invitations/accept",
    doc({ summary: "Accept an invitation", description: "Joins the inviting tenant; creates the account when the invited email has none (then `password` is required).", tags, ok: { schema: TokenResponse }, errors: [400, 401, 403, 410] }),
    validate("json", AcceptInvitation),
    async (c) => {
      const body = c.req.valid("json");
      const parsed = parseInvitationToken(body.token);
      const invalid = new AppError("invalid_credentials", "the invitation is invalid, expired or already used");
      if (!parsed) throw invalid;
      const data = dataForVerifiedTenant(c.env, parsed.tenantId);
      const invitation = await data.invitations.openInvitation(parsed.id);
      if (!invitation || !(await secretMatches(parsed.secret, invitation.tokenHash))) throw invalid;
      if (invitation.expiresAt <= Date.now()) throw new AppError("gone", "the invitation has expired; ask for a new one");
      refuseUnlessOpen(c, await c.get("platform").tenants.find(parsed.tenantId));

      const platform = c.get("platform");
      let user = await platform.users.findByEmail(invitation.email);
      if (!user) {
        if (!body.password) throw new AppError("validation_failed", "a password is required to create the account", { errors: [{ path: "body.password", message: "required for a new account" }] });
        await platform.users.create({ id: `usr_${sortableId()}`, email: invitation.email, name: body.name ?? invitation.email.split("@")[0]!, passwordHash: await hashPassword(body.password) });
        user = (await platform.users.findByEmail(invitation.email))!;
      }
      if (!(await data.invitations.markAccepted(invitation.id))) throw invalid;
      if (!(await data.members.roleOf(user.id))) await data.members.add(user.id, invitation.role);
      await data.audit.record({ actorType: "user", actorId: user.id, action: "invitation.accept", targetType: "invitation", targetId: invitation.id, outcome: "success", requestId: c.get("requestId"), details: { role: invitation.role } });
      return c.json(await userToken(c, user.id, parsed.tenantId, (await data.members.roleOf(user.id))!));
    },
  );
