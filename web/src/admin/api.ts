/**
 * The administration pages' endpoints: members and invitations, API keys, custom domains, usage,
 * the audit log, rejected messages and dead letters, the tenant's settings, offboarding and its
 * exports. Request bodies are checked with the API's own schemas before they are sent.
 */
import type { z } from "zod";
import type { Page } from "../../../domain/schemas/common";
import { CreateDomain, type Domain, type VerificationResult } from "../../../domain/schemas/domains";
import { AuditQuery, CreateApiKey, CreateInvitation, OffboardTenant, UpdateMember, UpdateTenant, type ApiKey, type AuditEntry, type Invitation, type Member, type Tenant } from "../../../domain/schemas/identity";
import type { OffboardDownload } from "../../../domain/schemas/operator";
import type { DeadLetter } from "../../../domain/telemetry/dead-letters";
import type { RejectedMessage, RejectionReason } from "../../../domain/telemetry/rejections";
import type { UsageReport } from "../../../domain/telemetry/usage";
import { ApiError, check, currentSession, query, request } from "../api";

export type { ApiKey, AuditEntry, DeadLetter, Domain, Invitation, Member, RejectedMessage, Tenant };
/**
 * The parts of an export's manifest (domain/lifecycle/manifest.ts) this page reads. Written out
 * because that module also holds a hashing helper whose Web Crypto types only check in the
 * Workers' type environment, not the browser's.
 */
export type ExportManifest = {
  exportId: string;
  createdAt: number;
  files: { name: string; store: string; table: string; rows: number; bytes: number; sha256: string; contentType: string }[];
  counts: Record<string, Record<string, number>>;
  notes: string[];
};
export type Usage = UsageReport & { quota: { monthlyMessages: number } };
export type Verification = z.infer<typeof VerificationResult>;
export type AuditFilter = Partial<Pick<AuditQuery, "action" | "outcome" | "since" | "device">>;

const enc = encodeURIComponent;
const PAGE = 50;

export const adminApi = {
  members: (cursor?: string) => request<Page<Member>>("GET", `/members${query({ limit: 200, cursor })}`),
  setRole: (userId: string, body: z.input<typeof UpdateMember>) => request<Member>("PATCH", `/members/${enc(userId)}`, { body: check(UpdateMember, body) }),
  removeMember: (userId: string) => request<void>("DELETE", `/members/${enc(userId)}`),

  invitations: () => request<Page<Invitation>>("GET", `/invitations${query({ limit: 200 })}`),
  invite: (body: z.input<typeof CreateInvitation>) => request<{ invitation: Invitation; delivery: "mailed" }>("POST", "/invitations", { body: check(CreateInvitation, body) }),
  revokeInvitation: (id: string) => request<void>("DELETE", `/invitations/${enc(id)}`),

  apiKeys: (cursor?: string) => request<Page<ApiKey>>("GET", `/api-keys${query({ limit: 200, cursor })}`),
  createApiKey: (body: z.input<typeof CreateApiKey>) => request<{ apiKey: ApiKey; key: string }>("POST", "/api-keys", { body: check(CreateApiKey, body) }),
  revokeApiKey: (id: string) => request<void>("DELETE", `/api-keys/${enc(id)}`),

  domains: () => request<Page<Domain>>("GET", `/domains${query({ limit: 200 })}`),
  addDomain: (body: z.input<typeof CreateDomain>) => request<Domain>("POST", "/domains", { body: check(CreateDomain, body) }),
  verifyDomain: (hostname: string) => request<Verification>("POST", `/domains/${enc(hostname)}/verify`),
  removeDomain: (hostname: string) => request<void>("DELETE", `/domains/${enc(hostname)}`),

  usage: (month?: string) => request<Usage>("GET", `/usage${query({ month })}`),

  // The filter is checked with the API's own query schema, so a bad device id is named before sending.
  audit: (filter: AuditFilter, cursor?: string) => (check(AuditQuery, filter), request<Page<AuditEntry>>("GET", `/audit${query({ limit: PAGE, cursor, ...filter })}`)),

  rejected: (filter: { reason?: RejectionReason; device?: string }, cursor?: string) => request<Page<RejectedMessage>>("GET", `/telemetry/rejected${query({ limit: PAGE, cursor, ...filter })}`),
  deadLetters: (status?: "dead" | "redriven", cursor?: string) => request<Page<DeadLetter>>("GET", `/telemetry/dead-letters${query({ limit: PAGE, cursor, status })}`),
  redrive: (id: string) => request<DeadLetter>("POST", `/telemetry/dead-letters/${enc(id)}/redrive`),
  discardDeadLetter: (id: string) => request<void>("DELETE", `/telemetry/dead-letters/${enc(id)}`),

  updateTenant: (body: z.input<typeof UpdateTenant>) => request<Tenant>("PATCH", "/tenant", { body: check(UpdateTenant, body) }),
  offboard: (body: z.input<typeof OffboardTenant>) => request<{ workflow: { id: string; status: string } } & OffboardDownload>("POST", "/tenant/offboard", { body: check(OffboardTenant, body) }),
  exports: () => request<{ items: { id: string }[] }>("GET", "/exports"),
  manifest: (exportId: string) => request<ExportManifest>("GET", `/exports/${enc(exportId)}/manifest`),
};

/**
 * An export file as a Blob. The download needs the bearer token, which a plain link cannot send
 * (the session never goes into a URL), so the bytes are fetched and handed to the browser.
 */
export async function downloadExportFile(exportId: string, name: string): Promise<Blob> {
  const s = currentSession();
  let res: Response;
  try {
    res = await fetch(`/api/v1/exports/${enc(exportId)}/files/${enc(name)}`, { headers: s ? { authorization: `Bearer ${s.token}` } : {}, credentials: "omit", cache: "no-store" });
  } catch {
    throw new ApiError(0, "network", "the platform could not be reached; check the connection and try again");
  }
  if (res.ok) return res.blob();
  const problem = (await res.json().catch(() => null)) as { code?: string; detail?: string } | null;
  throw new ApiError(res.status, (problem?.code as ApiError["code"]) ?? "internal", problem?.detail ?? res.statusText);
}
