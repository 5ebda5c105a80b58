/**
 * Custom hostnames as tenants type them, normalized once so that every comparison (uniqueness,
 * routing, verification) sees the same string: lowercase, IDNA (Unicode → punycode, and
 * compatibility forms such as full-width letters mapped to ASCII, by the WHATWG URL parser), no
 * trailing dot. Look-alikes in other scripts stay distinct names (`аcme.example` with a Cyrillic
 * "а" is `xn--cme-8cd.example`) and must be verified on their own.
 */
import { normalizeHostname } from "../hosts";

export type HostnameCheck = { ok: true; hostname: string } | { ok: false; reason: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Normalizes and validates a hostname a tenant wants to serve on. */
export function normalizeCustomHostname(input: string, platformDomain: string): HostnameCheck {
  const raw = input.trim().replace(/\.$/, "");
  if (raw.length === 0 || raw.length > 253) return { ok: false, reason: "a hostname has 1 to 253 characters" };
  // Anything that would make the URL parser read a port, path, credentials or query is not a hostname.
  if (/[\s/\\?#@:%[\]]/.test(raw)) return { ok: false, reason: "only a hostname: no scheme, port, path or credentials" };
  let hostname: string;
  try {
    hostname = new URL(`http://${raw}`).hostname.replace(/\.$/, "");
  } catch {
    return { ok: false, reason: "not a valid hostname (IDNA conversion failed)" };
  }
  if (hostname.length > 253) return { ok: false, reason: "a hostname has at most 253 characters" };
  if (IPV4.test(hostname) || hostname.startsWith("[")) return { ok: false, reason: "an IP address is not a hostname" };
  const labels = hostname.split(".");
  if (labels.length < 2) return { ok: false, reason: "use a fully qualified name such as iot.example.com" };
  if (!labels.every((l) => LABEL.test(l))) return { ok: false, reason: "labels are letters, digits and '-', 1 to 63 characters, not starting or ending with '-'" };
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return { ok: false, reason: "the top-level label cannot be numeric" };
  if (labels[labels.length - 1] === "localhost") return { ok: false, reason: "localhost names cannot be custom domains" };
  const platform = normalizeHostname(platformDomain);
  if (hostname === platform || hostname.endsWith(`.${platform}`)) return { ok: false, reason: "names under the platform's own domain are not custom domains" };
  return { ok: true, hostname };
}

/** The TXT record that proves to Skylark that the tenant controls the hostname. */
export const challengeName = (hostname: string) => `_skylark-challenge.${hostname}`;
