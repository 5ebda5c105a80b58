/**
 * The operator console's API calls. The operator token lives in this module's memory only — never
 * in a URL, web storage or a cookie — and is sent as a bearer token; a 401 forgets it, so the
 * console asks for it again. It is not the tenant session of ../api.ts and never mixes with it.
 */
import type { z } from "zod";
import { AdminCreateTenant, AdminUpdateTenant, OffboardTenant, type Tenant } from "../../../domain/schemas/identity";
import { OperatorReason, type DeletionCertificateList, type OffboardStarted, type TenantLifecycle, type TenantSummary } from "../../../domain/schemas/operator";
import type { OperatorMetrics, OperatorMetricsQuery } from "../../../domain/schemas/operator-metrics";
import { ApiError, check, query, request } from "../api";

let operatorToken: string | null = null;
const listeners = new Set<(signedIn: boolean) => void>();

export const isSignedIn = () => operatorToken !== null;
export function onOperatorChange(listener: (signedIn: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
export function signOut(): void {
  operatorToken = null;
  for (const l of listeners) l(false);
}

async function call<T>(method: string, path: string, body?: unknown, token = operatorToken): Promise<T> {
  if (!token) throw new ApiError(401, "unauthenticated", "sign in with the operator token");
  try {
    return await request<T>(method, `/admin${path}`, { auth: false, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body }) });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && token === operatorToken) signOut();
    throw err;
  }
}

export type TenantPage = { items: TenantSummary[]; nextCursor: string | null };
export type TenantListQuery = { q?: string; status?: Tenant["status"]; limit?: number; cursor?: string };

export const operatorApi = {
  /** Checks the token with a one-row list before keeping it; a wrong token throws and is not kept. */
  async signIn(token: string): Promise<void> {
    const trimmed = token.trim();
    if (!trimmed) throw new ApiError(400, "validation_failed", "the operator token is required", [{ path: "body.token", message: "enter the operator token" }]);
    await call("GET", "/tenants?limit=1", undefined, trimmed);
    operatorToken = trimmed;
    for (const l of listeners) l(true);
  },
  tenants: (q: TenantListQuery) => call<TenantPage>("GET", `/tenants${query({ ...q })}`),
  tenant: (id: string) => call<TenantSummary>("GET", `/tenants/${encodeURIComponent(id)}`),
  create: (body: z.input<typeof AdminCreateTenant>) => call<{ tenant: Tenant; invitation: { id: string; email: string; delivery: "mailed" | "failed" } | null }>("POST", "/tenants", check(AdminCreateTenant, body)),
  update: (id: string, body: z.input<typeof AdminUpdateTenant>) => call<Tenant>("PATCH", `/tenants/${encodeURIComponent(id)}`, check(AdminUpdateTenant, body)),
  suspend: (id: string, body: z.input<typeof OperatorReason>) => call<Tenant>("POST", `/tenants/${encodeURIComponent(id)}/suspend`, check(OperatorReason, body)),
  resume: (id: string, body: z.input<typeof OperatorReason>) => call<Tenant>("POST", `/tenants/${encodeURIComponent(id)}/resume`, check(OperatorReason, body)),
  offboard: (id: string, body: z.input<typeof OffboardTenant>) => call<z.infer<typeof OffboardStarted>>("POST", `/tenants/${encodeURIComponent(id)}/offboard`, check(OffboardTenant, body)),
  lifecycle: (id: string) => call<TenantLifecycle>("GET", `/tenants/${encodeURIComponent(id)}/lifecycle`),
  certificates: (id: string) => call<DeletionCertificateList>("GET", `/tenants/${encodeURIComponent(id)}/deletion-certificates`),
  /** Live metrics of the first 100 active tenants (by id), noisiest first; takes about a second (the hubs are sampled twice). */
  metrics: (q: { sort: OperatorMetricsQuery["sort"] }) => call<OperatorMetrics>("GET", `/metrics${query({ sort: q.sort, limit: 100 })}`),
};
