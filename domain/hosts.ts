/**
 * Which tenant a request's host names. Pure: the caller looks the answer up.
 *   platform host:  PLATFORM_DOMAIN itself, reserved names under it, loopback addresses
 *   tenant host:    {tenant}.{PLATFORM_DOMAIN}
 *   custom host:    anything else (a tenant's verified custom domain, or nobody's)
 */
import { TenantId } from "./ids";
import { tenantIdSkeleton } from "./tenant-look-alike";

/** Names under the platform domain that are never tenant ids. */
const RESERVED_SUBDOMAINS = new Set(["www", "api", "app", "admin", "mqtt", "docs", "status", "static", "cdn", "mail", "platform", "skylark", "operator", "auth", "login", "t", "customers"]);

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

/**
 * Ids no tenant may take, beyond the platform's own subdomains: names that browsers, mail clients
 * and networks look up by convention (a tenant called `autodiscover` or `wpad` would receive other
 * people's configuration requests), RFC 2606/6761 special names, and names that impersonate the
 * platform's own functions on a tenant host (`sso.`, `billing.`, `security.`).
 */
const RESERVED_TENANT_IDS: ReadonlySet<string> = new Set([
  ...RESERVED_SUBDOMAINS,
  // Discovery names clients ask for by themselves.
  "autodiscover",
  "autoconfig",
  "wpad",
  "isatap",
  "mta-sts",
  // Special-use and example names.
  "localhost",
  "local",
  "localdomain",
  "invalid",
  "test",
  "example",
  "onion",
  // Mail and infrastructure hosts.
  "smtp",
  "imap",
  "pop",
  "pop3",
  "mx",
  "ns",
  "ns1",
  "ns2",
  "dns",
  "ftp",
  "webmail",
  "email",
  "postmaster",
  "hostmaster",
  "webmaster",
  "abuse",
  "noreply",
  "no-reply",
  // The platform's own functions, as a tenant host would show them.
  "sso",
  "oauth",
  "oidc",
  "saml",
  "id",
  "identity",
  "account",
  "accounts",
  "signup",
  "signin",
  "register",
  "billing",
  "payments",
  "pay",
  "invoice",
  "invoices",
  "support",
  "help",
  "security",
  "trust",
  "legal",
  "privacy",
  "console",
  "dashboard",
  "portal",
  "system",
  "internal",
  "root",
  "assets",
  "files",
  "download",
  "downloads",
  "ws",
  "wss",
  "broker",
  "telemetry",
  "metrics",
  "grafana",
  "monitor",
  "health",
  "healthz",
]);

/** Reserved ids as a reader sees them, so `adm1n` or `bi11ing` is as reserved as the real thing. */
const RESERVED_SKELETONS: ReadonlySet<string> = new Set([...RESERVED_TENANT_IDS].map(tenantIdSkeleton));

export function isReservedTenantId(id: string): boolean {
  return RESERVED_TENANT_IDS.has(id) || RESERVED_SKELETONS.has(tenantIdSkeleton(id));
}
