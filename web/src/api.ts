/**
 * The console's one API client: typed requests and responses from the API's own zod schemas
 * (domain/schemas), validation before sending with those same schemas, and problem+json errors
 * as `ApiError`s that name each failing field.
 *
 * The session (bearer token, tenant, role) lives in this module's memory only: never in a URL,
 * localStorage or sessionStorage, where any script on the origin or a stolen disk image could
 * read it. A reload or a new tab therefore asks to log in again. (The API has no cookie or
 * refresh-token session a console could use safely instead; tokens last 1 h.)
 */
import type { z } from "zod";
import type { ErrorCode, FieldError, Problem } from "../../domain/errors";
import type { Role } from "../../domain/roles";
import type { Page } from "../../domain/schemas/common";
import { CreateDevice, type Device, type DeviceListQuery, type DeviceWithCredentials } from "../../domain/schemas/devices";
import { AcceptInvitation, Login, SwitchTenant, type LoginResponse, type PublicBranding, type TenantView, type User, type WorkspaceList } from "../../domain/schemas/identity";
import type { TokenResponse as TokenResponseSchema } from "../../domain/schemas/identity";

export type TokenResponse = z.infer<typeof TokenResponseSchema>;
type DeviceCreated = z.infer<typeof DeviceWithCredentials>;

const BASE = "/api/v1";

// ---------------------------------------------------------------------------------------------
// Session (memory only)

export type Session = { token: string; tenant: string; role: Role; expiresAt: number };
let session: Session | null = null;
const listeners = new Set<(s: Session | null) => void>();

export function currentSession(): Session | null {
  if (session && Date.now() >= session.expiresAt) setSession(null);
  return session;
}
export function setSession(next: Session | null): void {
  session = next;
  for (const l of listeners) l(next);
}
export function sessionFrom(t: TokenResponse): Session {
  return { token: t.token, tenant: t.tenant, role: t.role, expiresAt: Date.now() + t.expiresIn * 1000 };
}
export function onSessionChange(listener: (s: Session | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// ---------------------------------------------------------------------------------------------
// Errors

/** A failing field: `path` as the API sends it (`body.id`), `field` without the part (`id`). */
export type FieldProblem = FieldError & { field: string };

/** A problem+json answer (or a request refused before sending by the shared schema). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | "network";
  readonly detail: string;
  readonly fields: FieldProblem[];
  readonly requestId: string | undefined;

  constructor(status: number, code: ErrorCode | "network", detail: string, errors: FieldError[] = [], requestId?: string) {
    const fields = errors.map((e) => ({ ...e, field: e.path.replace(/^(body|query|param|params|header)\./, "") }));
    super(fields.length ? fields.map((f) => `${f.field}: ${f.message}`).join("; ") : detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.fields = fields;
    this.requestId = requestId;
  }

  /** The message for one field, if the API named it. */
  forField(field: string): string | undefined {
    return this.fields.find((f) => f.field === field || f.field.startsWith(`${field}.`))?.message;
  }
}

function isProblem(x: unknown): x is Problem {
  return typeof x === "object" && x !== null && typeof (x as Problem).code === "string" && typeof (x as Problem).status === "number";
}

/** Validates a request body with the API's own schema; a failure reads like the API's 400. */
export function check<S extends z.ZodType>(schema: S, body: z.input<S>): z.input<S> {
  const result = schema.safeParse(body);
  if (result.success) return body;
  const errors = result.error.issues.map((i) => ({ path: ["body", ...i.path.map(String)].join("."), message: i.message }));
  throw new ApiError(400, "validation_failed", "the request is not valid", errors);
}

// ---------------------------------------------------------------------------------------------
// Transport

type Options = {
  body?: unknown;
  auth?: boolean;
  headers?: Record<string, string>;
  /** Reads the response's headers (an ETag, say) before the body is returned or thrown. */
  onHeaders?: (headers: Headers) => void;
};

/** One API call; each area of the console keeps its endpoints in its own `api.ts` on top of this. */
export async function request<T>(method: string, path: string, { body, auth = true, headers: extra = {}, onHeaders }: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json, application/problem+json", ...extra };
  const s = auth ? currentSession() : null;
  if (s) headers.authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", cache: "no-store" });
  } catch {
    throw new ApiError(0, "network", "the platform could not be reached; check the connection and try again");
  }
  onHeaders?.(res.headers);
  if (res.status === 204) return undefined as T;
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) return json as T;
  const problem = isProblem(json) ? json : null;
  const error = new ApiError(res.status, problem?.code ?? "internal", problem?.detail ?? res.statusText, problem?.errors ?? [], problem?.requestId ?? res.headers.get("x-request-id") ?? undefined);
  // An expired or revoked session: forget it, the console shows the login again.
  if (res.status === 401 && s) setSession(null);
  throw error;
}

export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

// ---------------------------------------------------------------------------------------------
// Endpoints the shell uses (sign-in, workspace, devices); the other areas have their own api.ts

export const api = {
  /** Public: the host tenant's branding; 404 (ApiError) on the platform host. */
  branding: () => request<PublicBranding>("GET", "/branding", { auth: false }),
  login: (body: z.input<typeof Login>) => request<LoginResponse>("POST", "/auth/login", { body: check(Login, body), auth: false }),
  workspaces: () => request<WorkspaceList>("GET", "/auth/workspaces"),
  switchTenant: (body: z.input<typeof SwitchTenant>) => request<TokenResponse>("POST", "/auth/switch", { body: check(SwitchTenant, body) }),
  acceptInvitation: (body: z.input<typeof AcceptInvitation>) => request<TokenResponse>("POST", "/auth/invitations/accept", { body: check(AcceptInvitation, body) }),
  verifyEmail: (token: string) => request<{ user: User }>("POST", "/auth/verify-email", { body: { token }, auth: false }),
  tenant: () => request<TenantView>("GET", "/tenant"),
  devices: (q: Partial<Pick<DeviceListQuery, "limit" | "cursor" | "q" | "status">> = {}) => request<Page<Device>>("GET", `/devices${query(q)}`),
  createDevice: (body: z.input<typeof CreateDevice>) => request<DeviceCreated>("POST", "/devices", { body: check(CreateDevice, body) }),
};
