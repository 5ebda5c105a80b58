/**
 * What a tenant must put in DNS for a custom hostname, and the pure decision of whether what DNS
 * answered proves it. The lookups themselves (DNS-over-HTTPS, the Cloudflare API) happen in the
 * Worker; this module only compares.
 */
import { z } from "zod";
import { normalizeHostname } from "../hosts";
import { challengeName } from "./hostname";

export const DnsRecord = z.object({
  type: z.enum(["CNAME", "TXT"]),
  name: z.string(),
  value: z.string(),
  /** routing: send traffic to the platform; ownership: prove control to Skylark or Cloudflare; certificate: TLS validation. */
  purpose: z.enum(["routing", "ownership", "certificate"]),
});
export type DnsRecord = z.infer<typeof DnsRecord>;

/** The records for a hostname: our CNAME and challenge, then whatever Cloudflare for SaaS asked for. */
export function requiredDnsRecords(hostname: string, target: string, token: string, providerRecords: DnsRecord[]): DnsRecord[] {
  return [{ type: "CNAME", name: hostname, value: target, purpose: "routing" }, { type: "TXT", name: challengeName(hostname), value: token, purpose: "ownership" }, ...providerRecords];
}

export type DnsAnswers = { cname: string[]; txt: string[] };
export type ProviderState = { status: string; sslStatus: string; errors: string[] };

export type VerificationChecks = {
  cname: { ok: boolean; expected: string; found: string[] };
  txt: { ok: boolean; name: string; recordsFound: number };
  cloudflare: { ok: boolean; status: string; sslStatus: string; errors: string[] };
};

/** Compares DNS and provider answers with what the hostname requires; `reason` explains a failure. */
export function evaluateVerification(hostname: string, target: string, token: string, dns: DnsAnswers, provider: ProviderState): { ok: boolean; reason: string | null; checks: VerificationChecks } {
  const found = dns.cname.map(normalizeHostname);
  const checks: VerificationChecks = {
    cname: { ok: found.includes(normalizeHostname(target)), expected: target, found },
    txt: { ok: dns.txt.includes(token), name: challengeName(hostname), recordsFound: dns.txt.length },
    cloudflare: { ok: provider.status === "active" && provider.sslStatus === "active", ...provider },
  };
  const reasons: string[] = [];
  if (!checks.cname.ok) reasons.push(found.length ? `${hostname} is a CNAME to ${found.join(", ")}, not ${target}` : `no CNAME record for ${hostname} (expected ${target})`);
  if (!checks.txt.ok) reasons.push(dns.txt.length ? `the TXT record ${checks.txt.name} does not hold this hostname's token` : `no TXT record ${checks.txt.name}`);
  if (!checks.cloudflare.ok) reasons.push(`Cloudflare reports hostname ${provider.status}, certificate ${provider.sslStatus}${provider.errors.length ? ` (${provider.errors.join("; ")})` : ""}`);
  return { ok: reasons.length === 0, reason: reasons.length ? reasons.join("; ") : null, checks };
}

/** DNS-over-HTTPS JSON answers (RFC 8484 resolvers' `application/dns-json` form, as 1.1.1.1 and 8.8.8.8 serve it). */
export const DohJsonResponse = z.object({
  Status: z.number().int(),
  Answer: z.array(z.object({ name: z.string(), type: z.number().int(), data: z.string() })).optional(),
});

export const DNS_TYPE = { CNAME: 5, TXT: 16 } as const;

/** A TXT answer's data is one or more quoted strings; their concatenation is the value. */
export function txtValue(data: string): string {
  const parts = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, "$1"));
  return parts.length ? parts.join("") : data;
}
