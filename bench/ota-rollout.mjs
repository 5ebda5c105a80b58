// npm run bench:ota — a firmware rollout to 5 000 simulated devices on a local platform
// (or SKYLARK_URL + SKYLARK_OPERATOR_TOKEN): phases 1 % → 10 % → 50 % → 100 %, printing the wall
// time of each wave and the platform's CPU (workerd's process tree, from /proc) while it ran.
//
// Devices are the reference client (examples/ota-device.mjs) over MQTT.js, simulated in batches:
// a device connects once the platform has notified it (its notice is retained, so connecting
// late is what a device that was connected all along would see), downloads, verifies, installs,
// reboots, confirms, and disconnects. At most OTA_BENCH_CONNECTIONS devices are connected at once.
// The rollout's maxConcurrent is that same number, so the platform never notifies more devices
// than the simulation hosts (a notified device that is not connected would time out). Because finished devices leave, the health gate's offline comparison is switched off
// (marginPercent 100); the failure-rate gate stays on.
//
// OTA_BENCH_DEVICES (5000), OTA_BENCH_CONNECTIONS (200), OTA_BENCH_IMAGE_BYTES (65536).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDevice } from "../examples/ota-device.mjs";
import { api, platform, sleep, tenant } from "./platform-client.mjs";
import { measureCpu } from "./process-cpu.mjs";

const DEVICES = Number(process.env.OTA_BENCH_DEVICES ?? 5000);
const CONNECTIONS = Number(process.env.OTA_BENCH_CONNECTIONS ?? 200);
const IMAGE_BYTES = Number(process.env.OTA_BENCH_IMAGE_BYTES ?? 65_536);
const PHASES = [1, 10, 50, 100];
/** No change in the rollout for this long ends the run as stalled (its figures so far are printed). */
const STALL_MS = 180_000;

const p = await platform();
const call = api(p.url);
const stateDir = mkdtempSync(join(tmpdir(), "skylark-ota-bench-"));
const seconds = (ms) => (ms / 1000).toFixed(1);

try {
  const tenantId = `ota-bench-${Date.now().toString(36)}`;
  const token = await tenant(call, tenantId, p.operatorToken, { plan: "enterprise" });
  for (const [id, version, seed] of [
    ["fw-100", "1.0.0", 7],
    ["fw-110", "1.1.0", 13],
  ]) {
    await call("POST", "/api/v1/firmware", { token, body: { id, title: `image ${version}`, version } });
    const res = await fetch(`${p.url}/api/v1/firmware/${id}/artifact`, { method: "PUT", headers: { authorization: `Bearer ${token}` }, body: Uint8Array.from({ length: IMAGE_BYTES }, (_, i) => (i * seed + 3) % 251) });
    if (!res.ok) throw new Error(`upload ${id}: ${res.status} ${await res.text()}`);
  }

  const secrets = new Map();
  const registering = Date.now();
  const ids = Array.from({ length: DEVICES }, (_, i) => `meter-${String(i).padStart(5, "0")}`);
  for (let i = 0; i < ids.length; i += 25) {
    await Promise.all(ids.slice(i, i + 25).map(async (id) => secrets.set(id, (await call("POST", "/api/v1/devices", { token, body: { id, firmwareVersion: "1.0.0" } })).credentials.password)));
  }
  console.log(`registered ${DEVICES} devices in ${seconds(Date.now() - registering)} s`);

  const cpu = measureCpu(p.pid);
  const clientCpu = process.cpuUsage();
  const started = Date.now();
  const strategy = {
    kind: "phases",
    phases: PHASES.map((percent) => ({ percent, waitMinutes: 0 })),
    maxConcurrent: CONNECTIONS,
    updateTimeoutMinutes: 1,
    retries: 1,
    gate: { soakMinutes: 0, marginPercent: 100, abortThresholdPercent: 5, minExecuted: 20, minCohort: 5 },
  };
  await call("POST", "/api/v1/rollouts", { token, body: { id: "bench", firmwareId: "fw-110", target: { all: true }, strategy } });

  const launched = new Set();
  const active = new Set();
  let connected = 0;
  let finished = 0;
  const launch = async (id) => {
    connected++;
    try {
      const device = await runDevice({ url: p.url, tenant: tenantId, deviceId: id, secret: secrets.get(id), version: "1.0.0", stateDir });
      active.add(device);
      await device.done("bench");
      active.delete(device);
      // Reports are flushed before the connection closes (a graceful disconnect).
      await device.stop();
      finished++;
    } catch (err) {
      launched.delete(id); // tried again at the next look
      console.error(`${id}: ${err.message}`);
    } finally {
      connected--;
    }
  };
  const notifiedIds = async () => {
    const out = [];
    let cursor;
    do {
      const page = await call("GET", `/api/v1/rollouts/bench/devices?state=notified&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token });
      out.push(...page.items.map((e) => e.deviceId));
      cursor = page.nextCursor;
    } while (cursor && out.length < CONNECTIONS * 2);
    return out;
  };

  const waves = PHASES.map(() => ({ start: null, done: null, devices: 0 }));
  let last = "";
  let lastChange = Date.now();
  let r;
  for (;;) {
    r = await call("GET", "/api/v1/rollouts/bench", { token });
    const now = Date.now();
    for (const w of r.waveCounts) {
      const wave = waves[w.wave];
      wave.devices = w.devices;
      if (wave.start === null && w.counts.pending < w.devices) wave.start = now;
      const terminal = w.counts.succeeded + w.counts.failed + w.counts.timed_out + w.counts.rejected + w.counts.rolled_back + w.counts.canceled;
      if (wave.done === null && terminal === w.devices) wave.done = now;
    }
    const key = JSON.stringify([r.status, r.wave, r.counts]);
    if (key !== last) [last, lastChange] = [key, now];
    if (r.status !== "running") break;
    if (now - lastChange > STALL_MS) {
      console.log(`STALLED: no change for ${seconds(STALL_MS)} s`);
      break;
    }
    for (const id of await notifiedIds()) {
      if (connected >= CONNECTIONS) break;
      if (launched.has(id)) continue;
      launched.add(id);
      void launch(id);
    }
    await sleep(1000);
  }
  const wall = Date.now() - started;
  const cpuPercent = cpu.stop();
  const client = process.cpuUsage(clientCpu);
  // A paused or stalled run leaves devices mid-update; they stop before the platform does.
  await Promise.all([...active].map((d) => d.stop()));

  console.log(`\nrollout to ${DEVICES} devices (${IMAGE_BYTES} B image, phases ${PHASES.join(" → ")} %, at most ${CONNECTIONS} devices connected at once): ${r.status} in ${seconds(wall)} s`);
  console.log(`counts: ${JSON.stringify(Object.fromEntries(Object.entries(r.counts).filter(([, n]) => n > 0)))}`);
  waves.forEach((w, i) =>
    console.log(
      `wave ${i + 1} (${PHASES[i]} %, ${w.devices} devices): started at +${w.start === null ? "-" : seconds(w.start - started)} s, done at +${w.done === null ? "-" : seconds(w.done - started)} s, took ${w.start !== null && w.done !== null ? seconds(w.done - w.start) : "-"} s`,
    ),
  );
  if (cpuPercent !== null) console.log(`platform CPU (workerd + wrangler tree): ${cpuPercent} % of one core on average, ${seconds((cpuPercent * wall) / 100)} CPU-s`);
  console.log(`simulated devices' CPU (this process): ${seconds((client.user + client.system) / 1000)} CPU-s; devices that finished here: ${finished}`);
} finally {
  await p.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
