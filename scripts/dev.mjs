// `npm run dev`: prepares local secrets and the D1 registry, starts the platform on
// http://localhost:8787, seeds the demo tenant `acme` on first run, and prints how to log in
// and connect devices.
//
// It never leaves wrangler or workerd behind: its signal handlers are in place before anything
// starts, an error at any step stops what was started, and wrangler's process group dies with
// this process even when it is killed outright (scripts/platform-guard.mjs).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { applyMigrations, ensurePortFree, generateSecrets, PortInUseError, readVarsFile, ROOT, startPlatform, stopAllPlatforms, writeVarsFile } from "./platform.mjs";
import { demoDashboard } from "./demo-dashboard.mjs";
import { startDemoDevices } from "./demo-devices.mjs";
import { DEMO, DEMO_PROFILE, seedFilePath, stateDir } from "./demo-tenant.mjs";

const DEV_VARS = join(ROOT, ".dev.vars");
// Where the local platform keeps its data; wrangler's own default unless SKYLARK_STATE_DIR says
// otherwise (the lifecycle tests give each run its own, so runs do not share a registry).
const STATE_DIR = stateDir();
const SEED_FILE = seedFilePath();
const PORT = Number(process.env.PORT ?? 8787);

let stopDevices = null;
let stopping = false;
/** Stops the demo devices and the platform (whatever of them has started) and exits with `code`. */
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await Promise.race([stopDevices?.(), new Promise((r) => setTimeout(r, 1_000))]);
  await stopAllPlatforms();
  process.exit(code);
}
process.on("SIGINT", () => shutdown(130));
process.on("SIGTERM", () => shutdown(143));
process.on("SIGHUP", () => shutdown(129));
// A parent that dies (a terminal closed, a supervising script killed with SIGKILL) sends no signal;
// its child is handed to another parent, so the parent pid changes. Polled rather than watching
// stdin: `npm run dev` keeps the terminal as its stdin, and a closed stdin says nothing in a script.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) {
    console.error(`\nThe process that started npm run dev (pid ${parentPid}) is gone: stopping the platform.`);
    shutdown(129);
  }
}, 500).unref();

function fail(message, err) {
  if (stopping) return; // an interrupted start-up fails on its way down: not worth a report
  console.error(message, err ?? "");
  shutdown(1);
}

if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65_535) {
  console.error(`PORT must be a TCP port number (1–65535), not '${process.env.PORT}'.`);
  process.exit(2);
}

let platform;
try {
  // Before anything else: a platform already on the port would answer the readiness probe.
  await ensurePortFree(PORT, "localhost");
  if (!existsSync(DEV_VARS)) {
    writeVarsFile(DEV_VARS, await generateSecrets());
    console.log("Generated .dev.vars (local JWT signing key and operator token; never committed).");
  }
  console.log("Applying D1 migrations to the local registry…");
  applyMigrations(STATE_DIR ? { persistTo: STATE_DIR } : {});
  console.log(`Starting the platform on port ${PORT}…`);
  platform = await startPlatform({ port: PORT, ip: "localhost", ...(STATE_DIR ? { persistTo: STATE_DIR } : {}) });
} catch (err) {
  if (err instanceof PortInUseError) {
    console.error(`\nPort ${PORT} is already in use: another program — perhaps an earlier npm run dev — is listening on it.`);
    console.error(`Stop that program, or choose another port: PORT=${PORT === 8787 ? 8788 : PORT + 1} npm run dev`);
    await shutdown(1);
  }
  fail("Starting the platform failed:", err);
  await new Promise(() => {}); // shutdown() exits
}
const secrets = readVarsFile(DEV_VARS);
platform.exited.then(({ code, signal }) => fail(`wrangler dev stopped unexpectedly (${code ?? signal}); stopping.`));

async function call(method, path, { token, body } = {}) {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function seed() {
  const existing = await fetch(`${platform.url}/api/v1/admin/tenants/${DEMO.tenant.id}`, { headers: { authorization: `Bearer ${secrets.OPERATOR_TOKEN}` } });
  if (existing.ok) {
    await declareVitals();
    if (existsSync(SEED_FILE)) return JSON.parse(readFileSync(SEED_FILE, "utf8"));
    // The registry has acme but the saved credentials are gone: rotate to show working ones.
    const { token } = await call("POST", "/api/v1/auth/login", { body: { email: DEMO.email, password: DEMO.password } });
    const devices = [];
    for (const id of ["thermo-1", "thermo-2", "gateway-1"]) devices.push((await call("POST", `/api/v1/devices/${id}/credentials/rotate`, { token })).credentials);
    return saveSeed(devices);
  }
  const { token } = (await call("POST", "/api/v1/auth/signup", { body: DEMO })).token;
  // Confirm the demo owner's address the way a person would: the link from the mail in the dev outbox.
  const [mail] = (await call("GET", `/api/v1/dev/outbox?to=${encodeURIComponent(DEMO.email)}&kind=email_verification`)).items;
  await call("POST", "/api/v1/auth/verify-email", { body: { token: new URL(mail.link).hash.slice("#token=".length) } });
  await call("POST", "/api/v1/device-profiles", { token, body: DEMO_PROFILE });
  const devices = [];
  devices.push((await call("POST", "/api/v1/devices", { token, body: { id: "thermo-1", name: "Cold room thermometer", tags: ["cold-room"], location: { lat: 52.37, lon: 4.89 }, firmwareVersion: "1.0.0" } })).credentials);
  devices.push((await call("POST", "/api/v1/devices", { token, body: { id: "thermo-2", name: "Warehouse thermometer", tags: ["warehouse"], firmwareVersion: "1.0.0" } })).credentials);
  devices.push((await call("POST", "/api/v1/devices", { token, body: { id: "gateway-1", name: "Yard gateway", type: "gateway", profileId: null } })).credentials);
  await call("POST", "/api/v1/devices", { token, body: { id: "soil-1", name: "Soil probe (via gateway-1)", parentId: "gateway-1" } });
  await call("POST", "/api/v1/assets", { token, body: { id: "truck-1", name: "Delivery truck 1", type: "truck" } });
  await call("POST", "/api/v1/assets/truck-1/sensors", { token, body: { id: "temp-1", type: "temperature", unit: "C", deviceId: "thermo-2" } });
  await call("POST", "/api/v1/dashboards", { token, body: demoDashboard });
  return saveSeed(devices);
}

/** Keeps the devices' credentials (shown once by the API) for the next start and for npm run simulate. */
function saveSeed(devices) {
  const seeded = { tenant: DEMO.tenant.id, devices };
  mkdirSync(dirname(SEED_FILE), { recursive: true });
  writeFileSync(SEED_FILE, JSON.stringify(seeded, null, 2), { mode: 0o600 });
  return seeded;
}

/**
 * A demo tenant seeded before the demo devices sent heartbeats has a profile without the vitals, so
 * each heartbeat would be refused as metric_not_allowed: the profile gains them. Best effort — an
 * owner who changed the demo password or the profile keeps what they chose.
 */
async function declareVitals() {
  try {
    const { token } = await call("POST", "/api/v1/auth/login", { body: { email: DEMO.email, password: DEMO.password } });
    const profile = await call("GET", `/api/v1/device-profiles/${DEMO_PROFILE.id}`, { token });
    const missing = Object.entries(DEMO_PROFILE.metrics).filter(([name]) => !(name in profile.metrics));
    // An empty map allows every metric already.
    if (missing.length === 0 || Object.keys(profile.metrics).length === 0) return;
    await call("PATCH", `/api/v1/device-profiles/${DEMO_PROFILE.id}`, { token, body: { metrics: { ...profile.metrics, ...Object.fromEntries(missing) } } });
    console.log(`The demo profile now declares the heartbeat vitals (${missing.map(([name]) => name).join(", ")}).`);
  } catch (err) {
    console.log(`The demo profile was left as it is (${err.message}): heartbeats may be refused as metric_not_allowed.`);
  }
}

try {
  console.log("Seeding the demo tenant…");
  const { devices } = await seed();
  if (stopping) await new Promise(() => {}); // interrupted while seeding: shutdown() exits
  const line = "─".repeat(72);
  console.log(`\n${line}\nSkylark is running at ${platform.url}\n`);
  console.log(`  Web UI / API docs   ${platform.url}/  ·  ${platform.url}/api/v1/docs`);
  console.log(`  Demo tenant         acme  (also http://acme.localhost:${PORT})`);
  console.log(`  Owner login         ${DEMO.email} / ${DEMO.password}`);
  console.log(`  Operator token      ${secrets.OPERATOR_TOKEN}  (in .dev.vars)`);
  console.log(`  Mail (verification, invitations) is printed here and kept at ${platform.url}/api/v1/dev/outbox`);
  console.log(`  MQTT over WebSocket ws://localhost:${PORT}/t/acme/mqtt`);
  console.log("  Device credentials (username = client id = device id):");
  for (const d of devices) console.log(`    ${d.username.padEnd(12)} password ${d.password}`);
  if (process.env.DEMO_DEVICES !== "0") {
    stopDevices = startDemoDevices(`ws://localhost:${PORT}/t/${DEMO.tenant.id}/mqtt`, DEMO.tenant.id, devices);
    console.log("  thermo-1 and thermo-2 are simulated: readings every 2 s, heartbeats every 30 s (DEMO_DEVICES=0 to stop them).");
  }
  console.log(`${line}\n`);
} catch (err) {
  fail("Seeding the demo tenant failed; stopping the platform:", err);
}
