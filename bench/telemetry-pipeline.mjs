// Telemetry pipeline benchmark (issue: telemetry pipeline).
//
//   npm run bench:telemetry        (starts the platform with wrangler dev, fresh state)
//
// DEVICES simulated devices publish with MQTT.js (QoS 1), each message carrying POINTS readings,
// for DURATION_MS. Reported: sustained points/s end to end (publish → stored and queryable, from
// the tenant's usage counter), freshness p50/p95 (a probe device's reading sent → visible in
// the latest-values API), and the queue's batch sizes (from the dev server's queue log).
import { api, mqttClient, percentile, platform, sleep, tenant } from "./platform-client.mjs";

const DEVICES = Number(process.env.DEVICES ?? 50);
const RATE = Number(process.env.RATE ?? 5); // messages/s per device
const POINTS = Number(process.env.POINTS ?? 20); // readings per message
const DURATION_MS = Number(process.env.DURATION_MS ?? 20_000);

const p = await platform({ logLevel: "info" });
const call = api(p.url);
try {
  const id = `bench-${Date.now().toString(36)}`;
  const token = await tenant(call, id, p.operatorToken, { plan: "enterprise" });
  const month = new Date().toISOString().slice(0, 7);
  const stored = async () => (await call("GET", `/api/v1/usage?month=${month}`, { token })).dataPointsStored;

  const clients = [];
  for (let i = 0; i < DEVICES + 1; i++) {
    const d = await call("POST", "/api/v1/devices", { token, body: { id: `sim-${i}` } });
    clients.push(await mqttClient(p.url, id, { clientId: `sim-${i}`, username: `sim-${i}`, password: d.credentials.password }));
  }
  const probe = clients.pop();
  const before = await stored();
  const started = Date.now();

  // Probe: one reading every 250 ms with a unique value; a poller watches the latest-values API.
  const sentAt = new Map();
  const freshness = [];
  let probing = true;
  const prober = (async () => {
    let n = 0;
    while (probing) {
      const value = ++n;
      sentAt.set(value, Date.now());
      probe.publish(`t/${id}/devices/${probe.options.clientId}/telemetry`, JSON.stringify({ ts: Date.now(), values: { probe: value } }), { qos: 1 });
      await sleep(250);
    }
  })();
  const poller = (async () => {
    let seen = 0;
    while (probing || seen < sentAt.size) {
      const latest = await call("GET", `/api/v1/devices/${probe.options.clientId}/telemetry/latest`, { token }).catch(() => null);
      const value = Number(latest?.values?.probe?.value ?? 0);
      for (let v = seen + 1; v <= value; v++) if (sentAt.has(v)) freshness.push(Date.now() - sentAt.get(v));
      seen = Math.max(seen, value);
      if (!probing && Date.now() - started > DURATION_MS + 10_000) break;
      await sleep(50);
    }
  })();

  // Load: every device publishes RATE messages/s of POINTS readings each.
  let published = 0;
  let acked = 0;
  const progress = setInterval(async () => {
    if (process.env.PROGRESS) console.error(JSON.stringify({ t: Date.now() - started, publishedMessages: published / POINTS, acked, stored: (await stored()) - before }));
  }, 2000);
  await Promise.all(
    clients.map(async (c, i) => {
      await sleep((i * 1000) / RATE / DEVICES);
      const start = Date.now();
      let n = 0;
      while (Date.now() - start < DURATION_MS) {
        const ts = Date.now();
        const readings = Array.from({ length: POINTS }, (_, k) => ({ ts: ts - k, values: { v: k } }));
        c.publish(`t/${id}/devices/${c.options.clientId}/telemetry`, JSON.stringify(readings), { qos: 1 }, () => acked++);
        published += POINTS;
        n++;
        await sleep(Math.max(0, start + (n * 1000) / RATE - Date.now()));
      }
    }),
  );
  const loadSeconds = (Date.now() - started) / 1000;
  probing = false;
  await prober;
  // Wait until every published point is stored (or the pipeline stops making progress).
  const expected = published + sentAt.size;
  let now = await stored();
  let last = -1;
  let stalled = 0;
  while (now - before < expected && stalled < 10) {
    await sleep(250);
    last = now;
    now = await stored();
    stalled = now === last ? stalled + 1 : 0;
  }
  const drainSeconds = (Date.now() - started) / 1000;
  clearInterval(progress);
  await poller;
  if (process.env.DUMP_LOG) (await import("node:fs")).writeFileSync(process.env.DUMP_LOG, p.output());
  const batches = [...p.output().matchAll(/QUEUE skylark-telemetry (\d+)\/(\d+)/g)].map((m) => Number(m[1]));
  const sortedFresh = [...freshness].sort((a, b) => a - b);
  const sortedBatches = [...batches].sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        devices: DEVICES,
        messagesPerSecondPerDevice: RATE,
        pointsPerMessage: POINTS,
        offeredPointsPerSecond: Math.round(published / loadSeconds),
        storedPoints: now - before,
        publishedPoints: expected,
        sustainedPointsPerSecond: Math.round((now - before) / drainSeconds),
        loadSeconds,
        drainSeconds,
        freshnessMs: { samples: sortedFresh.length, p50: percentile(sortedFresh, 50), p95: percentile(sortedFresh, 95), max: sortedFresh.at(-1) },
        queueBatches: { count: batches.length, p50: percentile(sortedBatches, 50), max: sortedBatches.at(-1), mean: Math.round((batches.reduce((a, b) => a + b, 0) / Math.max(1, batches.length)) * 10) / 10 },
      },
      null,
      2,
    ),
  );
  for (const c of [...clients, probe]) c.end(true);
} finally {
  await p.stop();
}
