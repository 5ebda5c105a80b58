/** HTTP helpers for end-to-end tests against the running platform. */
import { request } from "node:http";
import { inject } from "vitest";

export const platformUrl = () => inject("platformUrl");
export const operatorToken = () => inject("operatorToken");

/** node:http rather than fetch, because fetch may not set the Host header (tenant hosts need it). */
export function http<T = any>(method: string, path: string, opts: { token?: string; body?: unknown; host?: string } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const url = new URL(path, platformUrl());
  const headers: Record<string, string> = { host: opts.host ? `${opts.host}:${url.port}` : url.host };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const payload = opts.body !== undefined ? JSON.stringify(opts.body) : undefined;
  if (payload !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep text
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h.set(k, v);
        resolve({ status: res.statusCode ?? 0, body: body as T, headers: h });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

let n = 0;
export const uniqueId = (prefix: string) => `${prefix}-${process.pid.toString(36)}${Date.now().toString(36)}${(n++).toString(36)}`.slice(0, 32);

export async function signupTenant(prefix = "e2e") {
  const tenantId = uniqueId(prefix);
  const email = `${uniqueId("owner")}@example.com`;
  const password = "end to end password";
  const r = await http("POST", "/api/v1/auth/signup", { body: { email, password, tenant: { id: tenantId, name: `E2E ${tenantId}` } } });
  if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { tenantId, email, password, token: r.body.token.token as string };
}
