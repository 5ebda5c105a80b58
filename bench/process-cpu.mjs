// CPU used by a process tree (Linux /proc), to report what a load costs the platform as a share
// of one core: on a machine where every tenant shares one workerd thread, that share is what
// the other tenants' latency pays for. Elsewhere it reports null.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux kernel in practice

function stats() {
  const byPid = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      byPid.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

function treeTicks(root) {
  const all = stats();
  const children = new Map();
  for (const [pid, s] of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  let ticks = 0;
  const walk = (pid) => {
    ticks += all.get(pid)?.ticks ?? 0;
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return ticks;
}

/** Starts measuring `root` and its descendants; `stop()` returns the percent of one core used since. */
export function measureCpu(root) {
  if (process.platform !== "linux" || !root) return { stop: () => null };
  const [t0, ticks0] = [Date.now(), treeTicks(root)];
  return { stop: () => Math.round(((treeTicks(root) - ticks0) / TICKS_PER_SECOND / ((Date.now() - t0) / 1000)) * 100) };
}
