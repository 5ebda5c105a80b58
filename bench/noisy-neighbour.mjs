// Noisy-neighbour benchmark (issue: plans, quotas and rate limits).
//
//   npm run bench:noisy            (starts the platform with wrangler dev, fresh state)
//
// Tenant B publishes at a steady rate and we measure its publish → subscriber latency (p50/p99);
// then tenant A floods at 10× its plan's message rate and we measure B again, and how much of
// A's excess was refused. Everything runs on this machine: the load generator, the MQTT clients
// and workerd share its cores, which the figures include.
import { spawn } from "node:child_process";
import { api, mqttClient, percentile, platform, sleep, tenant } from "./platform-client.mjs";

const PHASE_MS = Number(process.env.PHASE_MS ?? 10_000);
const B_RATE = Number(process.env.B_RATE ?? 50); // msg/s, within B's plan
const A_LIMIT = 100; // starter plan: 100 msg/s per tenant
const A_DEVICES = 10;

const p = await platform();
const call = api(p.url);
try {
  const stamp = Date.now().toString(36);
  const [a, b] = [`noisy-${stamp}`, `quiet-${stamp}`];
  const aToken = await tenant(call, a, p.operatorToken, { limits: { messagesPerSecondPerDevice: 1000 } });
  const bToken = await tenant(call, b, p.operatorToken, { plan: "professional" });

  // Tenant B: one device publishing, one application subscribing.
  const bDev = await call("POST", "/api/v1/devices", { token: bToken, body: { id: "meter" } });
  const bPub = await mqttClient(p.url, b, { clientId: "meter", username: "meter", password: bDev.credentials.password });
  const bSub = await mqttClient(p.url, b, { clientId: "watch", username: "api", password: bToken });
  await bSub.subscribeAsync(`t/${b}/devices/meter/events`, { qos: 0 });
  let latencies = [];
  bSub.on("message", (_topic, payload) => latencies.push(Date.now() - Number(payload.toString())));

  const runB = async () => {
    latencies = [];
    const end = Date.now() + PHASE_MS;
    let sent = 0;
    const start = Date.now();
    while (Date.now() < end) {
      bPub.publish(`t/${b}/devices/meter/events`, String(Date.now()), { qos: 0 });
      sent++;
      const due = start + (sent * 1000) / B_RATE;
      await sleep(Math.max(0, due - Date.now()));
    }
    await sleep(500);
    const sorted = [...latencies].sort((x, y) => x - y);
    return { sent, received: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };

  const baseline = await runB();

  // Tenant A: devices flooding at 10x the tenant's message rate with QoS 1 (so refusals are
  // visible), from a separate process.
  const creds = [];
  for (let i = 0; i < A_DEVICES; i++) {
    const d = await call("POST", "/api/v1/devices", { token: aToken, body: { id: `flood-${i}` } });
    creds.push(`flood-${i}:${d.credentials.password}`);
  }
  const floodDone = new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL("./flood-worker.mjs", import.meta.url).pathname, p.url, a, String(A_LIMIT * 10), String(PHASE_MS + 2000), ...creds], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`flood worker exited ${code}`))));
  });
  await sleep(1000);
  const underFlood = await runB();
  const floodResult = await floodDone;
  const afterFlood = await runB();

  const seconds = PHASE_MS / 1000;
  const result = {
    phaseSeconds: seconds,
    tenantB: { rate: B_RATE, baseline, underFlood, afterFlood, p99ChangePercent: Math.round(((underFlood.p99 - baseline.p99) / baseline.p99) * 1000) / 10 },
    tenantA: { planLimit: A_LIMIT, offeredPerSecond: Math.round(floodResult.offered / floodResult.seconds), acceptedPerSecond: Math.round(floodResult.accepted / floodResult.seconds), refusedPerSecond: Math.round(floodResult.refused / floodResult.seconds), ...floodResult },
  };
  console.log(JSON.stringify(result, null, 2));
  for (const c of [bPub, bSub]) c.end(true);
} finally {
  await p.stop();
}
