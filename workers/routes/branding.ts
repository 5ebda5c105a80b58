/**
 * The host tenant's public branding, for the login page on a tenant's own host or custom domain.
 * Unauthenticated by design: it shows only what the login page shows anyway (name, logo,
 * colours). The platform host has no tenant, hence 404.
 */
import { Hono } from "hono";
import { AppError } from "../../domain/errors";
import { Branding, PublicBranding } from "../../domain/schemas/identity";
import type { AppEnv } from "../http/app-env";
import { doc } from "../http/doc";

export const brandingRoutes = new Hono<AppEnv>().get(
  "/",
  doc({ summary: "The branding of the tenant this host serves", description: "Public. 404 on the platform host.", tags: ["tenant"], ok: { schema: PublicBranding }, errors: [404] }),
  (c) => {
    const tenant = c.get("hostTenant");
    if (!tenant) throw new AppError("not_found", "this host serves no tenant; branding exists on a tenant's own host");
    // Stored branding was validated on the way in; parsing again keeps anything else from leaking out.
    const branding = Branding.safeParse(tenant.branding);
    return c.json({ tenant: { id: tenant.id, name: tenant.name }, branding: branding.success ? branding.data : {} }, 200, { "cache-control": "public, max-age=60" });
  },
);
