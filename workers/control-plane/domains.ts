/**
 * Custom domains of a tenant: registration with Cloudflare for SaaS, verification (our CNAME and
 * TXT challenge over DNS-over-HTTPS, plus Cloudflare's hostname and certificate status), removal.
 * Callers pass the tenant-scoped data layer of a verified tenant; a hostname is normalized before
 * it gets here.
 */
import { randomBase32 } from "../../domain/ids";
import type { PlatformData } from "../../domain/data/platform";
import type { DomainRecord } from "../../domain/data/repos/domains";
import type { TenantData } from "../../domain/data/tenant-scope";
import { challengeName, normalizeCustomHostname } from "../../domain/domains/hostname";
import { evaluateVerification, requiredDnsRecords, type VerificationChecks } from "../../domain/domains/verification";
import { AppError } from "../../domain/errors";
import type { Domain } from "../../domain/schemas/domains";
import { controlPlaneConfig } from "./config";
import { customHostnameProvider, type CustomHostnameProvider } from "./custom-hostnames";
import { dohResolver, type DnsResolver } from "./dns";
import { hostDirectory } from "./host-cache";
import { createLogger, errorFields } from "../../domain/log";

export type DomainServices = { provider: CustomHostnameProvider; dns: DnsResolver; target: string };

export function domainServices(env: Env): DomainServices {
  const config = controlPlaneConfig(env);
  return { provider: customHostnameProvider(config), dns: dohResolver(config.DOH_RESOLVER_URL), target: config.CUSTOM_HOSTNAME_TARGET };
}

/** Normalizes a hostname from a request, or answers 400 naming the field and the reason. */
export function hostnameOrThrow(input: string, platformDomain: string, path: string): string {
  const checked = normalizeCustomHostname(input, platformDomain);
  if (!checked.ok) throw new AppError("validation_failed", `invalid hostname: ${checked.reason}`, { errors: [{ path, message: checked.reason }] });
  return checked.hostname;
}

export function domainView(record: DomainRecord, target: string): Domain {
  const { hostname, status, failureReason, verifiedAt, createdAt, updatedAt } = record;
  return { hostname, status, failureReason, verifiedAt, createdAt, updatedAt, dnsRecords: requiredDnsRecords(hostname, target, record.verificationToken, record.providerRecords) };
}

/** Registers the hostname for this tenant (pending) and tells Cloudflare for SaaS about it. */
export async function registerDomain(svc: DomainServices, platform: PlatformData, data: TenantData, hostname: string): Promise<DomainRecord> {
  const owner = await platform.lifecycle.tenantForHostname(hostname);
  if (owner && owner !== data.tenantId) throw new AppError("conflict", `${hostname} is already active for another tenant`);
  if (await data.domains.find(hostname)) throw new AppError("already_exists", `${hostname} is already registered for this tenant`);
  const registered = await svc.provider.create(hostname);
  try {
    return await data.domains.create({ hostname, verificationToken: `sky-${randomBase32(32)}`, providerId: registered.id, providerRecords: registered.records });
  } catch (err) {
    // Another request registered it first: do not leave a second custom hostname at Cloudflare.
    await svc.provider.remove(registered.id).catch(() => {});
    throw err;
  }
}

/** Checks DNS and Cloudflare; activates the hostname or records why it failed. */
export async function verifyDomain(svc: DomainServices, data: TenantData, hostname: string): Promise<{ record: DomainRecord; checks: VerificationChecks }> {
  const record = await data.domains.find(hostname);
  if (!record) throw new AppError("not_found", "domain not found");
  const [cname, txt, registered] = await Promise.all([svc.dns.lookup(hostname, "CNAME"), svc.dns.lookup(challengeName(hostname), "TXT"), record.providerId ? svc.provider.get(record.providerId) : Promise.resolve(null)]);
  const provider = registered ?? { status: "missing", sslStatus: "missing", errors: ["the custom hostname is not registered with Cloudflare for SaaS; remove and add the domain again"] };
  const outcome = evaluateVerification(hostname, svc.target, record.verificationToken, { cname, txt }, provider);
  if (!outcome.ok) return { record: await data.domains.markFailed(hostname, outcome.reason!), checks: outcome.checks };
  try {
    const active = await data.domains.markActive(hostname);
    hostDirectory.invalidate(hostname);
    return { record: active, checks: outcome.checks };
  } catch (err) {
    if (err instanceof AppError && err.code === "conflict") await data.domains.markFailed(hostname, err.message);
    throw err;
  }
}

/** Removes the hostname: routing stops first, then Cloudflare forgets it. */
export async function removeDomain(svc: DomainServices, data: TenantData, hostname: string): Promise<{ providerRemoved: boolean }> {
  const removed = await data.domains.remove(hostname);
  if (!removed) throw new AppError("not_found", "domain not found");
  hostDirectory.invalidate(hostname);
  if (!removed.providerId) return { providerRemoved: true };
  try {
    await svc.provider.remove(removed.providerId);
    return { providerRemoved: true };
  } catch (err) {
    createLogger({ component: "domains" }).warn("custom hostname removal failed", { hostname, ...errorFields(err) });
    return { providerRemoved: false };
  }
}
