// Starts the whole platform locally (wrangler dev: workerd + miniflare simulators) and stops it.
// Shared by `npm run dev` and the end-to-end test setup, so both run the platform the same way.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateOperatorToken, generateSigningKey } from "./deploy/keys.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const BIN_DIR = join(ROOT, "node_modules", ".bin");
const GUARD = join(ROOT, "scripts", "platform-guard.mjs");

/** Environment for wrangler: the project's Node 22 first on PATH, and no network lookups. */
export function wranglerEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${BIN_DIR}:${process.env.PATH}`,
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
    CI: process.env.CI ?? "",
    ...extra,
  };
}

/** Secrets for local runs: an ES256 signing key (so the JWKS endpoint has a key) and an operator token. */
export async function generateSecrets() {
  return { JWT_SIGNING_KEY: await generateSigningKey("dev"), OPERATOR_TOKEN: generateOperatorToken() };
}

/**
 * What test platforms change: every request of a suite comes from 127.0.0.1, so the per-address
 * auth throttle (30 logins a minute, 10 signups an hour) would refuse a suite's hundreds of
 * signups and logins, and the MQTT edge would cool 127.0.0.1 down after ten refused CONNECTs.
 * Alarm webhooks may use plain http to 127.0.0.1, where the e2e tests run their receiver.
 * `npm run dev` keeps the production budgets.
 */
export const TEST_PLATFORM_VARS = { AUTH_THROTTLE_IP_ATTEMPTS_PER_MINUTE: "1000000", AUTH_THROTTLE_IP_SIGNUPS_PER_HOUR: "1000000", MQTT_AUTH_FAILURES_PER_MINUTE: "1000000", ALARM_WEBHOOK_HTTP_HOSTS: "127.0.0.1" };

export function writeVarsFile(path, vars, { forTests = false } = {}) {
  if (forTests) vars = { ...vars, ...TEST_PLATFORM_VARS };
  // Single quotes: dotenv keeps such values literally (the JWK is JSON full of double quotes).
  for (const v of Object.values(vars)) if (String(v).includes("'")) throw new Error("values must not contain single quotes");
  writeFileSync(
    path,
    Object.entries(vars)
      .map(([k, v]) => `${k}='${v}'`)
      .join("\n") + "\n",
    { mode: 0o600 },
  );
}

export function readVarsFile(path) {
  if (!existsSync(path)) return {};
  const vars = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2].startsWith("'") ? m[2].slice(1, -1) : m[2].startsWith('"') ? JSON.parse(m[2]) : m[2];
  }
  return vars;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `startPlatform` on ports picked here. A port found free can be taken by another process before
 * wrangler binds it (the runtime test pool starts workerd processes on random ports at the same
 * time): a taken port is retried on a fresh one.
 */
export async function startPlatformOnFreePort(options = {}, attempts = 4) {
  for (let i = 1; ; i++) {
    try {
      return await startPlatform({ ...options, port: await freePort() });
    } catch (err) {
      if (i >= attempts || !(err instanceof PortInUseError || /Address already in use/.test(String(err)))) throw err;
    }
  }
}

/** The port a platform was asked for is held by another program; nothing was started. */
export class PortInUseError extends Error {
  constructor(port, host) {
    super(`Port ${port} is already in use (Address already in use on ${host}:${port}): another program — perhaps an earlier platform — is listening on it.`);
    this.name = "PortInUseError";
    this.code = "EADDRINUSE";
    this.port = port;
  }
}

// "localhost" may be 127.0.0.1 or ::1 depending on the resolver, and a listener on either would
// answer the readiness probe: both are checked.
const hostsToCheck = (ip) => (ip === "localhost" || ip === "0.0.0.0" || ip === "::" ? ["127.0.0.1", "::1"] : [ip]);

/** Resolves true when something accepts a TCP connection on host:port (no byte is sent). */
function accepts(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000);
    const done = (answer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/**
 * Throws PortInUseError when `port` is taken. Checked before wrangler starts because the readiness
 * probe cannot tell servers apart: a stale platform on the port would answer /healthz for a wrangler
 * that failed to bind, and callers would then seed and test against it.
 */
export async function ensurePortFree(port, ip = "127.0.0.1") {
  for (const host of hostsToCheck(ip)) if (await accepts(host, port)) throw new PortInUseError(port, host);
  await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", (err) => (err.code === "EADDRINUSE" || err.code === "EACCES" ? reject(new PortInUseError(port, ip)) : resolve()));
    srv.listen(port, ip, () => srv.close(() => resolve()));
  });
}

/** Platforms started by this process and not yet stopped. */
const running = new Set();

/** Stops every platform this process started (for signal handlers that may run mid-start). */
export function stopAllPlatforms() {
  return Promise.all([...running].map((stop) => stop()));
}

/** Applies the D1 migrations to the local registry (idempotent). */
export function applyMigrations({ persistTo } = {}) {
  const args = ["d1", "migrations", "apply", "REGISTRY", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])];
  const r = spawnSync(WRANGLER, args, { cwd: ROOT, env: wranglerEnv(), encoding: "utf8", input: "" });
  if (r.status !== 0) throw new Error(`migrations failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Starts `wrangler dev` and resolves once /healthz answers. `envFile` supplies the secrets.
 * Throws PortInUseError, without starting anything, when the port is taken.
 * Returns { url, pid (of the guard, leader of wrangler's process group), stop, exited, output }.
 */
export async function startPlatform({ port = 8787, persistTo, envFile, quiet = false, ip = "127.0.0.1", logLevel } = {}) {
  const inspectorPort = await freePort();
  const args = ["dev", "--port", String(port), "--ip", ip, "--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false", "--log-level", logLevel ?? (quiet ? "error" : "info")];
  if (persistTo) args.push("--persist-to", persistTo);
  if (envFile) args.push("--env-file", envFile);
  // workerd does not implement Durable Object jurisdictions: record tenants' regions without placing objects.
  args.push("--var", "DURABLE_OBJECT_JURISDICTIONS:record-only");
  // Local platforms keep the mail they send in a dev outbox (GET /api/v1/dev/outbox) instead of
  // delivering it; a deployed Worker never has this variable.
  args.push("--var", "DEV_MAIL_OUTBOX:true");
  await ensurePortFree(port, ip);
  // The guard leads wrangler's process group and stops it when our end of its stdin pipe closes,
  // which also happens when this process is killed outright (see platform-guard.mjs).
  const child = spawn(process.execPath, [GUARD, WRANGLER, ...args], { cwd: ROOT, env: wranglerEnv(), stdio: ["pipe", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"], detached: true });
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      return false; // already gone
    }
  };
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const stop = () =>
    new Promise((resolve) => {
      running.delete(stop);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      exited.then(() => resolve());
      if (!signalGroup("SIGTERM")) return resolve();
      // The guard escalates to SIGKILL itself after its grace period; this is for a guard that hangs.
      setTimeout(() => signalGroup("SIGKILL"), 8_000).unref();
    });
  running.add(stop);
  exited.then(() => running.delete(stop));
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://${ip === "0.0.0.0" ? "127.0.0.1" : ip}:${port}`;
  // Node resolves "localhost" to ::1 or 127.0.0.1; probe the address wrangler reports as ready.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (/Address already in use/.test(output)) throw Object.assign(new PortInUseError(port, ip), { output });
      throw new Error(`wrangler dev exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not become ready within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, pid: child.pid, inspectorPort, stop, exited, output: () => output };
}
