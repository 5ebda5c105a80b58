// Shared by the end-to-end benchmarks: starts the platform (or uses SKYLARK_URL), and small
// helpers for the REST API and MQTT.js clients.
import mqtt from "mqtt";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, generateSecrets, startPlatformOnFreePort, writeVarsFile } from "../scripts/platform.mjs";

export async function platform({ logLevel } = {}) {
  if (process.env.SKYLARK_URL) return { url: process.env.SKYLARK_URL, operatorToken: process.env.SKYLARK_OPERATOR_TOKEN, output: () => "", stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), "skylark-bench-"));
  const secrets = await generateSecrets();
  writeVarsFile(join(dir, "secrets.env"), secrets);
  applyMigrations({ persistTo: join(dir, "state") });
  const p = await startPlatformOnFreePort({ persistTo: join(dir, "state"), envFile: join(dir, "secrets.env"), quiet: true, ...(logLevel ? { logLevel } : {}) });
  return {
    url: p.url,
    pid: p.pid,
    inspectorPort: p.inspectorPort,
    operatorToken: secrets.OPERATOR_TOKEN,
    output: p.output,
    stop: async () => {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function api(base) {
  return async (method, path, { token, body } = {}) => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const json = await res.json().catch(() => null);
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

export async function tenant(call, id, operatorToken, { plan, limits } = {}) {
  const r = await call("POST", "/api/v1/auth/signup", { body: { email: `owner@${id}.example`, password: "benchmark password", tenant: { id, name: id } } });
  if (plan || limits) await call("PATCH", `/api/v1/admin/tenants/${id}`, { token: operatorToken, body: { ...(plan ? { plan } : {}), ...(limits ? { limits } : {}) } });
  return r.token.token;
}

export function mqttClient(base, tenantId, options) {
  const url = `${base.replace(/^http/, "ws")}/t/${tenantId}/mqtt`;
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    c.once("connect", () => resolve(c));
    c.once("error", reject);
  });
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
