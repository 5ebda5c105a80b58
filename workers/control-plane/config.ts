/** Control-plane settings read from the environment once per call site, parsed (configuration is a boundary too). */
import { z } from "zod";

const ControlPlaneConfig = z.object({
  PLATFORM_DOMAIN: z.string().min(1),
  CUSTOM_HOSTNAME_TARGET: z.string().min(1),
  SAAS_ZONE_ID: z.string().default(""),
  /** A secret, only needed with a zone id; not declared in wrangler.toml so local runs need none. */
  CF_API_TOKEN: z.string().optional(),
  DOH_RESOLVER_URL: z.url({ protocol: /^https?$/ }),
});
export type ControlPlaneConfig = z.infer<typeof ControlPlaneConfig>;

export function controlPlaneConfig(env: Env): ControlPlaneConfig {
  const e = env as Env & { CF_API_TOKEN?: string };
  return ControlPlaneConfig.parse({
    PLATFORM_DOMAIN: e.PLATFORM_DOMAIN,
    CUSTOM_HOSTNAME_TARGET: e.CUSTOM_HOSTNAME_TARGET,
    SAAS_ZONE_ID: e.SAAS_ZONE_ID,
    CF_API_TOKEN: e.CF_API_TOKEN || undefined,
    DOH_RESOLVER_URL: e.DOH_RESOLVER_URL,
  });
}
