import { Hono } from "hono";
import { z } from "zod";
import { hashSecret, issueInvitationToken } from "../../domain/auth/credentials";
import { AppError } from "../../domain/errors";
import { isReservedTenantId } from "../../domain/hosts";
import { TenantId } from "../../domain/ids";
import { effectiveLimits, PlanLimits } from "../../domain/plans";
import { PageQuery } from "../../domain/schemas/common";
import { AdminCreateTenant, AdminUpdateTenant, Tenant, TenantStatus } from "../../domain/schemas/identity";
import type { AppEnv } from "../http/app-env";
import { authenticateOperator } from "../http/auth";
import { doc } from "../http/doc";
import { tenantChanged } from "../http/hub-notify";
import { dataForVerifiedTenant } from "../http/scoped";
import { validate } from "../http/validate";

const tags = ["operator"];
const IdParam = z.object({ id: TenantId });
const TenantSummary = Tenant.extend({ deviceCount: z.number(), effectiveLimits: PlanLimits });

const auditOperator = (env: Env, tenantId: string, action: string, requestId: string, details: Record<string, unknown> = {}) =>
  dataForVerifiedTenant(env, tenantId).audit.record({ actorType: "operator", actorId: "operator", action, targetType: "tenant", targetId: tenantId, outcome: "success", requestId, details });

/** The platform operator's view across tenants. */
export const adminTenantRoutes = new Hono<AppEnv>()
  .use(authenticateOperator)
  .get(
    "/",
    doc({ summary: "List tenants with status, plan and device counts", tags, ok: { schema: z.object({ items: z.array(TenantSummary), nextCursor: z.string().nullable() }) }, errors: [400, 401] }),
    validate("query", PageQuery.extend({ status: TenantStatus.optional(), q: z.string().max(64).optional() })),
    async (c) => {
      const platform = c.get("platform");
      const result = await platform.tenants.list(c.req.valid("query"));
      const counts = await platform.tenants.deviceCounts(result.items.map((t) => t.id));
      return c.json({ ...result, items: result.items.map((t) => ({ ...t, deviceCount: counts[t.id] ?? 0, effectiveLimits: effectiveLimits(t.plan, t.limits) })) });
    },
  )
  .get("/:id", doc({ summary: "Get a tenant", tags, ok: { schema: TenantSummary }, errors: [401, 404] }), validate("param", IdParam), async (c) => {
    const platform = c.get("platform");
    const tenant = await platform.tenants.get(c.req.valid("param").id);
    const counts = await platform.tenants.deviceCounts([tenant.id]);
    return c.json({ ...tenant, deviceCount: counts[tenant.id] ?? 0, effectiveLimits: effectiveLimits(tenant.plan, tenant.limits) });
  })
  .post(
    "/",
    doc({ summary: "Create a tenant", description: "An existing user becomes its owner; otherwise an OWNER invitation is returned.", tags, ok: { status: 201, schema: z.object({ tenant: Tenant, invitation: z.object({ token: z.string(), link: z.string() }).nullable() }) }, errors: [400, 401, 409] }),
    validate("json", AdminCreateTenant),
    async (c) => {
      const input = c.req.valid("json");
      const platform = c.get("platform");
      if (isReservedTenantId(input.id) || (await platform.tenants.find(input.id))) throw new AppError("already_exists", `tenant id '${input.id}' is taken`);
      const owner = await platform.users.findByEmail(input.ownerEmail);
      const base = { id: input.id, name: input.name, plan: input.plan, region: input.region, status: "active" as const };
      if (owner) {
        const tenant = await platform.createTenantWithOwner(base, owner.id);
        await auditOperator(c.env, tenant.id, "tenant.create", c.get("requestId"), { owner: owner.id });
        return c.json({ tenant, invitation: null }, 201);
      }
      const tenant = await platform.createTenantWithoutOwner(base);
      const issued = issueInvitationToken(tenant.id);
      await dataForVerifiedTenant(c.env, tenant.id).invitations.create({ id: issued.id, email: input.ownerEmail, role: "OWNER", tokenHash: await hashSecret(issued.secret), invitedBy: "operator" });
      await auditOperator(c.env, tenant.id, "tenant.create", c.get("requestId"), { ownerInvited: input.ownerEmail });
      return c.json({ tenant, invitation: { token: issued.token, link: `${new URL(c.req.url).origin}/accept-invitation#token=${issued.token}` } }, 201);
    },
  )
  .patch(
    "/:id",
    doc({ summary: "Change a tenant's plan, limit overrides, name, or suspend/resume it", tags, ok: { schema: Tenant }, errors: [400, 401, 404, 409] }),
    validate("param", IdParam),
    validate("json", AdminUpdateTenant),
    async (c) => {
      const { id } = c.req.valid("param");
      const patch = c.req.valid("json");
      const platform = c.get("platform");
      const current = await platform.tenants.get(id);
      if (patch.status && !["active", "suspended"].includes(current.status)) throw new AppError("conflict", `a ${current.status} tenant cannot be ${patch.status === "active" ? "resumed" : "suspended"}`);
      const tenant = await platform.tenants.update(id, patch);
      await auditOperator(c.env, id, "tenant.operator_update", c.get("requestId"), { fields: Object.keys(patch), ...patch });
      await tenantChanged(c.env, id, c.get("requestId"));
      return c.json(tenant);
    },
  );
