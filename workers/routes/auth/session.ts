/** What the public identity operations share: issuing user tokens, reading the caller's, choosing a workspace. */
import type { Context } from "hono";
import { issueAccessToken, verifyAccessToken } from "../../../domain/auth/tokens";
import { AppError } from "../../../domain/errors";
import type { Role } from "../../../domain/roles";
import type { Tenant } from "../../../domain/schemas/identity";
import type { AppEnv } from "../../http/app-env";

export async function userToken(c: Context<AppEnv>, userId: string, tenantId: string, role: Role) {
  const { token, expiresIn } = await issueAccessToken(c.env, { sub: userId, tid: tenantId, role, act: "user" });
  return { token, tokenType: "Bearer" as const, expiresIn, tenant: tenantId, role };
}

/** The user behind a bearer JWT, or null when the request carries none (or not a user's). */
export async function optionalBearerUser(c: Context<AppEnv>): Promise<string | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  const claims = m ? await verifyAccessToken(c.env, m[1]!) : null;
  return claims?.act === "user" ? claims.sub : null;
}

/** The user behind a bearer JWT, for endpoints that act across the user's workspaces. */
export async function bearerUser(c: Context<AppEnv>): Promise<string> {
  const userId = await optionalBearerUser(c);
  if (!userId) throw new AppError("unauthenticated", "send a user token: 'Authorization: Bearer <token>'");
  return userId;
}

export function refuseUnlessOpen(c: Context<AppEnv>, tenant: Tenant | null) {
  if (tenant?.status === "suspended") throw new AppError("tenant_suspended", "this tenant is suspended");
  if (tenant && tenant.status !== "active") throw new AppError("tenant_unavailable", `this tenant is ${tenant.status}`);
  const host = c.get("hostTenant");
  if (host && tenant && host.id !== tenant.id) throw new AppError("forbidden", "this host serves another tenant");
}

type Workspace = { tenant: Tenant; role: Role };

/**
 * Where a login without `tenant` lands: the workspace the user last chose (login with `tenant`,
 * switch, signup), else the oldest one they own, else their oldest membership. Never "the first
 * by id", which would put a user into whichever tenant invited them with the smallest id.
 */
export function landingWorkspace(workspaces: Workspace[], lastTenantId: string | null): Workspace | undefined {
  const open = workspaces.filter((w) => w.tenant.status === "active");
  return open.find((w) => w.tenant.id === lastTenantId) ?? open.find((w) => w.role === "OWNER") ?? open[0] ?? workspaces[0];
}
