// `npm run simulate`: drives the demo tenant's thermometers against a running `npm run dev`, so the
// console, dashboards and fleet health have live data without writing code. Readings every 2 s,
// heartbeats (uptime, battery, rssi) every 10 s, and now and then a reading outside the demo
// profile's range, which the platform rejects (Telemetry → rejected messages).
//
// It reads the device credentials `npm run dev` saved when it seeded the tenant, and takes the
// devices over from `npm run dev`'s own simulation (which steps back rather than fight for them).
//
// Environment: SKYLARK_URL (default http://localhost:$PORT, PORT default 8787), SKYLARK_STATE_DIR
// (as given to npm run dev), SIMULATE_INTERVAL_MS (2000), SIMULATE_HEARTBEAT_MS (10000),
// SIMULATE_OUT_OF_RANGE (share of readings out of range, 0–1, default 0.02).
import { existsSync, readFileSync } from "node:fs";
import { DEMO_CLIMATES, startDemoDevices } from "./demo-devices.mjs";
import { DEMO, seedFilePath } from "./demo-tenant.mjs";

function fail(message) {
  console.error(message);
  process.exit(1);
}

function numberFromEnv(name, fallback, { min, max }) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) fail(`${name} must be a number from ${min} to ${max}, not '${raw}'.`);
  return value;
}

const base = (process.env.SKYLARK_URL ?? `http://localhost:${process.env.PORT ?? 8787}`).replace(/\/+$/, "");
const intervalMs = numberFromEnv("SIMULATE_INTERVAL_MS", 2_000, { min: 100, max: 3_600_000 });
const heartbeatMs = numberFromEnv("SIMULATE_HEARTBEAT_MS", 10_000, { min: 100, max: 3_600_000 });
const outOfRangeRate = numberFromEnv("SIMULATE_OUT_OF_RANGE", 0.02, { min: 0, max: 1 });

try {
  const res = await fetch(`${base}/healthz`);
  if (!res.ok) throw new Error(`/healthz answered ${res.status}`);
} catch (err) {
  fail(`No Skylark platform answers at ${base} (${err.cause?.code ?? err.message}). Start one with npm run dev, or set SKYLARK_URL.`);
}

const seedFile = seedFilePath();
if (!existsSync(seedFile)) fail(`No demo device credentials at ${seedFile}: npm run dev saves them when it seeds the demo tenant; start it first.`);
const seed = JSON.parse(readFileSync(seedFile, "utf8"));
const tenant = seed.tenant ?? DEMO.tenant.id;
const devices = (seed.devices ?? []).filter((d) => d.username in DEMO_CLIMATES);
if (devices.length === 0) fail(`${seedFile} holds no credentials of the simulated devices (${Object.keys(DEMO_CLIMATES).join(", ")}).`);

const mqttUrl = `${base.replace(/^http/, "ws")}/t/${tenant}/mqtt`;
let active = devices.length;
const stop = startDemoDevices(mqttUrl, tenant, devices, {
  intervalMs,
  heartbeatMs,
  outOfRangeRate,
  onConnect: (id) => console.log(`${id} connected to ${mqttUrl}`),
  onTakenOver: (id) => {
    console.log(`${id}: another client connected as ${id}; this simulator stops driving it.`);
    if (--active === 0) fail("Every simulated device was taken over by another client: nothing left to drive.");
  },
});
console.log(`Simulating ${devices.map((d) => d.username).join(", ")} of tenant ${tenant}: readings every ${intervalMs} ms, heartbeats every ${heartbeatMs} ms, ${Math.round(outOfRangeRate * 100)}% of readings out of range. Ctrl-C stops.`);

const shutdown = async () => {
  await Promise.race([stop(), new Promise((r) => setTimeout(r, 2_000))]);
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
