// Runs the `wrangler` CLI found on PATH (npm run puts node_modules/.bin first; the project's copy is
// the fallback) and reads the output formats of wrangler 4: JSON where a command has it
// (`whoami --json`, `d1 list --json`, `secret list`), otherwise its text (a table for
// `queues list`, labelled values for `r2 bucket list`).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";

export class DeployError extends Error {
  constructor(message) {
    super(message);
    this.name = "DeployError";
  }
}

export function wranglerCli({ root, config }) {
  const env = { ...process.env, PATH: `${process.env.PATH}:${join(root, "node_modules", ".bin")}` };
  /** Runs wrangler; `input` goes to its stdin (secret values), so no value is ever an argument. */
  const run = (args, { input = "", useConfig = true } = {}) => {
    const fullArgs = useConfig && config ? [...args, "--config", config] : args;
    const r = spawnSync("wrangler", fullArgs, { cwd: root, env, input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw new DeployError(`could not run wrangler (${r.error.message}); run npm install first`);
    return { ok: r.status === 0, stdout: stripVTControlCharacters(r.stdout ?? ""), stderr: stripVTControlCharacters(r.stderr ?? ""), args: fullArgs };
  };
  const must = (args, options) => {
    const r = run(args, options);
    if (!r.ok) throw new DeployError(`wrangler ${args.join(" ")} failed:\n${(r.stderr || r.stdout).trim()}`);
    return r;
  };
  return { run, must };
}

function parseJson(text, what) {
  const start = text.search(/[[{]/);
  try {
    return JSON.parse(text.slice(start));
  } catch {
    throw new DeployError(`could not read the output of ${what}:\n${text.trim()}`);
  }
}

/** Who wrangler is logged in as, or null when it is not (whoami --json exits non-zero then). */
export function whoami(cli) {
  const r = cli.run(["whoami", "--json"], { useConfig: false });
  // Not logged in, wrangler prints {"loggedIn": false} and exits non-zero; any other failure is its own.
  if (!r.ok && !/"loggedIn":\s*false/.test(r.stdout)) throw new DeployError(`wrangler whoami failed; nothing was created:\n${(r.stderr || r.stdout).trim()}`);
  const me = parseJson(r.stdout, "wrangler whoami --json");
  return me.loggedIn ? { email: me.email ?? null, accounts: me.accounts ?? [] } : null;
}

/** D1 databases of the account: [{ uuid, name }]. */
export function listDatabases(cli) {
  return parseJson(cli.must(["d1", "list", "--json"], { useConfig: false }).stdout, "wrangler d1 list --json").map((db) => ({ uuid: db.uuid, name: db.name }));
}

/** Queue names from one page of `queues list`'s table (columns id, name, …). */
function queuePage(cli, page) {
  const rows = cli
    .must(["queues", "list", "--page", String(page)], { useConfig: false })
    .stdout.split("\n")
    .filter((line) => line.includes("│"))
    .map((line) =>
      line
        .split("│")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const header = rows.findIndex((cells) => cells.includes("name"));
  if (header === -1) return [];
  const column = rows[header].indexOf("name");
  return rows
    .slice(header + 1)
    .map((cells) => cells[column])
    .filter(Boolean);
}

/** Every queue name of the account: `queues list` answers a page at a time, read until one is empty. */
export function listQueues(cli) {
  const names = [];
  for (let page = 1; page <= 1000; page++) {
    const fresh = queuePage(cli, page).filter((name) => !names.includes(name));
    if (fresh.length === 0) break;
    names.push(...fresh);
  }
  return names;
}

/** Bucket names from `r2 bucket list`'s labelled values (name:, creation_date:). */
export function listBuckets(cli) {
  return [...cli.must(["r2", "bucket", "list"], { useConfig: false }).stdout.matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1]);
}

/** Names of the Worker's secrets; none when the Worker does not exist yet (before its first deploy). */
export function listSecrets(cli, worker) {
  const r = cli.run(["secret", "list", "--name", worker, "--format", "json"], { useConfig: false });
  if (!r.ok) {
    if (/Worker "[^"]+"(?: \(env: [^)]*\))? not found/.test(r.stderr + r.stdout)) return [];
    throw new DeployError(`wrangler secret list failed:\n${(r.stderr || r.stdout).trim()}`);
  }
  return parseJson(r.stdout, "wrangler secret list").map((s) => s.name);
}
