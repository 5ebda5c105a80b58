// npm run bench:broker — what one tenant hub carries on this machine, by client, against the
// runtime's floor and other brokers:
//   1. frames per PUBLISH sent by MQTT.js (default WebSocket stream), the SDK (sdk/) and a raw client;
//   2. the floor: WebSocket frames/s one hibernatable Durable Object receives (bench/ws-frame-cost.mjs);
//   3. Skylark (wrangler dev, fresh state): QoS 0 and QoS 1 1→1 and QoS 0 fan-out 1→10, closed
//      loop (one message per turn, a bounded window), per client kind: deliveries/s, latency
//      p50/p99, CPU of the platform's process tree per delivery;
//   4. the same on Aedes (devDependency) and Mosquitto (when `mosquitto` is on the PATH; skipped
//      with a note otherwise).
// Everything — clients, wrangler, workerd, brokers — runs on this machine: figures are relative,
// and noisy when other work shares the CPU. SECONDS (default 5) per measured run.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api, platform, tenant } from "../platform-client.mjs";
import { freePort, ROOT } from "../../scripts/platform.mjs";
import { KINDS, loadTypeScriptHelpers } from "./clients.mjs";
import { closedLoop, framesPerPublish } from "./scenarios.mjs";

const SECONDS = Number(process.env.SECONDS ?? 5);
const NODE22 = join(ROOT, "node_modules/node/bin/node");
const notes = [];
const children = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGTERM")));

const { sdk, proxy: proxyModule } = await loadTypeScriptHelpers();

// ---- the floor ----
const floorRun = spawnSync(NODE22, [join(ROOT, "bench/ws-frame-cost.mjs")], { env: { ...process.env, FRAMES: "20000", PORT: String(await freePort()) }, encoding: "utf8", timeout: 600_000 });
const floorLine = floorRun.stdout.split("\n").find((l) => l.includes("'hibernation'"));
const floorUs = floorLine
  ? Number(
      floorLine
        .split("│")
        .map((c) => c.trim())
        .filter(Boolean)
        .at(-1)
        ?.replace(/'/g, ""),
    )
  : NaN;
const floorFramesPerSecond = Number.isFinite(floorUs) ? Math.round(1e6 / floorUs) : null;
if (!floorFramesPerSecond) notes.push(`echo floor not measured: ${floorRun.stderr.slice(-300)}`);

// ---- Skylark ----
const p = await platform();
const call = api(p.url);
const tenantId = `bbench${Date.now().toString(36)}`.slice(0, 20);
const token = await tenant(call, tenantId, p.operatorToken, { plan: "enterprise", limits: { messagesPerSecond: 1_000_000, messagesPerSecondPerDevice: 1_000_000, dataPointsPerSecond: 1_000_000 } });
const wsOrigin = p.url.replace(/^http/, "ws");
const skylarkUrl = `${wsOrigin}/t/${tenantId}/mqtt`;
let seq = 0;
const app = () => ({ clientId: `bench-${seq++}`, username: "api", password: token });

const proxy = await proxyModule.startFrameProxy(wsOrigin);
const frames = [];
for (const kind of KINDS) {
  const row = { client: kind };
  for (const qos of [0, 1]) {
    const label = `QoS ${qos} frames/PUBLISH`;
    row[label] = await bounded(framesPerPublish({ kind, url: `${proxy.origin}/t/${tenantId}/mqtt`, auth: app(), qos, proxy, sdk, topic: `t/${tenantId}/bench/frames` }), `${kind} ${label}`).catch((err) => (notes.push(err.message), null));
  }
  frames.push(row);
}
await proxy.close();

/** A scenario that stalls (wrangler dev reloads the Worker when files in the tree change, dropping its sockets) is noted, not waited for. */
function bounded(promise, what, ms = 120_000) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const results = [];
async function matrix(broker, url, cpuPid, kinds, authFor) {
  for (const kind of kinds) {
    for (const [label, qos, subscribers] of [
      ["QoS 0 1→1", 0, 1],
      ["QoS 1 1→1", 1, 1],
      ["QoS 0 1→10", 0, 10],
    ]) {
      const topic = broker === "skylark" ? `t/${tenantId}/bench/${kind}/${qos}/${subscribers}` : `bench/${kind}/${qos}/${subscribers}`;
      try {
        const r = await bounded(closedLoop({ kind, url, publisherAuth: authFor(), subscriberAuth: () => authFor(), qos, subscribers, seconds: SECONDS, topic, sdk, cpuPid }), `${broker} ${kind} ${label}`);
        results.push({ broker, client: kind, workload: label, ...r });
      } catch (err) {
        notes.push(`${broker} ${kind} ${label} failed: ${err.message}`);
      }
    }
  }
}
await matrix("skylark", skylarkUrl, p.pid, KINDS, app);
await p.stop();

// ---- Aedes ----
let aedesInstalled = true;
try {
  await import("aedes");
} catch {
  aedesInstalled = false;
  notes.push("Aedes skipped: the aedes package is not installed (npm install).");
}
if (aedesInstalled) {
  const server = spawn(NODE22, [join(ROOT, "bench/broker/aedes-server.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(server);
  const port = await new Promise((resolve, reject) => {
    server.stdout.on("data", (d) => {
      const m = /listening (\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    });
    server.on("exit", (code) => reject(new Error(`aedes exited (${code})`)));
  });
  // Aedes speaks MQTT 3.1.1 (and 3.1) only.
  await matrix("aedes", `ws://127.0.0.1:${port}/`, server.pid, ["default", "sdk"], () => ({ clientId: `bench-${seq++}`, protocolVersion: 4 }));
  server.kill("SIGTERM");
}

// ---- Mosquitto ----
if (spawnSync("sh", ["-c", "command -v mosquitto"]).status === 0) {
  const port = await freePort();
  const conf = join(mkdtempSync(join(tmpdir(), "skylark-mosquitto-")), "mosquitto.conf");
  writeFileSync(conf, `listener ${port} 127.0.0.1\nprotocol websockets\nallow_anonymous true\n`);
  const server = spawn("mosquitto", ["-c", conf], { stdio: "ignore" });
  children.push(server);
  await new Promise((r) => setTimeout(r, 1000));
  await matrix("mosquitto", `ws://127.0.0.1:${port}/`, server.pid, ["default", "sdk"], () => ({ clientId: `bench-${seq++}` }));
  server.kill("SIGTERM");
} else {
  notes.push("Mosquitto skipped: no mosquitto on the PATH (e.g. apt-get install mosquitto).");
}

console.log(`\nFrames a client sends per PUBLISH (one message per turn, counted by a proxy):`);
console.table(frames);
console.log(`\nThe floor: one hibernatable Durable Object receives ${floorFramesPerSecond ?? "?"} WebSocket frames/s (${Number.isFinite(floorUs) ? floorUs : "?"} µs per frame; bench/ws-frame-cost.mjs, 20 000 frames).`);
console.log(`\nClosed loop, ${SECONDS} s measured after 1 s of warm-up, 64-byte payloads, one message per turn:`);
console.table(results.map((r) => ({ ...r, ...(floorFramesPerSecond && r.broker === "skylark" && r.workload.endsWith("1→1") ? { "% of floor": Math.round((r["deliveries/s"] / floorFramesPerSecond) * 100) } : {}) })));
for (const n of notes) console.log(`note: ${n}`);
process.exit(0);
