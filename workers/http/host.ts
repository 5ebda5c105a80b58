import { createMiddleware } from "hono/factory";
import { openRegistry } from "../../domain/data/db";
import { platformData } from "../../domain/data/platform";
import { AppError } from "../../domain/errors";
import { classifyHost } from "../../domain/hosts";
import { hostDirectory } from "../control-plane/host-cache";
import type { AppEnv } from "./app-env";

/**
 * Resolves the host to a tenant before anything else runs. An unknown host, or a tenant host
 * whose tenant does not exist (or is deleted), is a 404 and never falls through to some tenant.
 * Custom domains resolve through the domains registry (cached per isolate, see host-cache.ts);
 * until a hostname is verified (status active) it is unknown.
 */
export const resolveHost = createMiddleware<AppEnv>(async (c, next) => {
  const platform = platformData(openRegistry(c.env.REGISTRY));
  c.set("platform", platform);
  const host = classifyHost(new URL(c.req.url).hostname, c.env.PLATFORM_DOMAIN);
  if (host.kind === "platform") {
    c.set("hostTenant", null);
  } else {
    const tenantId = host.kind === "tenant" ? host.tenantId : await hostDirectory.lookup(host.hostname, (name) => platform.lifecycle.tenantForHostname(name));
    const tenant = tenantId ? await platform.tenants.find(tenantId) : null;
    if (!tenant || tenant.status === "deleted") throw new AppError("not_found", "unknown host");
    c.set("hostTenant", tenant);
  }
  await next();
});
