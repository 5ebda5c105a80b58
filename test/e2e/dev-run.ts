/**
 * Runs `node scripts/dev.mjs` the way a person or a script does, and watches what it leaves behind:
 * every process it starts (read from /proc, so wrangler's and workerd's too) and its port.
 * Linux only, like the CI machine: /proc is what tells processes of one run from other people's.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

type ProcInfo = { pid: number; ppid: number; pgid: number; start: string; state: string; command?: string };

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may itself hold spaces and parentheses: fields follow the last ")".
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid, state: f[0] ?? "", ppid: Number(f[1]), pgid: Number(f[2]), start: f[19] ?? "" };
  } catch {
    return null;
  }
}

function allProcs(): ProcInfo[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is ProcInfo => p !== null);
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

const isLive = (p: ProcInfo) => p.state !== "Z" && p.state !== "X";

/** True when something accepts connections on the port, on either loopback address. */
export async function listening(port: number): Promise<boolean> {
  const tryHost = (host: string) =>
    new Promise<boolean>((resolve) => {
      const s = connect({ host, port });
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
  return (await tryHost("127.0.0.1")) || (await tryHost("::1"));
}

export class DevRun {
  readonly child: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), "skylark-dev-run-"));
  output = "";
  /** Every process seen below the run's root (pid with its start time, so a reused pid does not count). */
  readonly seen = new Map<string, ProcInfo>();
  readonly groups = new Set<number>();
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly timer: NodeJS.Timeout;

  /** `command` defaults to dev.mjs itself; a wrapper (a parent that will die) can be given instead. */
  constructor(
    readonly port: number,
    command: string[] = [process.execPath, "scripts/dev.mjs"],
    stateDir?: string,
  ) {
    // Its own process group, as a terminal gives a foreground job: the group check below must not
    // catch the test runner itself.
    const [file = process.execPath, ...args] = command;
    this.child = spawn(file, args, {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PORT: String(port), DEMO_DEVICES: "0", SKYLARK_STATE_DIR: stateDir ?? join(this.dir, "state") },
    });
    this.child.stdout!.on("data", (d) => (this.output += d));
    this.child.stderr!.on("data", (d) => (this.output += d));
    this.exit = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
    this.timer = setInterval(() => this.scan(), 100);
    this.scan();
  }

  get stateDir() {
    return join(this.dir, "state");
  }

  /** Records the descendants of the run's root now alive (orphans stay recorded by their groups). */
  scan() {
    const procs = allProcs();
    const known = new Set([this.child.pid!, ...[...this.seen.values()].map((p) => p.pid)]);
    for (let grew = true; grew;) {
      grew = false;
      for (const p of procs) {
        if (!known.has(p.pid) && known.has(p.ppid)) {
          known.add(p.pid);
          grew = true;
        }
      }
    }
    for (const p of procs) {
      if (!known.has(p.pid) || !isLive(p)) continue;
      const key = `${p.pid}@${p.start}`;
      // Re-read each time: a process caught between fork and exec still shows its parent's command.
      this.seen.set(key, { ...p, command: commandLine(p.pid) || this.seen.get(key)?.command });
      this.groups.add(p.pgid);
    }
  }

  /** The run's processes that are still alive: recorded ones, and any member of their process groups. */
  leftovers(): string[] {
    const left = allProcs().filter((p) => isLive(p) && (this.seen.has(`${p.pid}@${p.start}`) || this.groups.has(p.pgid)));
    return left.map((p) => `${p.pid} ${commandLine(p.pid).slice(0, 160)}`);
  }

  seenCommand(fragment: string): boolean {
    return [...this.seen.values()].some((p) => p.command?.includes(fragment));
  }

  async waitFor(text: string, timeoutMs = 150_000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`dev.mjs exited before printing '${text}':\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no '${text}' within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until the run's root has exited and its processes are gone (or `timeoutMs` passed). */
  async settle(timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    await Promise.race([this.exit, new Promise((r) => setTimeout(r, timeoutMs))]);
    while (this.leftovers().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    clearInterval(this.timer);
  }

  /** Last resort for a failed test: only the groups this run created. */
  cleanUp() {
    clearInterval(this.timer);
    for (const g of this.groups) {
      try {
        process.kill(-g, "SIGKILL");
      } catch {
        // gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
