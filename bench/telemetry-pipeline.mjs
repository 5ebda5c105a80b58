// Telemetry pipeline benchmark (issue: telemetry pipeline).
//
//   npm run bench:telemetry        (starts the platform with wrangler dev, fresh state)
//
// DEVICES simulated devices publish with MQTT.js (QoS 1), each message carrying POINTS readings.
// The load runs WARMUP_MS first (fresh isolates, Durable Objects created, JIT cold: reported
// apart as `warmup`), then DURATION_MS measured. Reported for the measured window: sustained
// points/s end to end (publish → stored and queryable, from the tenant's usage counter, until
// the pipeline has drained), freshness p50/p95 (a probe device's reading sent → visible in the
// latest-values API), the latest-values request's own round trip, and the queue's batch sizes.
// PROFILE=file: a CPU profile of the Worker's isolate over the first 10 s of the measured window.
// ALARM_RULES=20: the simulated devices share a profile with that many alarm rules on their metric
// (above, below, range, equals, changed, anomaly, silence in turn), evaluated in the hot store.
import { profileWorker } from "./cpu-profile.mjs";
import { api, mqttClient, percentile, platform, sleep, tenant } from "./platform-client.mjs";

const DEVICES = Number(process.env.DEVICES ?? 55);
const RATE = Number(process.env.RATE ?? 5); // messages/s per device
const POINTS = Number(process.env.POINTS ?? 20); // readings per message
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 5_000);
const DURATION_MS = Number(process.env.DURATION_MS ?? 30_000);
const ALARM_RULES = Number(process.env.ALARM_RULES ?? 0);
const ALARM_CONDITIONS = [
  { type: "above", metric: "v", value: 1e9 },
  { type: "below", metric: "v", value: -1e9 },
  { type: "range", metric: "v", min: -1e9, max: 1e9 },
  { type: "equals", metric: "v", value: -1 },
  { type: "changed", metric: "v" },
  { type: "anomaly", metric: "v" },
  { type: "silence", afterSeconds: 600 },
];

const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { samples: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) };
};

const p = await platform({ logLevel: "info" });
const call = api(p.url);
try {
  const id = `bench-${Date.now().toString(36)}`;
  const token = await tenant(call, id, p.operatorToken, { plan: "enterprise" });
  const month = new Date().toISOString().slice(0, 7);
  const stored = async () => (await call("GET", `/api/v1/usage?month=${month}`, { token })).dataPointsStored;

  const clients = [];
  if (ALARM_RULES > 0) {
    await call("POST", "/api/v1/device-profiles", { token, body: { id: "sim" } });
    for (let r = 0; r < ALARM_RULES; r++) {
      await call("POST", "/api/v1/alarm-rules", { token, body: { name: `rule ${r}`, scope: { kind: "profile", profileId: "sim" }, condition: ALARM_CONDITIONS[r % ALARM_CONDITIONS.length], raiseAfter: 3 } });
    }
  }
  for (let i = 0; i < DEVICES + 1; i++) {
    const d = await call("POST", "/api/v1/devices", { token, body: { id: `sim-${i}`, ...(ALARM_RULES > 0 ? { profileId: "sim" } : {}) } });
    clients.push(await mqttClient(p.url, id, { clientId: `sim-${i}`, username: `sim-${i}`, password: d.credentials.password }));
  }
  const probe = clients.pop();
  const started = Date.now();
  const measuredFrom = started + WARMUP_MS;
  const loadEnds = measuredFrom + DURATION_MS;

  // Probe: one reading every 250 ms with a unique value; a poller watches the latest-values API.
  const sentAt = new Map();
  const freshness = { warmup: [], measured: [] };
  const pollMs = [];
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
      const asked = Date.now();
      const latest = await call("GET", `/api/v1/devices/${probe.options.clientId}/telemetry/latest`, { token }).catch(() => null);
      if (asked >= measuredFrom) pollMs.push(Date.now() - asked);
      const value = Number(latest?.values?.probe?.value ?? 0);
      for (let v = seen + 1; v <= value; v++) {
        const sent = sentAt.get(v);
        if (sent !== undefined) freshness[sent >= measuredFrom ? "measured" : "warmup"].push(Date.now() - sent);
      }
      seen = Math.max(seen, value);
      if (!probing && Date.now() > loadEnds + 10_000) break;
      await sleep(50);
    }
  })();

  // Load: every device publishes RATE messages/s of POINTS readings each.
  let published = 0;
  let acked = 0;
  let storedAtStart = null;
  let publishedAtStart = 0;
  const windowOpens = (async () => {
    await sleep(measuredFrom - Date.now());
    [storedAtStart, publishedAtStart] = [await stored(), published];
  })();
  const profiled = process.env.PROFILE ? sleep(WARMUP_MS).then(() => profileWorker(p.inspectorPort, 10, process.env.PROFILE)) : null;
  const progress = setInterval(async () => {
    if (process.env.PROGRESS) console.error(JSON.stringify({ t: Date.now() - started, publishedMessages: published / POINTS, acked, stored: await stored() }));
  }, 2000);
  await Promise.all(
    clients.map(async (c, i) => {
      await sleep((i * 1000) / RATE / DEVICES);
      const start = Date.now();
      let n = 0;
      while (Date.now() < loadEnds) {
        const ts = Date.now();
        const readings = Array.from({ length: POINTS }, (_, k) => ({ ts: ts - k, values: { v: k } }));
        c.publish(`t/${id}/devices/${c.options.clientId}/telemetry`, JSON.stringify(readings), { qos: 1 }, () => acked++);
        published += POINTS;
        n++;
        await sleep(Math.max(0, start + (n * 1000) / RATE - Date.now()));
      }
    }),
  );
  await windowOpens;
  if (profiled) console.error(await profiled);
  const measuredSeconds = (Date.now() - measuredFrom) / 1000;
  probing = false;
  await prober;
  // Wait until every published point is stored (or the pipeline stops making progress).
  const expected = published + sentAt.size;
  let now = await stored(); // the tenant is new: its counter started at 0
  let last = -1;
  let stalled = 0;
  while (now < expected && stalled < 10) {
    await sleep(250);
    last = now;
    now = await stored();
    stalled = now === last ? stalled + 1 : 0;
  }
  const drainedSeconds = (Date.now() - measuredFrom) / 1000;
  clearInterval(progress);
  await poller;
  if (process.env.DUMP_LOG) (await import("node:fs")).writeFileSync(process.env.DUMP_LOG, p.output());
  const batches = [...p.output().matchAll(/QUEUE skylark-telemetry (\d+)\/(\d+)/g)].map((m) => Number(m[1]));
  const sortedBatches = [...batches].sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        devices: DEVICES,
        messagesPerSecondPerDevice: RATE,
        pointsPerMessage: POINTS,
        alarmRules: ALARM_RULES,
        // The `changed` rules hold one alarm open per device (its readings change every time), the others none.
        ...(ALARM_RULES > 0 ? { activeAlarms: (await call("GET", "/api/v1/alarms/counts", { token })).active } : {}),
        warmupSeconds: WARMUP_MS / 1000,
        measuredSeconds,
        offeredPointsPerSecond: Math.round((published - publishedAtStart) / measuredSeconds),
        storedPoints: now,
        publishedPoints: expected,
        // Points stored from the window's start until everything had drained, over that time.
        sustainedPointsPerSecond: Math.round((now - storedAtStart) / drainedSeconds),
        drainSecondsAfterLoad: Math.round((drainedSeconds - measuredSeconds) * 10) / 10,
        freshnessMs: summary(freshness.measured),
        warmup: { freshnessMs: summary(freshness.warmup) },
        // Round trip of one latest-values request (part of every freshness sample).
        latestApiMs: summary(pollMs),
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
