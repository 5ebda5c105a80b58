#!/usr/bin/env node
// TEST-ONLY stand-in for the `wrangler` CLI, put first on PATH by the deploy tests. It stands in for
// Cloudflare's API, which the tests cannot reach: it keeps an account's state (login, D1 databases,
// queues, R2 buckets, the Worker's secrets, applied migrations, deployments) in
// $WRANGLER_STAND_IN_STATE/state.json, logs every call, and answers in wrangler 4's output formats:
// JSON for `whoami --json`, `d1 list --json` and `secret list`, cli-table3's box table for
// `queues list` (in pages of two), labelled values for `r2 bucket list`. Like Cloudflare, it refuses to deploy a
// configuration whose D1 database, queues or buckets do not exist, or a Worker without its required secrets.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const STATE_FILE = join(process.env.WRANGLER_STAND_IN_STATE ?? ".", "state.json");
const state = existsSync(STATE_FILE) ? JSON.parse(readFileSync(STATE_FILE, "utf8")) : {};
state.loggedIn ??= true;
state.databases ??= [];
state.queues ??= [];
state.buckets ??= [];
state.secrets ??= {};
state.migrations ??= [];
state.deployments ??= [];
state.calls ??= [];

const argv = process.argv.slice(2);
const configAt = argv.indexOf("--config");
const configPath = configAt === -1 ? null : resolve(argv[configAt + 1]);
const args = configAt === -1 ? argv : [...argv.slice(0, configAt), ...argv.slice(configAt + 2)];
state.calls.push(argv.join(" "));
const save = () => writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
const fail = (message) => {
  save();
  process.stderr.write(`\n✘ [ERROR] ${message}\n\n`);
  process.exit(1);
};
const flag = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const now = () => new Date().toISOString();
const readStdin = () => readFileSync(0, "utf8").replace(/\n$/, "");

function table(rows) {
  const head = Object.keys(rows[0] ?? { id: "", name: "" });
  const widths = head.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h]).length)));
  const line = (l, m, r) => l + widths.map((w) => "─".repeat(w + 2)).join(m) + r;
  const row = (cells) => "│" + cells.map((c, i) => ` ${String(c).padEnd(widths[i])} `).join("│") + "│";
  return [line("┌", "┬", "┐"), row(head), line("├", "┼", "┤"), ...rows.map((r) => row(head.map((h) => r[h]))), line("└", "┴", "┘")].join("\n");
}

function readConfig() {
  if (!configPath) fail("this stand-in wants --config <path>");
  const text = readFileSync(configPath, "utf8");
  const all = (re) => [...text.matchAll(re)].map((m) => m[1]);
  return {
    worker: /^name\s*=\s*"([^"]+)"/m.exec(text)?.[1],
    databaseId: /^database_id\s*=\s*"([^"]+)"/m.exec(text)?.[1],
    migrationsDir: /^migrations_dir\s*=\s*"([^"]+)"/m.exec(text)?.[1],
    queues: all(/^(?:queue|dead_letter_queue)\s*=\s*"([^"]+)"/gm),
    buckets: all(/^bucket_name\s*=\s*"([^"]+)"/gm),
    required: JSON.parse(/^required\s*=\s*(\[[^\]]*\])/m.exec(text)?.[1] ?? "[]"),
  };
}

function requireLogin() {
  if (!state.loggedIn) fail("You are not authenticated. Please run `wrangler login`.");
}

const workerName = () => flag("--name") ?? readConfig().worker;
const command = args
  .filter((a) => !a.startsWith("-"))
  .slice(0, 3)
  .join(" ");

if (args[0] === "whoami") {
  if (!state.loggedIn) {
    console.log(JSON.stringify({ loggedIn: false }, null, 2));
    save();
    process.exit(1);
  }
  console.log(JSON.stringify({ loggedIn: true, authType: "User API Token", email: "ops@example.com", accounts: [{ name: "Example Ops", id: "0123456789abcdef0123456789abcdef" }], tokenPermissions: [] }, null, 2));
} else if (command.startsWith("d1 list")) {
  requireLogin();
  console.log(
    JSON.stringify(
      state.databases.map((db) => ({ uuid: db.uuid, name: db.name, created_at: db.created_at, version: "production", num_tables: 0, file_size: 0, jurisdiction: null })),
      null,
      2,
    ),
  );
} else if (command.startsWith("d1 create")) {
  requireLogin();
  const name = args[2];
  if (state.databases.some((db) => db.name === name)) fail(`A database with that name already exists [code: 7502]`);
  const uuid = crypto.randomUUID();
  state.databases.push({ uuid, name, created_at: now() });
  console.log(`✅ Successfully created DB '${name}' in region WEUR\nCreated your new D1 database.\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "${name}"\ndatabase_id = "${uuid}"`);
} else if (command.startsWith("queues list")) {
  requireLogin();
  // Pages of two, so that a caller reading only the first page would miss a queue.
  const page = Number(flag("--page") ?? 1);
  const rows = state.queues.slice((page - 1) * 2, page * 2);
  console.log(table(rows.map((q) => ({ id: q.id, name: q.name, created_on: q.created_on, modified_on: q.created_on, producers: "0", consumers: "0" }))));
} else if (command.startsWith("queues create")) {
  requireLogin();
  const name = args[2];
  if (state.queues.some((q) => q.name === name)) fail(`A queue with this name already exists. [code: 11009]`);
  state.queues.push({ id: crypto.randomUUID().replaceAll("-", ""), name, created_on: now() });
  console.log(`🌀 Creating queue '${name}'\n✅ Created queue '${name}'`);
} else if (command.startsWith("r2 bucket list")) {
  requireLogin();
  console.log(["Listing buckets...", ...state.buckets.map((b) => `name:           ${b.name}\ncreation_date:  ${b.creation_date}`)].join("\n"));
} else if (command.startsWith("r2 bucket create")) {
  requireLogin();
  const name = args[3];
  if (state.buckets.some((b) => b.name === name)) fail(`The bucket you tried to create already exists, and you own it. [code: 10004]`);
  state.buckets.push({ name, creation_date: now() });
  console.log(`Creating bucket '${name}'...\n✅ Created bucket '${name}' with default storage class of Standard.`);
} else if (command.startsWith("secret list")) {
  requireLogin();
  const worker = workerName();
  if (!state.deployments.some((d) => d.worker === worker)) fail(`Worker "${worker}" not found.\n\nIf this is a new Worker, run \`wrangler deploy\` first to create it.`);
  console.log(
    JSON.stringify(
      Object.keys(state.secrets).map((name) => ({ name, type: "secret_text" })),
      null,
      "  ",
    ),
  );
} else if (command.startsWith("secret put")) {
  requireLogin();
  const name = args[2];
  state.secrets[name] = readStdin();
  state.secretWrites = [...(state.secretWrites ?? []), name];
  console.log(`🌀 Creating the secret for the Worker "${workerName()}" \n✨ Success! Uploaded secret ${name}`);
} else if (command.startsWith("secret delete")) {
  requireLogin();
  const name = args[2];
  if (!(name in state.secrets)) fail(`Secret ${name} not found [code: 10056]`);
  delete state.secrets[name];
  console.log(`🌀 Deleting the secret ${name} on the Worker ${workerName()}\n✨ Success! Deleted secret ${name}`);
} else if (command.startsWith("d1 migrations apply")) {
  requireLogin();
  if (!args.includes("--remote")) fail("this stand-in only applies migrations --remote");
  const config = readConfig();
  if (!state.databases.some((db) => db.uuid === config.databaseId)) fail(`Couldn't find DB with id ${config.databaseId}`);
  const dir = resolve(dirname(configPath), config.migrationsDir);
  const pending = readdirSync(dir)
    .filter((f) => f.endsWith(".sql") && !state.migrations.includes(f))
    .sort();
  state.migrations.push(...pending);
  console.log(pending.length ? `Migrations to be applied:\n${pending.map((f) => `│ ${f} │`).join("\n")}\n✅ Applied ${pending.length} migrations.` : "✅ No migrations to apply!");
} else if (args[0] === "deploy") {
  requireLogin();
  const config = readConfig();
  if (!state.databases.some((db) => db.uuid === config.databaseId)) fail(`binding REGISTRY of type d1 must have a valid \`id\` specified [code: 10021]`);
  for (const q of config.queues) if (!state.queues.some((x) => x.name === q)) fail(`Queue "${q}" does not exist. To create it, run: wrangler queues create ${q} [code: 11000]`);
  for (const b of config.buckets) if (!state.buckets.some((x) => x.name === b)) fail(`R2 bucket '${b}' cannot be found [code: 10085]`);
  const file = flag("--secrets-file");
  const uploaded = file ? JSON.parse(readFileSync(file, "utf8")) : {};
  const missing = config.required.filter((n) => !(n in state.secrets) && !(n in uploaded));
  if (missing.length) fail(`The following required secrets have not been set: ${missing.join(", ")}`);
  Object.assign(state.secrets, uploaded);
  state.secretWrites = [...(state.secretWrites ?? []), ...Object.keys(uploaded)];
  state.deployments.push({ worker: config.worker, config: configPath, at: now(), secrets: Object.keys(uploaded) });
  console.log(`Total Upload: 1024.00 KiB / gzip: 256.00 KiB\nUploaded ${config.worker} (1.00 sec)\nDeployed ${config.worker} triggers (0.50 sec)\nCurrent Version ID: ${crypto.randomUUID()}`);
} else {
  fail(`the wrangler stand-in does not know \`wrangler ${argv.join(" ")}\``);
}
save();
