// A CPU profile of the Worker's isolate (hubs, consumer, routes) while a benchmark runs, taken
// through wrangler dev's inspector. Benchmarks call it when PROFILE names a file:
//
//   PROFILE=/tmp/telemetry.cpuprofile npm run bench:telemetry
//
// The file opens in Chrome DevTools (Performance → load profile); the top self-time functions
// are printed too. Workerd runs all JavaScript on one thread locally, so this is where a
// benchmark's time goes, apart from the runtime's own native work ("(program)").
import { writeFileSync } from "node:fs";
import { WebSocket } from "ws";

/** Profiles for `seconds`, writes the profile to `file`, resolves with a short report. */
export async function profileWorker(inspectorPort, seconds, file) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
  let id = 0;
  const waiting = new Map();
  ws.on("message", (data) => {
    const m = JSON.parse(data);
    waiting.get(m.id)?.(m.result);
    waiting.delete(m.id);
  });
  const send = (method, params = {}) => new Promise((resolve) => (waiting.set(++id, resolve), ws.send(JSON.stringify({ id, method, params }))));
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 200 }); // µs
  await send("Profiler.start");
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const { profile } = await send("Profiler.stop");
  ws.close();
  writeFileSync(file, JSON.stringify(profile));

  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((sample, i) => {
    const { functionName, url, lineNumber } = nodes.get(sample).callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = (profile.endTime - profile.startTime) / 1000;
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 15);
  return [`CPU profile (${Math.round(total)} ms) → ${file}`, ...top.map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${k}`)].join("\n");
}
