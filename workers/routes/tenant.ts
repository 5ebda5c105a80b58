import { z } from "zod";
import { effectiveLimits } from "../../domain/plans";
import { AppError } from "../../domain/errors";
import { OffboardTenant, Tenant, TenantView, UpdateTenant } from "../../domain/schemas/identity";
import { OffboardDownload } from "../../domain/schemas/operator";
import { downloadNotice, requestOffboarding } from "../control-plane/offboard-request";
import { refuseLookAlikeTenantId } from "../control-plane/look-alike";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

const tags = ["tenant"];
const EXPIRING_SOON_MS = 30 * 86_400_000;

/** The active tenant (the one the credentials are for). */
export const tenantRoutes = tenantRouter()
  .get("/", doc({ summary: "Get the active tenant", tags, ok: { schema: TenantView } }), requireRole("VIEWER"), async (c) => {
    const tenant = c.get("tenant");
    return c.json({
      tenant,
      role: c.get("principal").role,
      limits: effectiveLimits(tenant.plan, tenant.limits),
      deviceCount: await c.get("data").devices.count(),
      certificatesExpiringSoon: await c.get("data").deviceCredentials.countExpiringCertificates(Date.now() + EXPIRING_SOON_MS),
    });
  })
  .patch(
    "/",
    doc({
      summary: "Update the tenant's name or branding",
      description: "Needs ADMIN. The plan is not the tenant's to change: a body naming `plan` is refused with 403 (the operator changes plans, `PATCH /admin/tenants/:id`).",
      tags,
      ok: { schema: Tenant },
      errors: [400, 403, 409],
    }),
    requireRole("ADMIN"),
    validate("json", UpdateTenant),
    async (c) => {
      const { plan, ...patch } = c.req.valid("json");
      // A self-signup OWNER could otherwise give itself enterprise limits for free.
      if (plan !== undefined) {
        await audit(c, { action: "tenant.update", targetType: "tenant", targetId: c.get("tenant").id, outcome: "denied", details: { reason: "plan_is_operator_managed", plan } });
        throw new AppError("forbidden", "the plan is changed by the platform operator (or billing), not by the tenant");
      }
      // A new name (or login-page name) must not turn this tenant into a look-alike of another.
      await refuseLookAlikeTenantId(c.get("platform"), c.get("tenant").id, [patch.name, patch.branding?.displayName]);
      const tenant = await c.get("platform").tenants.update(c.get("tenant").id, patch);
      await audit(c, { action: "tenant.update", targetType: "tenant", targetId: tenant.id, outcome: "success", details: { fields: Object.keys(patch) } });
      return c.json(tenant);
    },
  )
  .post(
    "/offboard",
    doc({
      summary: "Delete this tenant: export, then delete everything",
      description:
        "Starts offboarding: the tenant is frozen at once (API and MQTT refuse it), everything is exported for the owner to download (`/api/v1/exports`) during `downloadWindowHours`, then deleted, and a signed deletion certificate is kept. `confirm` must repeat the tenant id.",
      tags,
      ok: { status: 202, schema: z.object({ workflow: z.object({ id: z.string(), status: z.string() }), ...OffboardDownload.shape }) },
      errors: [400, 403, 409],
    }),
    requireRole("OWNER"),
    validate("json", OffboardTenant),
    async (c) => {
      const input = c.req.valid("json");
      const tenant = c.get("tenant");
      if (input.confirm !== tenant.id) throw new AppError("validation_failed", "confirm must repeat this tenant's id", { errors: [{ path: "body.confirm", message: "must be this tenant's id" }] });
      const principal = c.get("principal");
      const { instance, downloadWindowHours } = await requestOffboarding(c.env, tenant.id, {
        downloadWindowHours: input.downloadWindowHours,
        requestedBy: { type: principal.actorType, id: principal.actorId },
        actor: { actorType: principal.actorType, actorId: principal.actorId, requestId: c.get("requestId"), ip: c.req.header("cf-connecting-ip") ?? null },
      });
      return c.json({ workflow: { id: instance.id, status: (await instance.status()).status }, ...downloadNotice(downloadWindowHours) }, 202);
    },
  );
