/** POST /auth/token: token vending for machines, from an API key. */
import { Hono } from "hono";
import { issueAccessToken, VENDED_TOKEN_TTL_SECONDS } from "../../../domain/auth/tokens";
import { AppError } from "../../../domain/errors";
import { TokenExchange, TokenResponse } from "../../../domain/schemas/identity";
import type { AppEnv } from "../../http/app-env";
import { principalFromApiKey } from "../../http/auth";
import { doc } from "../../http/doc";
import { dataForVerifiedTenant } from "../../http/scoped";
import { validate } from "../../http/validate";
import { refuseUnlessOpen } from "./session";

export const tokenRoute = new Hono<AppEnv>().post(
  "/token",
  doc({
    summary: "Exchange an API key for a short-lived token",
    description: "Token vending for machines: the JWT is scoped to the key's tenant and role, lasts 15 minutes, never beyond the key's expiry, and stops working when the key is revoked or its creator loses authority.",
    tags: ["auth"],
    ok: { schema: TokenResponse },
    errors: [400, 401, 403],
  }),
  validate("json", TokenExchange),
  async (c) => {
    const principal = await principalFromApiKey(c, c.req.valid("json").apiKey);
    if (!principal) throw new AppError("invalid_credentials", "the API key is invalid, expired or revoked");
    refuseUnlessOpen(c, await c.get("platform").tenants.find(principal.tenantId));
    // The token never outlives the key (or the earliest expiry along the chain of keys that made it).
    const ttl = principal.expiresAt ? Math.min(VENDED_TOKEN_TTL_SECONDS, Math.max(1, Math.floor((principal.expiresAt - Date.now()) / 1000))) : VENDED_TOKEN_TTL_SECONDS;
    const { token, expiresIn } = await issueAccessToken(c.env.JWT_SIGNING_KEY, { sub: principal.actorId, tid: principal.tenantId, role: principal.role, act: "api_key", ...(principal.mountpoint ? { mp: principal.mountpoint } : {}) }, ttl);
    await dataForVerifiedTenant(c.env, principal.tenantId).audit.record({ actorType: "api_key", actorId: principal.actorId, action: "auth.token_vended", outcome: "success", requestId: c.get("requestId") });
    return c.json({ token, tokenType: "Bearer" as const, expiresIn, tenant: principal.tenantId, role: principal.role });
  },
);
