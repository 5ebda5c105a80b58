import { z } from "zod";
import { hashSecret, issueApiKey } from "../../domain/auth/credentials";
import { AppError } from "../../domain/errors";
import { roleAtLeast } from "../../domain/roles";
import { page, PageQuery } from "../../domain/schemas/common";
import { ApiKey, CreateApiKey } from "../../domain/schemas/identity";
import { audit } from "../http/audit";
import { credentialChanged } from "../http/hub-notify";
import { requireMountpointInTenant } from "../http/mountpoint-field";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

const tags = ["API keys"];

/** API keys for machines: shown once, stored as hashes, never stronger than their creator. */
export const apiKeyRoutes = tenantRouter()
  .post(
    "/",
    doc({ summary: "Create an API key", description: "`key` is shown only in this response.", tags, ok: { status: 201, schema: z.object({ apiKey: ApiKey, key: z.string() }) }, errors: [400, 403] }),
    requireRole("ADMIN"),
    validate("json", CreateApiKey),
    async (c) => {
      const input = c.req.valid("json");
      const principal = c.get("principal");
      // principal.role is already the effective role: a key's is capped by its creator's.
      if (!roleAtLeast(principal.role, input.role)) throw new AppError("forbidden", `you cannot create a key stronger than your own role (${principal.role})`);
      requireMountpointInTenant(c.get("tenant").id, input.mountpoint);
      const issued = issueApiKey(c.get("tenant").id);
      const apiKey = await c.get("data").apiKeys.create({
        id: issued.id,
        name: input.name,
        prefix: issued.prefix,
        secretHash: await hashSecret(issued.secret),
        role: input.role,
        mountpoint: input.mountpoint ?? null,
        createdBy: principal.actorId,
        expiresAt: input.expiresInDays ? Date.now() + input.expiresInDays * 86_400_000 : null,
      });
      await audit(c, { action: "api_key.create", targetType: "api_key", targetId: apiKey.id, outcome: "success", details: { role: apiKey.role } });
      return c.json({ apiKey, key: issued.token }, 201);
    },
  )
  .get("/", doc({ summary: "List API keys", tags, ok: { schema: page(ApiKey) }, errors: [400] }), requireRole("ADMIN"), validate("query", PageQuery), async (c) => c.json(await c.get("data").apiKeys.list(c.req.valid("query"))))
  .delete(
    "/:id",
    doc({ summary: "Revoke an API key", description: "Stops working at once, also for tokens vended from it and for keys it created.", tags, ok: { status: 204, description: "Revoked" }, errors: [404] }),
    requireRole("ADMIN"),
    validate("param", z.object({ id: z.string().min(1).max(64) })),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.get("data").apiKeys.delete(id);
      // Keys this key created would no longer resolve (their creator is gone): revoke them too.
      const createdByIt = await c.get("data").apiKeys.revokeCreatedBy(id);
      await audit(c, { action: "api_key.revoke", targetType: "api_key", targetId: id, outcome: "success", ...(createdByIt.length ? { details: { alsoRevoked: createdByIt } } : {}) });
      await credentialChanged(c, { kind: "api_key", id, change: "revoked" });
      return c.body(null, 204);
    },
  );
