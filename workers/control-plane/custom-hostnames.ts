/**
 * Cloudflare for SaaS custom hostnames behind one interface: the real `custom_hostnames` API
 * when a zone id and API token are configured, and a local stand-in otherwise (development and
 * tests), which accepts every hostname at once so verification hinges on our own DNS checks.
 */
import { z } from "zod";
import type { DnsRecord } from "../../domain/domains/verification";
import { AppError } from "../../domain/errors";
import type { ControlPlaneConfig } from "./config";

type ProviderHostname = { id: string; status: string; sslStatus: string; errors: string[]; records: DnsRecord[] };

export interface CustomHostnameProvider {
  readonly kind: "cloudflare" | "local";
  create(hostname: string): Promise<ProviderHostname>;
  /** null when the provider no longer knows the id. */
  get(id: string): Promise<ProviderHostname | null>;
  /** Removing an id the provider does not know is not an error. */
  remove(id: string): Promise<void>;
}

export function localProvider(): CustomHostnameProvider {
  const state = (hostname: string): ProviderHostname => ({ id: `local-${hostname}`, status: "active", sslStatus: "active", errors: [], records: [] });
  return {
    kind: "local",
    create: async (hostname) => state(hostname),
    get: async (id) => (id.startsWith("local-") ? state(id.slice("local-".length)) : null),
    remove: async () => {},
  };
}

const CfHostname = z.object({
  id: z.string(),
  hostname: z.string(),
  status: z.string(),
  verification_errors: z.array(z.string()).optional(),
  ownership_verification: z.object({ type: z.string(), name: z.string(), value: z.string() }).optional(),
  ssl: z
    .object({
      status: z.string(),
      validation_records: z.array(z.object({ txt_name: z.string().optional(), txt_value: z.string().optional() })).optional(),
      validation_errors: z.array(z.object({ message: z.string() })).optional(),
    })
    .optional(),
});
const CfEnvelope = z.object({ success: z.boolean(), errors: z.array(z.object({ code: z.number(), message: z.string() })).default([]), result: z.unknown() });

function fromCloudflare(h: z.infer<typeof CfHostname>): ProviderHostname {
  const records: DnsRecord[] = [];
  if (h.ownership_verification?.type === "txt") records.push({ type: "TXT", name: h.ownership_verification.name, value: h.ownership_verification.value, purpose: "ownership" });
  for (const r of h.ssl?.validation_records ?? []) if (r.txt_name && r.txt_value) records.push({ type: "TXT", name: r.txt_name, value: r.txt_value, purpose: "certificate" });
  return { id: h.id, status: h.status, sslStatus: h.ssl?.status ?? "unknown", errors: [...(h.verification_errors ?? []), ...(h.ssl?.validation_errors ?? []).map((e) => e.message)], records };
}

const API = "https://api.cloudflare.com/client/v4";

export function cloudflareProvider(zoneId: string, apiToken: string, fetcher: typeof fetch = (...a) => fetch(...a)): CustomHostnameProvider {
  const base = `${API}/zones/${encodeURIComponent(zoneId)}/custom_hostnames`;
  async function call(method: string, url: string, body?: unknown): Promise<{ status: number; result: unknown }> {
    let res: Response;
    try {
      res = await fetcher(url, { method, headers: { authorization: `Bearer ${apiToken}`, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    } catch {
      throw new AppError("unavailable", "Cloudflare for SaaS could not be reached; try again");
    }
    const envelope = CfEnvelope.safeParse(await res.json().catch(() => null));
    if (res.status === 404) return { status: 404, result: null };
    if (!envelope.success) throw new AppError("unavailable", `Cloudflare for SaaS answered ${res.status} without a readable body`);
    if (res.ok && envelope.data.success) return { status: res.status, result: envelope.data.result };
    const messages = envelope.data.errors.map((e) => `${e.code}: ${e.message}`).join("; ") || `HTTP ${res.status}`;
    if (res.status >= 500) throw new AppError("unavailable", `Cloudflare for SaaS failed: ${messages}`);
    if (res.status === 409 || envelope.data.errors.some((e) => e.code === 1406)) throw new AppError("conflict", `Cloudflare for SaaS already has this hostname: ${messages}`);
    throw new AppError("bad_request", `Cloudflare for SaaS refused the hostname: ${messages}`);
  }
  return {
    kind: "cloudflare",
    async create(hostname) {
      const { result } = await call("POST", base, { hostname, ssl: { method: "txt", type: "dv", settings: { min_tls_version: "1.2" } } });
      return fromCloudflare(CfHostname.parse(result));
    },
    async get(id) {
      const { status, result } = await call("GET", `${base}/${encodeURIComponent(id)}`);
      return status === 404 ? null : fromCloudflare(CfHostname.parse(result));
    },
    async remove(id) {
      await call("DELETE", `${base}/${encodeURIComponent(id)}`);
    },
  };
}

export function customHostnameProvider(config: ControlPlaneConfig): CustomHostnameProvider {
  return config.SAAS_ZONE_ID && config.CF_API_TOKEN ? cloudflareProvider(config.SAAS_ZONE_ID, config.CF_API_TOKEN) : localProvider();
}
