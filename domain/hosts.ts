/**
 * Which tenant a request's host names. Pure: the caller looks the answer up.
 *   platform host:  PLATFORM_DOMAIN itself, reserved names under it, loopback addresses
 *   tenant host:    {tenant}.{PLATFORM_DOMAIN}
 *   custom host:    anything else (a tenant's verified custom domain, or nobody's)
 */
import { TenantId } from "./ids";

/** Names under the platform domain that are never tenant ids. */
export const RESERVED_SUBDOMAINS = new Set(["www", "api", "app", "admin", "mqtt", "docs", "status", "static", "cdn", "mail", "platform", "skylark", "operator", "auth", "login", "t", "customers"]);

export type HostKind = { kind: "platform" } | { kind: "tenant"; tenantId: string } | { kind: "custom"; hostname: string };

/** Lowercase, no trailing dot, no port; IDNA is applied by the URL parser that produced it. */
export function normalizeHostname(hostname: string): string {
  return hostname.trim().toLowerCase().replace(/\.$/, "");
}

export function classifyHost(rawHostname: string, platformDomain: string): HostKind {
  const host = normalizeHostname(rawHostname);
  const platform = normalizeHostname(platformDomain);
  if (host === platform || host === "127.0.0.1" || host === "[::1]" || (platform === "localhost" && host === "localhost")) return { kind: "platform" };
  if (host.endsWith(`.${platform}`)) {
    const label = host.slice(0, -(platform.length + 1));
    if (RESERVED_SUBDOMAINS.has(label)) return { kind: "platform" };
    if (TenantId.safeParse(label).success) return { kind: "tenant", tenantId: label };
  }
  return { kind: "custom", hostname: host };
}

export function isReservedTenantId(id: string): boolean {
  return RESERVED_SUBDOMAINS.has(id);
}
