// What one WebSocket frame costs the runtime, by the way the socket was accepted:
//
//   npm run bench:ws-frame-cost          (FRAMES=50000 by default)
//
// Starts bench/ws-frame-cost/ with wrangler dev, writes FRAMES small binary frames (30 bytes)
// in one burst on one socket, and times until the receiver has counted them all. The burst is
// written by hand (pre-built masked frames) so the sender is never what is measured. The
// Hibernation API delivers each frame as an event of its own; accept() hands it to a listener.
// This is why the MQTT edge relays device sockets (workers/edge/mqtt-relay.ts).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FRAMES = Number(process.env.FRAMES ?? 50_000);
const PORT = Number(process.env.PORT ?? 8797);
const NODE22 = join(ROOT, "node_modules/node/bin/node");

const wrangler = spawn(NODE22, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "dev", "--port", String(PORT), "--ip", "127.0.0.1"], {
  cwd: join(ROOT, "bench/ws-frame-cost"),
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true,
});
const stop = () => {
  try {
    process.kill(-wrangler.pid, "SIGTERM");
  } catch {}
};
process.on("exit", stop);
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("wrangler dev did not start in 60 s")), 60_000);
  let output = "";
  const ready = (d) => {
    output += String(d);
    if (/Ready on/.test(output)) (clearTimeout(timer), resolve());
  };
  wrangler.stdout.on("data", ready);
  wrangler.stderr.on("data", ready);
  wrangler.on("exit", (code) => reject(new Error(`wrangler dev exited (${code}):\n${output}`)));
});

async function measure(mode) {
  const run = `${mode}-${Date.now()}`;
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}/?mode=${mode}&run=${run}`);
  await new Promise((resolve, reject) => (ws.on("open", resolve), ws.on("error", reject)));
  const countUrl = `http://127.0.0.1:${PORT}/count?mode=${mode === "worker" ? "worker" : "count"}&run=${run}`;
  const before = Number(await (await fetch(countUrl)).text());
  // Client frames must be masked; a zero mask is a valid one.
  const frame = Buffer.concat([Buffer.from([0x82, 0x80 | 30, 0, 0, 0, 0]), Buffer.alloc(30, 7)]);
  const started = performance.now();
  ws._socket.write(Buffer.concat(Array.from({ length: FRAMES }, () => frame)));
  let counted = 0;
  while (counted < FRAMES && performance.now() - started < 300_000) {
    await new Promise((r) => setTimeout(r, 50));
    counted = Number(await (await fetch(countUrl)).text()) - before;
  }
  const ms = performance.now() - started;
  ws.terminate();
  return { mode, frames: counted, ms: Math.round(ms), usPerFrame: ((ms * 1000) / counted).toFixed(1) };
}

const results = [];
for (const mode of ["worker", "object", "hibernation"]) results.push(await measure(mode));
console.log(`${FRAMES} frames of 30 bytes, written in one burst (wrangler dev, this machine):`);
console.table(results);
stop();
process.exit(0);
