/**
 * Security headers on every response the Worker makes: API JSON, problem bodies, the docs page.
 * (The console's static files never reach the Worker; web/public/_headers gives them theirs.)
 *
 * - `Content-Security-Policy` for API responses lets nothing load and nothing frame them: JSON
 *   opened in a browser tab cannot run or pull in anything. A route that serves HTML sets its
 *   own CSP (the docs page does), which is kept.
 * - `X-Frame-Options: DENY` for browsers that predate `frame-ancestors`.
 * - `X-Content-Type-Options: nosniff`: a JSON body is never sniffed into HTML or script.
 * - `Referrer-Policy: no-referrer`: URLs (tenant ids, export ids) do not leak to other sites.
 * - `Strict-Transport-Security` only when the request came over https to a real host: on
 *   localhost or plain http it means nothing (RFC 6797 §8.1) and must not pin a developer's
 *   browser. No `includeSubDomains`: custom domains' other subdomains are the tenant's business.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";

const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const HSTS_VALUE = "max-age=31536000";

const BASELINE: ReadonlyArray<readonly [string, string]> = [
  ["content-security-policy", API_CONTENT_SECURITY_POLICY],
  ["x-frame-options", "DENY"],
  ["x-content-type-options", "nosniff"],
  ["referrer-policy", "no-referrer"],
  ["cross-origin-opener-policy", "same-origin"],
];

/** Loopback names where HSTS would only get in a developer's way. */
function isLocalHost(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "127.0.0.1" || hostname === "[::1]";
}

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  // A WebSocket upgrade (101) comes back from the hub with immutable headers, and is no document.
  if (c.res.status === 101) return;
  const headers = c.res.headers;
  for (const [name, value] of BASELINE) if (!headers.has(name)) headers.set(name, value);
  const url = new URL(c.req.url);
  if (url.protocol === "https:" && !isLocalHost(url.hostname)) headers.set("strict-transport-security", HSTS_VALUE);
});
