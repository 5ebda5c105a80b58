// What connections cost workerd's memory, apart from any traffic: starts the platform, then opens
// WebSocket upgrades to a tenant's /mqtt 20 at a time and closes each as soon as it is open (no
// MQTT CONNECT), 1 000 per phase, printing the workerd processes' RSS before, right after and 10 s
// after each phase, and the isolate's JavaScript heap (inspector: Runtime.getHeapUsage); then the
// same from an address the edge has cooled down (429s while the 2 s cool-down lasts, upgrades
// again after it). RSS growing while the JS heap does not is memory the runtime itself holds.
//
//   npm run bench:connection-memory
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import WebSocket from "ws";

/** The JavaScript heap of each isolate, through wrangler dev's inspector: what the code holds, apart from the runtime. */
async function heap(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const out = [];
  for (const t of targets) {
    const ws = new WebSocket(t.webSocketDebuggerUrl);
    await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
    const res = await new Promise((r) => {
      ws.on("message", (d) => {
        const m = JSON.parse(d);
        if (m.id === 1) r(m.result);
      });
      ws.send(JSON.stringify({ id: 1, method: "Runtime.getHeapUsage" }));
    });
    ws.close();
    out.push(`${t.title?.slice(0, 20)}: used ${Math.round(res.usedSize / 1e6)} MB of ${Math.round(res.totalSize / 1e6)} MB`);
  }
  return out.join("; ");
}
import { api, platform, sleep, tenant } from "./platform-client.mjs";

const p = await platform();
const call = api(p.url);
const id = `memprobe${Date.now().toString(36)}`.slice(0, 30);
await tenant(call, id, p.operatorToken);
const wsUrl = `${p.url.replace(/^http/, "ws")}/t/${id}/mqtt`;

function tree(pid) {
  const kids = execSync(`ps -o pid= --ppid ${pid} || true`).toString().split(/\s+/).filter(Boolean).map(Number);
  return [pid, ...kids.flatMap(tree)];
}
function rss() {
  let sum = 0;
  for (const pid of tree(p.pid)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      if (!/Name:\s+workerd/.test(status)) continue;
      sum += Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
    } catch {}
  }
  return Math.round(sum);
}
function attempt(headers) {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, "mqtt", { headers });
    ws.on("open", () => {
      ws.close();
      resolve(101);
    });
    ws.on("unexpected-response", (_req, res) => {
      res.resume();
      resolve(res.statusCode);
    });
    ws.on("error", () => resolve(0));
  });
}
async function phase(name, n, headers) {
  const before = rss();
  const statuses = {};
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, n - i) }, () => attempt(headers)));
    for (const s of batch) statuses[s] = (statuses[s] ?? 0) + 1;
  }
  const after = rss();
  await sleep(10_000);
  console.log(`${name}: ${JSON.stringify(statuses)}; workerd RSS ${before} → ${after} → ${rss()} MB (10 s later); JS heap ${await heap(p.inspectorPort)}`);
}
await sleep(3000);
console.log(`start: ${rss()} MB; JS heap ${await heap(p.inspectorPort)}`);
await phase("accepted and closed at once (no CONNECT)", 1000, {});
await phase("accepted and closed at once, again", 1000, {});
// Cool the address down: 10 failed CONNECT authentications.
const address = "198.51.100.77";
for (let i = 0; i < 10; i++) {
  await new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, "mqtt", { headers: { "cf-connecting-ip": address } });
    ws.on("open", () => {
      // MQTT 5 CONNECT, client id "x", username "x", password "bad"
      const body = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0xc2, 0x00, 0x3c, 0x00, 0x00, 0x01, 0x78, 0x00, 0x01, 0x78, 0x00, 0x03, 0x62, 0x61, 0x64]);
      ws.send(Buffer.concat([Buffer.from([0x10, body.length]), body]));
    });
    ws.on("message", () => {
      ws.close();
      resolve();
    });
    ws.on("close", resolve);
    ws.on("error", resolve);
  });
}
await sleep(1000);
await phase("refused at the upgrade (cooled address)", 1000, { "cf-connecting-ip": address });
await phase("refused at the upgrade, again", 1000, { "cf-connecting-ip": address });
await p.stop();
process.exit(0);
