/** Test helpers that drive the platform through its public HTTP API (exports.default.fetch). */
import { exports } from "cloudflare:workers";
import type { Role } from "../../domain/roles";

export const OPERATOR_TOKEN = "test-operator-token";

export type ApiOptions = { token?: string; body?: unknown; host?: string; headers?: Record<string, string> };
export type ApiResult<T = any> = { status: number; body: T; headers: Headers };

export async function api<T = any>(method: string, path: string, opts: ApiOptions = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  }
  const res = await exports.default.fetch(`http://${opts.host ?? "localhost"}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export async function expectOk<T = any>(result: Promise<ApiResult<T>>, status = 200): Promise<T> {
  const r = await result;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

let seq = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(seq++).toString(36)}`.slice(0, 32);

export type TenantFixture = { tenantId: string; ownerToken: string; ownerId: string; email: string; password: string };

export async function signup(tenantId = unique("t"), email = `${unique("owner")}@example.com`, password = "correct horse battery"): Promise<TenantFixture> {
  const body = await expectOk(api("POST", "/api/v1/auth/signup", { body: { email, password, tenant: { id: tenantId, name: `Tenant ${tenantId}` } } }), 201);
  // Suites that sweep every route make far more requests than a starter plan allows per minute;
  // the rate limit itself is tested on tenants that keep their plan's numbers.
  await expectOk(api("PATCH", `/api/v1/admin/tenants/${tenantId}`, { token: OPERATOR_TOKEN, body: { limits: { apiRequestsPerMinute: 1_000_000 } } }));
  return { tenantId, ownerToken: body.token.token, ownerId: body.user.id, email, password };
}

export type OutboxMail = { to: string; kind: string; subject: string; text: string; link: string; createdAt: number };

/** The newest mail the platform sent to `to` (of `kind`), from the dev outbox the tests run with. */
export async function lastMail(to: string, kind?: string): Promise<OutboxMail> {
  const q = new URLSearchParams({ to, limit: "1", ...(kind ? { kind } : {}) });
  const [mail] = (await expectOk(api("GET", `/api/v1/dev/outbox?${q}`))).items;
  if (!mail) throw new Error(`no ${kind ?? ""} mail to ${to}`);
  return mail;
}

/** The token of a mailed link (`…#token=…`). */
export const linkToken = (mail: OutboxMail) => new URL(mail.link).hash.replace(/^#token=/, "");

/** Invites `email` and returns the token from the invitation mail. */
export async function invite(ownerToken: string, email: string, role: Role): Promise<string> {
  await expectOk(api("POST", "/api/v1/invitations", { token: ownerToken, body: { email, role } }), 201);
  return linkToken(await lastMail(email, "invitation"));
}

/** Adds a member with `role` the way a real tenant would: invitation mail, then acceptance. */
export async function memberWithRole(t: TenantFixture, role: Role): Promise<{ token: string; userId: string }> {
  const email = `${unique(role.toLowerCase())}@example.com`;
  const token = await invite(t.ownerToken, email, role);
  const accepted = await expectOk(api("POST", "/api/v1/auth/invitations/accept", { body: { token, password: "another good password" } }));
  const members = await expectOk(api("GET", "/api/v1/members?limit=200", { token: t.ownerToken }));
  const userId = members.items.find((m: { email: string }) => m.email === email).userId;
  return { token: accepted.token, userId };
}

export async function createDevice(token: string, body: Record<string, unknown>) {
  return expectOk(api("POST", "/api/v1/devices", { token, body }), 201);
}
