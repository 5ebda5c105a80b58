/**
 * No secrets or payloads in logs, checked on a real run: a platform of its own (its output is
 * what this test reads; the shared one runs quiet), the demo owner signs up and logs in with the
 * demo password (and once with a wrong one), registers a device, connects it over MQTT with its
 * secret and publishes readings carrying a marker, one of them rejected. Then everything the
 * platform wrote — Worker logs and wrangler's own — is searched for the passwords, the device
 * secret, the session token and the marker. The scan is only worth something if the run logged:
 * the access line of a known request must be there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM helper shared with scripts/dev.mjs
import { applyMigrations, generateSecrets, startPlatformOnFreePort, writeVarsFile } from "../../scripts/platform.mjs";
// @ts-expect-error: plain ESM module shared with scripts/dev.mjs
import { DEMO } from "../../scripts/demo-tenant.mjs";

type Platform = { url: string; stop: () => Promise<void>; output: () => string };

const dir = mkdtempSync(join(tmpdir(), "skylark-logs-"));
const state = join(dir, "state");
const envFile = join(dir, "secrets.env");
let platform: Platform;
let operatorToken: string;

beforeAll(async () => {
  const secrets = await generateSecrets();
  operatorToken = secrets.OPERATOR_TOKEN;
  writeVarsFile(envFile, secrets, { forTests: true });
  applyMigrations({ persistTo: state });
  // quiet: its output is captured (platform.output()) instead of shown; "log": wrangler prints the
  // Worker's console lines at that level (below "info"), as `wrangler tail` shows them.
  platform = await startPlatformOnFreePort({ persistTo: state, envFile, quiet: true, logLevel: "log" });
}, 180_000);

afterAll(async () => {
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body ? { "content-type": "application/json" } : {}) },
    ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any, requestId: res.headers.get("x-request-id") };
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("logs", () => {
  it("carry no password, device secret, token or payload from a whole run, and do carry the run's requests", async () => {
    const marker = `payload-marker-${Date.now().toString(36)}`;
    const wrongPassword = `wrong-${marker}-password`;
    const signup = await call("POST", "/api/v1/auth/signup", { body: { email: DEMO.email, password: DEMO.password, tenant: DEMO.tenant } });
    expect(signup.status).toBe(201);
    expect((await call("PATCH", `/api/v1/admin/tenants/${DEMO.tenant.id}`, { token: operatorToken, body: { limits: { apiRequestsPerMinute: 100_000 } } })).status).toBe(200);
    expect((await call("POST", "/api/v1/auth/login", { body: { email: DEMO.email, password: wrongPassword } })).status).toBe(401);
    const login = await call("POST", "/api/v1/auth/login", { body: { email: DEMO.email, password: DEMO.password } });
    expect(login.status).toBe(200);
    const token: string = login.body.token;

    expect((await call("POST", "/api/v1/device-profiles", { token, body: { id: "env", metrics: { temp: { type: "number", min: -40, max: 85 } } } })).status).toBe(201);
    const device = await call("POST", "/api/v1/devices", { token, body: { id: "therm-1", profileId: "env" } });
    expect(device.status).toBe(201);
    const secret: string = device.body.credentials.password;

    const client = await mqtt.connectAsync(`ws://${new URL(platform.url).host}/t/${DEMO.tenant.id}/mqtt`, { clientId: "therm-1", username: "therm-1", password: secret, protocolVersion: 5, reconnectPeriod: 0 });
    const topic = `t/${DEMO.tenant.id}/devices/therm-1/telemetry`;
    await client.publishAsync(topic, JSON.stringify({ values: { temp: 21.5, note: marker } }), { qos: 1, properties: { userProperties: { "trace-id": "logs-ok" } } });
    await client.publishAsync(topic, JSON.stringify({ values: { temp: 999, note: marker } }), { qos: 1, properties: { userProperties: { "trace-id": "logs-bad" } } });
    // A device with a wrong secret is refused; the attempt is logged by what refuses it, never with the secret.
    const refused = await mqtt
      .connectAsync(`ws://${new URL(platform.url).host}/t/${DEMO.tenant.id}/mqtt`, { clientId: "therm-1x", username: "therm-1", password: `${secret}-x`, protocolVersion: 5, reconnectPeriod: 0 })
      .catch((err: Error) => err);
    expect(refused).toBeInstanceOf(Error);

    for (const traceId of ["logs-ok", "logs-bad"]) {
      await until(`trace ${traceId}`, async () => {
        const r = await call("GET", `/api/v1/telemetry/trace/${traceId}`, { token });
        return r.status === 200 && r.body.outcome ? r.body : null;
      });
    }
    await client.endAsync();
    const known = await call("GET", "/api/v1/status", { token });
    expect(known.status).toBe(200);

    // The run's access line for a known request, as a JSON line: proof the scan reads real logs.
    const output = await until("the status request's access line", async () => (platform.output().includes(known.requestId!) ? platform.output() : null));
    const accessLine = output.split("\n").find((l) => l.includes(known.requestId!) && l.includes('"msg":"request"'));
    expect(JSON.parse(accessLine!.slice(accessLine!.indexOf("{")))).toMatchObject({ level: "info", component: "http", route: "/api/v1/status", status: 200, tenant: DEMO.tenant.id });

    for (const [what, needle] of [
      ["the demo password", DEMO.password],
      ["the wrong password", wrongPassword],
      ["the device secret", secret],
      ["the session token", token],
      ["the operator token", operatorToken],
      ["the payload marker", marker],
    ] as const) {
      expect(output.includes(needle), `${what} appears in the platform's output`).toBe(false);
    }
  }, 120_000);
});
