// Benchmark hygiene on a small machine: keeps the load generators off the core the platform
// runs on, so the latency measured is the platform's, not the load generator competing with
// workerd for a CPU. Linux only (taskset, /proc); elsewhere it does nothing and says so.
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { readdirSync, readFileSync } from "node:fs";

function hasTaskset() {
  return process.platform === "linux" && spawnSync("taskset", ["--version"]).status === 0;
}

/** `root` and every process below it (read from /proc). */
function processTree(root) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const out = [];
  const walk = (pid) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

function pin(pid, cpus) {
  // -a: every thread of the process.
  return spawnSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore" }).status === 0;
}

/**
 * With two or more CPUs: the platform (wrangler and its workerd processes; with separate
 * placement, both platforms) on the first one,
 * this process (and the children it spawns later, which inherit it) on the others.
 * Returns a description for the report.
 */
export function pinAway(...platformPids) {
  const n = availableParallelism();
  if (process.env.PIN === "0") return "off (PIN=0)";
  if (n < 2 || !hasTaskset()) return "off (needs Linux, taskset and two CPUs)";
  const platformCpu = "0";
  const loadCpus = n === 2 ? "1" : `1-${n - 1}`;
  const pinned = platformPids.flatMap(processTree).filter((pid) => pin(pid, platformCpu));
  pin(process.pid, loadCpus);
  return `platform (${pinned.length} processes) on CPU ${platformCpu}, load generators on CPU ${loadCpus}`;
}
