import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { presentedKeyAuthority, tokenAuthority, type Authority } from "../../domain/auth/authority";
import { parseApiKey } from "../../domain/auth/credentials";
import { timingSafeEqual } from "../../domain/auth/hashing";
import { looksLikeJwt, verifyAccessToken } from "../../domain/auth/tokens";
import { openRegistry } from "../../domain/data/db";
import { forTenant } from "../../domain/data/tenant-scope";
import { AppError } from "../../domain/errors";
import { roleAtLeast, type Role } from "../../domain/roles";
import type { Tenant } from "../../domain/schemas/identity";
import type { AppEnv, Principal } from "./app-env";
import { auditInto } from "./audit";
import { withMeta } from "./route-meta";

const LAST_USED_RESOLUTION_MS = 60_000;

function presentedCredential(c: Context<AppEnv>): string | null {
  const header = c.req.header("authorization");
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AppError("unauthenticated", "use 'Authorization: Bearer <token or API key>'");
    return m[1]!;
  }
  return c.req.header("x-api-key") ?? null;
}

/** The request's principal from a credential's current authority (see domain/auth/authority.ts). */
function principalOf(tenantId: string, authority: Extract<Authority, { ok: true }>): Principal {
  return {
    tenantId,
    role: authority.role,
    actorType: authority.credential.kind,
    actorId: authority.credential.id,
    ...(authority.mountpoint ? { mountpoint: authority.mountpoint } : {}),
    ...(authority.expiresAt !== null ? { expiresAt: authority.expiresAt } : {}),
  };
}

/** Resolves an API key to a principal; the key names its tenant, the hash proves it, its creator caps it. */
export async function principalFromApiKey(c: Context<AppEnv>, key: string): Promise<Principal | null> {
  const parsed = parseApiKey(key);
  if (!parsed) return null;
  const data = forTenant(openRegistry(c.env.REGISTRY), parsed.tenantId);
  const now = Date.now();
  const authority = await presentedKeyAuthority(data, key, now);
  if (!authority.ok) {
    await auditInto(c, parsed.tenantId, { actorType: "api_key", actorId: parsed.id, action: "auth.api_key", outcome: "failure", details: { reason: authority.reason } });
    return null;
  }
  if (authority.lastUsedAt === null || now - authority.lastUsedAt > LAST_USED_RESOLUTION_MS) await data.apiKeys.touch(parsed.id, now);
  return principalOf(parsed.tenantId, authority);
}

/** Resolves a JWT, then re-reads the authority behind it: the user's membership, or the key a token was vended from. */
async function principalFromJwt(c: Context<AppEnv>, token: string): Promise<Principal | null> {
  const claims = await verifyAccessToken(c.env, token);
  if (!claims) return null;
  const authority = await tokenAuthority(forTenant(openRegistry(c.env.REGISTRY), claims.tid), claims);
  return authority.ok ? principalOf(claims.tid, authority) : null;
}

/**
 * Establishes the principal and its tenant from verified credentials only, and installs the
 * tenant-scoped data layer. On a tenant's own host, credentials of another tenant are refused.
 * Only tenants in one of the `admit` states get through (normally just `active`).
 */
const authenticateTenant = (admit: readonly Tenant["status"][]) =>
  withMeta(
    createMiddleware<AppEnv>(async (c, next) => {
      const credential = presentedCredential(c);
      if (!credential) throw new AppError("unauthenticated", "send 'Authorization: Bearer <token or API key>'");
      const principal = looksLikeJwt(credential) ? await principalFromJwt(c, credential) : await principalFromApiKey(c, credential);
      if (!principal) throw new AppError("invalid_credentials", "the token or API key is invalid, expired or revoked");

      const hostTenant = c.get("hostTenant");
      if (hostTenant && hostTenant.id !== principal.tenantId) {
        await auditInto(c, principal.tenantId, { actorType: principal.actorType, actorId: principal.actorId, action: "auth.cross_tenant", outcome: "denied", details: { host: hostTenant.id } });
        throw new AppError("forbidden", "these credentials belong to another tenant");
      }
      const tenant = await c.get("platform").tenants.find(principal.tenantId);
      if (!tenant) throw new AppError("invalid_credentials", "the token or API key is invalid, expired or revoked");
      if (!admit.includes(tenant.status)) {
        if (tenant.status === "suspended") throw new AppError("tenant_suspended", "this tenant is suspended");
        throw new AppError("tenant_unavailable", `this tenant is ${tenant.status}`);
      }

      c.set("principal", principal);
      c.set("tenant", tenant);
      c.set("data", forTenant(openRegistry(c.env.REGISTRY), tenant.id));
      await next();
    }),
    { kind: "auth", scope: "tenant" },
  );

export const authenticate = authenticateTenant(["active"]);
/** The owner's export stays reachable while the tenant is suspended or being offboarded (routes still require OWNER). */
export const authenticateForExport = authenticateTenant(["active", "suspended", "offboarding"]);

/** Refuses principals below `min`; every tenant route declares its minimum role. */
export function requireRole(min: Role): MiddlewareHandler<AppEnv> {
  return withMeta(
    createMiddleware<AppEnv>(async (c, next) => {
      const { role } = c.get("principal");
      if (!roleAtLeast(role, min)) throw new AppError("forbidden", `this action requires the ${min} role or higher; you have ${role}`, { requiredRole: min });
      await next();
    }),
    { kind: "role", min },
  );
}

/**
 * The operator tokens accepted now: OPERATOR_TOKEN and, while a rotation is under way (npm run
 * rotate-keys), the optional secret OPERATOR_TOKEN_PREVIOUS, until the operator removes it.
 */
function operatorTokens(env: { OPERATOR_TOKEN: string; OPERATOR_TOKEN_PREVIOUS?: string }): string[] {
  return [env.OPERATOR_TOKEN, env.OPERATOR_TOKEN_PREVIOUS].filter((t): t is string => typeof t === "string" && t !== "");
}

/** The platform operator authenticates with the bootstrap secret OPERATOR_TOKEN. */
export const authenticateOperator = withMeta(
  createMiddleware<AppEnv>(async (c, next) => {
    const credential = presentedCredential(c);
    if (!credential) throw new AppError("unauthenticated", "send 'Authorization: Bearer <operator token>'");
    // Every accepted token is compared, so the time taken says nothing about which one matched.
    const matches = operatorTokens(c.env).map((t) => timingSafeEqual(credential, t));
    if (!matches.includes(true)) throw new AppError("invalid_credentials", "not an operator credential");
    await next();
  }),
  { kind: "auth", scope: "operator" },
);
