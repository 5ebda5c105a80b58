// Runs `wrangler dev` (argv after this script) as the leader of its own process group and ties
// the group's life to the process that started it.
//
// Why a separate process: wrangler starts workerd children of its own, and none of them notice
// when the Node process that wanted them (`npm run dev`, the e2e setup, a benchmark) dies — least
// of all when it is killed with SIGKILL and runs no handler at all. That starter keeps a pipe on
// our stdin; the kernel closes it however the starter ends, and its end is our cue to stop the
// whole group. SIGTERM, SIGINT and SIGHUP to the group do the same, so `stop()` is one signal.
import { spawn } from "node:child_process";

const GRACE_MS = 5_000;
const [command, ...args] = process.argv.slice(2);
const wrangler = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });

let stopping = false;
function stopGroup() {
  if (stopping) return;
  stopping = true;
  // The signal reaches wrangler and every workerd; this process survives it through its handlers.
  signalGroup("SIGTERM");
  const kill = () => signalGroup("SIGKILL"); // ends this process too, and whatever ignored SIGTERM
  setTimeout(kill, GRACE_MS);
  wrangler.once("exit", () => setTimeout(kill, 200)); // workerd may outlive wrangler by a moment
  if (wrangler.exitCode !== null || wrangler.signalCode !== null) setTimeout(kill, 200);
}

function signalGroup(signal) {
  try {
    process.kill(0, signal);
  } catch {
    // the group is already gone
  }
}

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, stopGroup);
process.stdin.on("end", stopGroup);
process.stdin.on("close", stopGroup);
process.stdin.on("error", stopGroup);
process.stdin.resume();

// wrangler ending by itself (a port taken after all, a bad configuration): pass its exit status on,
// after stopping any workerd it left.
wrangler.on("exit", (code, signal) => {
  if (stopping) return;
  stopping = true;
  signalGroup("SIGTERM");
  setTimeout(() => process.exit(code ?? (signal ? 1 : 0)), 200);
});
