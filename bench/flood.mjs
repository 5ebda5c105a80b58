// Flood benchmark (issue: one device flooding QoS 1 telemetry left workerd gigabytes larger,
// near a full core for minutes, and the tenant's API waiting 20–300 s).
//
//   npm run bench:flood            (starts the platform with wrangler dev, fresh state)
//   FLOOD_MS=10000 BASELINE_MS=10000 PHASES=v5q1,v5q0,v4q1,v4q0 CLIENT=raw RATE=max RECONNECT=1 npm run bench:flood
//
// Tenant A (starter) has flooding devices (one per phase) and a quiet device; tenant B (starter) a
// quiet device.
// Each quiet device publishes QoS 1 telemetry every 200 ms to its own subscriber (an application
// client of its tenant) and we measure publish → delivery; a REST probe polls /healthz and
// tenant A's GET /api/v1/devices every 200 ms (one request at a time per series, so a stuck
// request shows as one long wait). After BASELINE_MS of that, the flooding device floods from its
// own process (bench/flood-client.mjs) in back-to-back phases of FLOOD_MS each — by default
// v5 QoS 1, v5 QoS 0, v3.1.1 QoS 1, v3.1.1 QoS 0, all at the maximum rate, never waiting for a
// PUBACK, reconnecting at once whenever the hub closes it (RECONNECT=0: each phase ends at the
// first close). Each phase claims its own client address (cf-connecting-ip 198.51.100.{n}), so
// an edge cool-down earned in one phase does not refuse the next one; the quiet clients connect
// without one (the edge sees 127.0.0.1). Then we watch until every series is back to normal or
// RECOVERY_TIMEOUT_MS passes (and at least AFTER_MS, for the "10 s after" memory figure). Each
// phase floods from a device of its own: the hub cools down a client id it threw out (0x9F at
// CONNECT), so one device reused at once would measure that instead of the next flood.
//
// Figures:
// - workerd memory: VmRSS of the `workerd` processes below the platform's pid, summed, and the
//   largest one; before the flood, at peak (sampled every 100 ms), AFTER_MS after it, at the end.
// - platform CPU (wrangler + workerd process tree, % of one core): baseline, per phase, during
//   the flood, after it, and after it per 10 s (so a hub still chewing on a backlog shows).
// - hub CPU per refused or dropped message, µs: platform CPU-seconds during the flood ÷ messages
//   the hub did not accept (written by the flooder − delivered to a watcher subscribed to the
//   flooding device's topic); also with the aftermath (until the end of the watch, minus the
//   baseline's CPU rate). `written` is the flooder's count of PUBLISHes handed to its socket
//   minus what still waited in the client when the connection ended (approximate); messages
//   the hub read but never decoded, or never read before closing, count as dropped.
//   Cross-check: the tenant's usage API `limitHits` (counted by the hub per refusal). The same
//   CPU per WebSocket frame is reported too (MQTT.js sends several frames per packet).
// - recovery: time from the flood's end until the series is back to normal: the first sample
//   started after the flood that begins 5 consecutive completed samples whose median is below
//   2 × the baseline p50 (never below THRESHOLD_FLOOR_MS, default 5 ms: under that, scheduling
//   noise dominates). Lost or failed samples break a window.
// - quiet devices: p50/p99 at baseline, during the flood and after it; max; not delivered.
// - probes: p50/p99 and the longest wait during and after the flood; failures.
//
// With two or more CPUs the load generators (this process, the flooder) are pinned away from the
// platform's CPU (bench/cpu-pinning.mjs; PIN=0 turns it off). MAX_WORKERD_MB (default 12288)
// stops the flood, and the watch after it, if workerd grows past it, so the machine is not taken
// down; the report says so. PROFILE=file: a CPU profile of the Worker's isolate from the flood's start, over the
// flood and 10 s more (PROFILE_SECONDS to change it; profiling costs CPU too, so compare figures
// from runs without it).
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { availableParallelism, loadavg } from "node:os";
import { pinAway } from "./cpu-pinning.mjs";
import { profileWorker } from "./cpu-profile.mjs";
import { measureCpu } from "./process-cpu.mjs";
import { api, mqttClient, percentile, platform, sleep, tenant } from "./platform-client.mjs";

const env = process.env;
const FLOOD_MS = Number(env.FLOOD_MS ?? 10_000);
const BASELINE_MS = Number(env.BASELINE_MS ?? 10_000);
const WARMUP_MS = Number(env.WARMUP_MS ?? 3_000);
const AFTER_MS = Number(env.AFTER_MS ?? 10_000);
const RECOVERY_TIMEOUT_MS = Number(env.RECOVERY_TIMEOUT_MS ?? 300_000);
const EVERY_MS = 200;
const THRESHOLD_FLOOR_MS = Number(env.THRESHOLD_FLOOR_MS ?? 5);
const RECOVERY_WINDOW = 5;
const MAX_WORKERD_MB = Number(env.MAX_WORKERD_MB ?? 12_288);
const CLIENT = env.CLIENT ?? "raw";
const RATE = env.RATE ?? "max";
const RECONNECT = env.RECONNECT ?? "1";
const LINGER_MS = Number(env.LINGER_MS ?? 1_000);
const ALL_PHASES = { v5q1: { version: 5, qos: 1 }, v5q0: { version: 5, qos: 0 }, v4q1: { version: 4, qos: 1 }, v4q0: { version: 4, qos: 0 } };
const PHASES = (env.PHASES ?? "v5q1,v5q0,v4q1,v4q0").split(",").map((key, i) => {
  if (!ALL_PHASES[key]) throw new Error(`unknown phase ${key} (one of ${Object.keys(ALL_PHASES)})`);
  const { version, qos } = ALL_PHASES[key];
  return { key, name: `${version === 5 ? "v5" : "v3.1.1"} QoS ${qos}`, version, qos, index: i + 1, address: `198.51.100.${i + 1}` };
});

const t0 = Date.now();
const at = () => Date.now() - t0;
const round = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, q) => {
  const v = percentile(xs, q);
  return Number.isNaN(v) ? null : v;
};
const median = (xs) => pct(sorted(xs), 50);
const log = (...x) => console.error(`[${(at() / 1000).toFixed(1)} s]`, ...x);

// ---- process figures (Linux /proc) ----

function processes() {
  const all = new Map();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = readFileSync(`/proc/${e}/status`, "utf8");
      all.set(Number(e), { ppid: Number(/PPid:\s+(\d+)/.exec(s)[1]), rssKb: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0), name: /Name:\s+(\S+)/.exec(s)[1] });
    } catch {
      // ended meanwhile
    }
  }
  return all;
}

/** The workerd processes below `root`: summed and largest VmRSS in MB. */
function workerdMemory(root) {
  if (process.platform !== "linux" || !root) return null;
  const all = processes();
  const children = new Map();
  for (const [pid, p] of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const rss = [];
  const walk = (pid) => {
    if (all.get(pid)?.name === "workerd") rss.push(all.get(pid).rssKb);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return { sumMb: Math.round(rss.reduce((a, b) => a + b, 0) / 1024), largestMb: Math.round(Math.max(0, ...rss) / 1024), processes: rss.length };
}

/** workerd processes on this machine that are not ours (someone else's tests, say). */
function otherWorkerd(root) {
  if (process.platform !== "linux") return null;
  const all = processes();
  const ours = new Set();
  const children = new Map();
  for (const [pid, p] of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const walk = (pid) => (ours.add(pid), (children.get(pid) ?? []).forEach(walk));
  walk(root);
  return [...all].filter(([pid, p]) => p.name === "workerd" && !ours.has(pid)).length;
}

/** CPU ticks (user + system) of every process below `root`, by pid, with its name and VmRSS. */
function ticksByProcess(root) {
  const out = new Map();
  if (process.platform !== "linux" || !root) return out;
  const all = processes();
  const children = new Map();
  for (const [pid, p] of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const walk = (pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(pid, { name: all.get(pid)?.name ?? "?", ticks: Number(f[11]) + Number(f[12]), user: Number(f[11]), system: Number(f[12]), threads: Number(f[17]), rssMb: Math.round((all.get(pid)?.rssKb ?? 0) / 1024) });
    } catch {
      // ended meanwhile
    }
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** CPU-seconds per process between two `ticksByProcess` snapshots (USER_HZ = 100), busiest first. */
const cpuByProcess = (before, after) =>
  [...after]
    .map(([pid, a]) => ({
      pid,
      name: a.name,
      threads: a.threads,
      rssMbAtEnd: a.rssMb,
      cpuSeconds: round((a.ticks - (before.get(pid)?.ticks ?? 0)) / 100, 1),
      userSeconds: round((a.user - (before.get(pid)?.user ?? 0)) / 100, 1),
      systemSeconds: round((a.system - (before.get(pid)?.system ?? 0)) / 100, 1),
    }))
    .filter((x) => x.cpuSeconds > 0)
    .sort((x, y) => y.cpuSeconds - x.cpuSeconds);

// ---- probes ----

/** GET with node:http (no client-side timeout: a request that waits 300 s is the finding). */
function timedGet(url, headers = {}) {
  const start = Date.now();
  return new Promise((resolve) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ ms: Date.now() - start, status: res.statusCode }));
      res.on("error", () => resolve({ ms: Date.now() - start, status: 0 }));
    });
    req.on("error", () => resolve({ ms: Date.now() - start, status: 0 }));
    req.end();
  });
}

/** A series of samples: { t (start, ms since t0), ms (latency; null until done), ok }. */
const series = (name) => ({ name, samples: [], failures: 0 });

/** Polls `url` every EVERY_MS, one request at a time. */
function restProbe(s, url, headers, running) {
  return (async () => {
    let next = Date.now();
    while (running()) {
      const sample = { t: at(), ms: null, ok: false };
      s.samples.push(sample);
      const r = await timedGet(url, headers);
      sample.ms = r.ms;
      sample.ok = r.status === 200;
      if (!sample.ok) s.failures++;
      next = Math.max(next + EVERY_MS, Date.now());
      await sleep(next - Date.now());
    }
  })();
}

/** A quiet device publishing QoS 1 every EVERY_MS; its subscriber completes the samples. */
function quietDevice(s, pub, sub, topic, running) {
  const bySeq = new Map();
  sub.on("message", (t, payload) => {
    if (t !== topic) return;
    const seq = JSON.parse(payload.toString()).values.seq;
    const sample = bySeq.get(seq);
    if (sample && sample.ms === null) {
      sample.ms = Date.now() - t0 - sample.t;
      sample.ok = true;
    }
  });
  return (async () => {
    let seq = 0;
    const start = Date.now();
    while (running()) {
      seq++;
      const sample = { t: at(), ms: null, ok: false };
      s.samples.push(sample);
      bySeq.set(seq, sample);
      pub.publish(topic, JSON.stringify({ values: { seq } }), { qos: 1 }, (err) => err && s.failures++);
      await sleep(Math.max(0, start + seq * EVERY_MS - Date.now()));
    }
  })();
}

const stats = (samples) => {
  const done = sorted(samples.filter((x) => x.ok).map((x) => x.ms));
  return { samples: samples.length, p50: pct(done, 50), p99: pct(done, 99), max: done.at(-1) ?? null, notOk: samples.filter((x) => !x.ok).length };
};
const within = (s, from, to) => s.samples.filter((x) => x.t >= from && x.t < to);

/** ms after `from` at which the series is back to normal (see the header), or null. */
function recoveredAfter(s, from, threshold) {
  const xs = s.samples.filter((x) => x.t >= from);
  for (let i = 0; i + RECOVERY_WINDOW <= xs.length; i++) {
    const w = xs.slice(i, i + RECOVERY_WINDOW);
    if (w.every((x) => x.ok) && median(w.map((x) => x.ms)) < threshold) return xs[i].t - from;
  }
  return null;
}

// ---- the run ----

const machine = { cpus: availableParallelism(), loadAverageAtStart: loadavg().map((x) => round(x, 2)) };
const p = await platform();
const call = api(p.url);
const clients = [];
let stopProbes = false;
try {
  const pinning = pinAway(p.pid);
  machine.otherWorkerdProcessesAtStart = otherWorkerd(p.pid);
  const stamp = Date.now().toString(36);
  const [a, b] = [`flood-${stamp}`, `calm-${stamp}`];
  const aToken = await tenant(call, a, p.operatorToken);
  const bToken = await tenant(call, b, p.operatorToken);
  const device = async (tok, id) => (await call("POST", "/api/v1/devices", { token: tok, body: { id } })).credentials.password;
  // One flooding device per phase: the hub also cools down a client id it threw out (CONNACK 0x9F,
  // from any address), so a device reused at once would measure that rather than the next flood.
  for (const ph of PHASES) ph.device = { id: `flooder-${ph.index}`, secret: await device(aToken, `flooder-${ph.index}`) };
  const quiet = [
    { tenant: a, token: aToken, id: "quiet-a", secret: await device(aToken, "quiet-a") },
    { tenant: b, token: bToken, id: "quiet-b", secret: await device(bToken, "quiet-b") },
  ];
  const connect = async (tenantId, opts) => {
    const c = await mqttClient(p.url, tenantId, { reconnectPeriod: 1000, ...opts });
    c.on("error", () => undefined);
    c.disconnects = 0;
    c.on("close", () => c.disconnects++);
    clients.push(c);
    return c;
  };

  // Probes and quiet devices run from now to the end.
  const running = () => !stopProbes;
  const probes = { healthz: series("GET /healthz"), devices: series("tenant A GET /api/v1/devices") };
  const quietSeries = { a: series("quiet device, tenant A"), b: series("quiet device, tenant B") };
  const loops = [restProbe(probes.healthz, `${p.url}/healthz`, {}, running), restProbe(probes.devices, `${p.url}/api/v1/devices?limit=10`, { authorization: `Bearer ${aToken}` }, running)];
  const quietClients = [];
  for (const [key, q] of [
    ["a", quiet[0]],
    ["b", quiet[1]],
  ]) {
    const topic = `t/${q.tenant}/devices/${q.id}/telemetry`;
    const sub = await connect(q.tenant, { clientId: `watch-${q.id}`, username: "api", password: q.token });
    await sub.subscribeAsync(topic, { qos: 1 });
    const pub = await connect(q.tenant, { clientId: q.id, username: q.id, password: q.secret });
    quietClients.push(pub, sub);
    loops.push(quietDevice(quietSeries[key], pub, sub, topic, running));
  }
  // A watcher counts what the hub accepted from the flooders (it routes accepted messages only), per phase.
  const accepted = {};
  const watcher = await connect(a, { clientId: "watch-flooders", username: "api", password: aToken });
  await watcher.subscribeAsync(
    PHASES.map((ph) => `t/${a}/devices/${ph.device.id}/telemetry`),
    { qos: 0 },
  );
  watcher.on("message", (_t, payload) => {
    const phase = JSON.parse(payload.toString()).values.x;
    accepted[phase] = (accepted[phase] ?? 0) + 1;
  });

  log(`platform ${p.url}; ${pinning}; warming up ${WARMUP_MS / 1000} s, baseline ${BASELINE_MS / 1000} s`);
  await sleep(WARMUP_MS);
  const baselineFrom = at();
  let cpu = measureCpu(p.pid);
  await sleep(BASELINE_MS);
  const baselineCpu = cpu.stop();
  const baselineTo = at();
  const memBefore = workerdMemory(p.pid);
  const month = new Date().toISOString().slice(0, 7);
  const usage = async () => (await call("GET", `/api/v1/usage?month=${month}`, { token: aToken })).limitHits;
  const hitsBefore = await usage();

  // Memory every 100 ms, CPU every second, from here to the end.
  let memPeak = memBefore ?? { sumMb: 0, largestMb: 0 };
  let memPeakAt = null;
  let aborted = null;
  let floodChild = null;
  const memTimer = setInterval(() => {
    const m = workerdMemory(p.pid);
    if (!m) return;
    if (m.sumMb > memPeak.sumMb) [memPeak, memPeakAt] = [{ ...m, largestMb: Math.max(m.largestMb, memPeak.largestMb) }, at()];
    else if (m.largestMb > memPeak.largestMb) memPeak = { ...memPeak, largestMb: m.largestMb };
    if (m.sumMb > MAX_WORKERD_MB && !aborted) {
      aborted = `workerd reached ${m.sumMb} MB (> MAX_WORKERD_MB ${MAX_WORKERD_MB}) at ${(at() / 1000).toFixed(1)} s: flood and watch stopped there`;
      floodChild?.kill("SIGTERM");
    }
  }, 100);
  const cpuTimeline = [];
  let cpuSecond = measureCpu(p.pid);
  const cpuTimer = setInterval(() => {
    cpuTimeline.push({ t: at(), percent: cpuSecond.stop() });
    cpuSecond = measureCpu(p.pid);
  }, 1000);

  // ---- the flood ----
  const floodFrom = at();
  const profiling = env.PROFILE ? profileWorker(p.inspectorPort, Number(env.PROFILE_SECONDS ?? (PHASES.length * (FLOOD_MS + LINGER_MS) + 10_000) / 1000), env.PROFILE).catch((e) => `profile failed: ${e.message}`) : null;
  const floodCpu = measureCpu(p.pid);
  const ticksAtFlood = ticksByProcess(p.pid);
  const phases = [];
  for (const ph of PHASES) {
    if (aborted) break;
    const phaseCpu = measureCpu(p.pid);
    const from = at();
    log(`phase ${ph.index}: ${ph.name}, ${CLIENT} client, rate ${RATE}, ${FLOOD_MS / 1000} s, from ${ph.address}`);
    const argv = [
      `client=${CLIENT}`,
      `version=${ph.version}`,
      `qos=${ph.qos}`,
      `rate=${RATE}`,
      `duration=${FLOOD_MS}`,
      `linger=${LINGER_MS}`,
      `reconnect=${RECONNECT}`,
      `address=${ph.address}`,
      `payload={"values":{"x":${ph.index}}}`,
      `connackTimeout=${Math.min(10_000, FLOOD_MS)}`,
    ];
    const report = await new Promise((resolve, reject) => {
      floodChild = spawn(process.execPath, [new URL("./flood-client.mjs", import.meta.url).pathname, p.url, a, `${ph.device.id}:${ph.device.secret}`, ...argv], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      floodChild.stdout.on("data", (d) => (out += d));
      floodChild.on("exit", (code) => {
        floodChild = null;
        try {
          resolve(JSON.parse(out));
        } catch {
          reject(new Error(`flood client exited ${code} without a report: ${out.slice(0, 500)}`));
        }
      });
    });
    const to = at();
    phases.push({ ...ph, from, to, platformCpuPercent: phaseCpu.stop(), report });
    log(
      `  offered ${report.offered}, written ~${report.written}, pubacks ${JSON.stringify(report.pubacks)}, disconnects ${JSON.stringify(report.disconnects)}, closed by hub ${report.closedByHub}, upgrades refused ${JSON.stringify(report.upgradesRefused)}`,
    );
  }
  const floodTo = at();
  const floodCpuPercent = floodCpu.stop();

  // ---- the aftermath: until every series is back to normal (and AFTER_MS at least), or the timeout ----
  const thresholds = {};
  const baselineStats = {};
  const allSeries = { ...probes, ...quietSeries };
  for (const [k, s] of Object.entries(allSeries)) {
    baselineStats[k] = stats(within(s, baselineFrom, baselineTo));
    thresholds[k] = Math.max(THRESHOLD_FLOOR_MS, 2 * (baselineStats[k].p50 ?? 0));
  }
  const afterCpu = measureCpu(p.pid);
  let memAfter = null;
  const recovery = {};
  for (;;) {
    await sleep(1000);
    const since = at() - floodTo;
    if (memAfter === null && since >= AFTER_MS) memAfter = workerdMemory(p.pid);
    for (const [k, s] of Object.entries(allSeries)) recovery[k] = recoveredAfter(s, floodTo, thresholds[k]);
    const allBack = Object.values(recovery).every((x) => x !== null);
    if ((allBack && memAfter !== null) || since >= RECOVERY_TIMEOUT_MS || aborted) break;
    if (since % 10_000 < 1000)
      log(
        `after the flood: ${Math.round(since / 1000)} s, back to normal: ${Object.entries(recovery)
          .map(([k, v]) => `${k} ${v === null ? "no" : "yes"}`)
          .join(", ")}; workerd ${workerdMemory(p.pid)?.sumMb} MB`,
      );
  }
  const watchTo = at();
  const ticksAtWatchEnd = ticksByProcess(p.pid);
  machine.loadAverageAtEnd = loadavg().map((x) => round(x, 2));
  const afterCpuPercent = afterCpu.stop();
  memAfter ??= workerdMemory(p.pid);
  const memEnd = workerdMemory(p.pid);
  stopProbes = true;
  // Late deliveries of the quiet devices still count; lost is what never arrives.
  await sleep(5_000);
  await Promise.race([Promise.all(loops), sleep(10_000)]);
  clearInterval(memTimer);
  clearInterval(cpuTimer);
  await sleep(1_500); // the hub writes limit hits about a second late
  const hitsAfter = await usage().catch(() => null);
  const profile = profiling ? await Promise.race([profiling, sleep(30_000).then(() => "profile: no answer from the inspector within 30 s")]) : null;

  // ---- figures ----
  const refusedOrDropped = phases.reduce((n, ph) => n + Math.max(0, ph.report.written - (accepted[ph.index] ?? 0)), 0);
  const floodSeconds = (floodTo - floodFrom) / 1000;
  const watchSeconds = (watchTo - floodFrom) / 1000;
  const floodCpuSeconds = floodCpuPercent === null ? null : (floodCpuPercent / 100) * floodSeconds;
  const afterCpuSeconds = afterCpuPercent === null ? null : (afterCpuPercent / 100) * ((watchTo - floodTo) / 1000);
  const extraCpuSeconds = floodCpuSeconds === null ? null : floodCpuSeconds + afterCpuSeconds - ((baselineCpu ?? 0) / 100) * watchSeconds;
  const frames = phases.reduce((n, ph) => n + (ph.report.frames ?? 0), 0);
  const perFrameUs = (cpuSeconds) => (cpuSeconds === null || frames === 0 ? null : round((cpuSeconds * 1e6) / frames, 1));
  const perMessageUs = (cpuSeconds) => (cpuSeconds === null || refusedOrDropped === 0 ? null : round((cpuSeconds * 1e6) / refusedOrDropped, 1));
  // The platform's CPU after the flood, averaged over each 10 s (the timeline samples every second).
  const cpuAfterBy10s = [];
  for (const x of cpuTimeline.filter((y) => y.t > floodTo && y.percent !== null)) {
    const i = Math.floor((x.t - floodTo - 1) / 10_000);
    (cpuAfterBy10s[i] ??= []).push(x.percent);
  }
  const diff = (x, y) => Object.fromEntries([...new Set([...Object.keys(x ?? {}), ...Object.keys(y ?? {})])].map((k) => [k, (y?.[k] ?? 0) - (x?.[k] ?? 0)]).filter(([, v]) => v));
  const seriesFigures = (k) => {
    const s = allSeries[k];
    const during = stats(within(s, floodFrom, floodTo));
    const after = stats(within(s, floodTo, watchTo));
    const sinceFlood = s.samples.filter((x) => x.t >= floodFrom);
    return {
      name: s.name,
      baseline: baselineStats[k],
      during,
      after,
      maxWaitMs: Math.max(0, ...sinceFlood.filter((x) => x.ms !== null).map((x) => x.ms)),
      notOk: sinceFlood.filter((x) => !x.ok).length,
      failures: s.failures,
      thresholdMs: thresholds[k],
      recoveredAfterMs: recovery[k] ?? null,
    };
  };
  const result = {
    machine,
    pinning,
    config: { FLOOD_MS, BASELINE_MS, AFTER_MS, RECOVERY_TIMEOUT_MS, CLIENT, RATE, RECONNECT: RECONNECT === "1", LINGER_MS, phases: PHASES.map((x) => x.key), tenantPlan: "starter" },
    aborted,
    floodSeconds: round(floodSeconds, 1),
    watchedAfterSeconds: round((watchTo - floodTo) / 1000, 1),
    phases: phases.map((ph) => ({
      phase: ph.name,
      seconds: round((ph.to - ph.from) / 1000, 1),
      offered: ph.report.offered,
      frames: ph.report.frames,
      written: ph.report.written,
      acceptedByHub: accepted[ph.index] ?? 0,
      refusedOrDropped: Math.max(0, ph.report.written - (accepted[ph.index] ?? 0)),
      connacks: ph.report.connacks,
      pubacks: ph.report.pubacks,
      disconnects: ph.report.disconnects,
      connections: ph.report.connectionAttempts,
      closedByHub: ph.report.closedByHub,
      closeAfterDisconnectMs: ph.report.closeAfterDisconnectMs,
      leftOpenAfterDisconnect: ph.report.leftOpenAfterDisconnect,
      firstCloseByHubAtMs: ph.report.firstCloseByHubAtMs,
      upgradesRefused: ph.report.upgradesRefused,
      refusals: ph.report.refusals,
      connectErrors: ph.report.connectErrors,
      endedBy: ph.report.endedBy,
      platformCpuPercent: ph.platformCpuPercent,
    })),
    memoryMb: { before: memBefore, peak: memPeak, peakAtSecondsAfterFloodStart: memPeakAt === null ? null : round((memPeakAt - floodFrom) / 1000, 1), afterFlood: memAfter, afterSeconds: AFTER_MS / 1000, end: memEnd },
    platformCpuPercent: { baseline: baselineCpu, duringFlood: floodCpuPercent, afterFlood: afterCpuPercent, afterFloodBy10s: [...cpuAfterBy10s].map((xs) => (xs ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null)) },
    hubCpuPerRefusedMessageUs: {
      duringFlood: perMessageUs(floodCpuSeconds),
      includingAftermath: perMessageUs(extraCpuSeconds),
      refusedOrDropped,
      cpuSecondsDuringFlood: round(floodCpuSeconds, 2),
      extraCpuSecondsIncludingAftermath: round(extraCpuSeconds, 2),
    },
    /** The same CPU per WebSocket frame the flooders sent (MQTT.js sends several frames per packet). */
    hubCpuPerFrameUs: { duringFlood: perFrameUs(floodCpuSeconds), includingAftermath: perFrameUs(extraCpuSeconds), frames },
    /** Which of the platform's processes did the work, from the flood's start to the end of the watch (the largest workerd runs the Worker and its Durable Objects). */
    cpuSecondsByProcess: cpuByProcess(ticksAtFlood, ticksAtWatchEnd),
    usageLimitHitsDelta: hitsAfter ? diff(hitsBefore, hitsAfter) : null,
    series: Object.fromEntries(Object.keys(allSeries).map((k) => [k, seriesFigures(k)])),
    quietClientReconnects: quietClients.reduce((n, c) => n + c.disconnects, 0),
    profile,
  };

  // ---- the table ----
  const cell = (v, w) => String(v ?? "–").padStart(w);
  const codes = (o) =>
    Object.entries(o ?? {})
      .map(([k, v]) => `${k}×${v}`)
      .join(" ") || "–";
  const secs = (msv) => (msv === null ? `not within ${round((watchTo - floodTo) / 1000)} s` : `${round(msv / 1000, 1)} s`);
  const out = [];
  out.push(
    `Flood benchmark: ${phases.length} phase(s) × ${FLOOD_MS / 1000} s, ${CLIENT} client, rate ${RATE}, reconnect ${RECONNECT === "1" ? "at once" : "off"}; starter tenants. ${machine.cpus} CPUs, load ${machine.loadAverageAtStart.join(" ")} at start and ${machine.loadAverageAtEnd.join(" ")} at the end of the watch, ${machine.otherWorkerdProcessesAtStart ?? "?"} other workerd processes; ${pinning}.${aborted ? ` ABORTED: ${aborted}.` : ""}`,
  );
  out.push("");
  out.push(
    `${"phase".padEnd(12)}${cell("offered", 10)}${cell("frames", 10)}${cell("written~", 10)}${cell("accepted", 9)}${cell("refused/dropped", 16)}${cell("conns", 6)}${cell("hub closed", 11)}${cell("platform CPU", 13)}  PUBACKs / DISCONNECTs / upgrades refused / close after DISCONNECT (ms)`,
  );
  for (const ph of result.phases) {
    const cad = [ph.closeAfterDisconnectMs.length ? `${Math.min(...ph.closeAfterDisconnectMs)}–${Math.max(...ph.closeAfterDisconnectMs)}` : "–", ph.leftOpenAfterDisconnect ? `(${ph.leftOpenAfterDisconnect} left open after DISCONNECT)` : ""]
      .join(" ")
      .trim();
    out.push(
      `${ph.phase.padEnd(12)}${cell(ph.offered, 10)}${cell(ph.frames, 10)}${cell(ph.written, 10)}${cell(ph.acceptedByHub, 9)}${cell(ph.refusedOrDropped, 16)}${cell(ph.connections, 6)}${cell(ph.closedByHub, 11)}${cell(`${ph.platformCpuPercent ?? "–"} %`, 13)}  ${codes(ph.pubacks)} / ${codes(ph.disconnects)} / ${codes(ph.upgradesRefused)} / ${cad}`,
    );
  }
  out.push("");
  const m = result.memoryMb;
  const mem = (x) => (x ? `${x.sumMb} (${x.largestMb})` : "–");
  out.push(`workerd RSS, MB sum (largest): before ${mem(m.before)}, peak ${mem(m.peak)} at ${m.peakAtSecondsAfterFloodStart ?? "–"} s, ${AFTER_MS / 1000} s after the flood ${mem(m.afterFlood)}, at the end ${mem(m.end)}`);
  const c = result.platformCpuPercent;
  out.push(`platform CPU, % of one core: baseline ${c.baseline ?? "–"}, during the flood ${c.duringFlood ?? "–"}, after it ${c.afterFlood ?? "–"} (over ${result.watchedAfterSeconds} s); after it per 10 s: ${c.afterFloodBy10s.join(" ")}`);
  out.push(
    `  by process, flood start → end of watch: ${result.cpuSecondsByProcess.map((x) => `${x.name} ${x.pid} (${x.rssMbAtEnd} MB, ${x.threads} threads) ${x.cpuSeconds} CPU-s (user ${x.userSeconds}, system ${x.systemSeconds})`).join(", ")}`,
  );
  const h = result.hubCpuPerRefusedMessageUs;
  out.push(
    `hub CPU per refused/dropped message: ${h.duringFlood ?? "–"} µs during the flood (${h.cpuSecondsDuringFlood} CPU-s ÷ ${h.refusedOrDropped}), ${h.includingAftermath ?? "–"} µs including the aftermath (${h.extraCpuSecondsIncludingAftermath} CPU-s above baseline); per WebSocket frame ${result.hubCpuPerFrameUs.duringFlood ?? "–"} / ${result.hubCpuPerFrameUs.includingAftermath ?? "–"} µs (${frames} frames); usage limitHits Δ ${JSON.stringify(result.usageLimitHitsDelta)}`,
  );
  out.push("");
  out.push(`${"series".padEnd(32)}${cell("baseline p50/p99", 18)}${cell("flood p50/p99", 16)}${cell("after p50/p99", 16)}${cell("max wait", 10)}${cell("not ok", 8)}  back to normal (< threshold)`);
  for (const s of Object.values(result.series)) {
    const pp = (x) => `${x.p50 ?? "–"}/${x.p99 ?? "–"}`;
    out.push(`${s.name.padEnd(32)}${cell(pp(s.baseline), 18)}${cell(pp(s.during), 16)}${cell(pp(s.after), 16)}${cell(s.maxWaitMs, 10)}${cell(s.notOk, 8)}  ${secs(s.recoveredAfterMs)} (< ${s.thresholdMs} ms)`);
  }
  out.push('(ms; "not ok": probes that failed, quiet messages never delivered, counted from the flood\'s start)');
  if (profile) out.push("", profile);
  console.log(out.join("\n"));
  console.log(JSON.stringify(result));
} finally {
  stopProbes = true;
  for (const c of clients) c.end(true);
  await p.stop();
}
