// `npm run deploy -- --domain iot.example.com`: puts Skylark on the Cloudflare account wrangler is
// logged in to. Safe to run again: it lists before it creates, so a second run creates nothing,
// sets only secrets that are not set yet, applies only new migrations and deploys the new version.
// `--dry-run` prints the plan and changes nothing (it still reads the account).
//
// Steps: wrangler whoami → D1 database, queues, R2 buckets (created when absent) → the generated
// deploy configuration (.wrangler/deploy/wrangler.toml, from wrangler.toml with the real ids) →
// D1 migrations, remotely → wrangler deploy, with the secrets that are missing → URLs and DNS records.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { deployConfig, deploySettings, readWranglerToml, resourcesOf } from "./deploy/config.mjs";
import { generateOperatorToken, generateSigningKey } from "./deploy/keys.mjs";
import { platformAddresses } from "./deploy/report.mjs";
import { DeployError, listBuckets, listDatabases, listQueues, listSecrets, whoami, wranglerCli } from "./deploy/wrangler-cli.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const GENERATED_SECRETS = { JWT_SIGNING_KEY: () => generateSigningKey("prod"), OPERATOR_TOKEN: async () => generateOperatorToken() };

const { values: flags } = parseArgs({
  options: {
    domain: { type: "string" },
    zone: { type: "string" },
    "saas-zone-id": { type: "string" },
    "mail-api-url": { type: "string" },
    "mail-from": { type: "string" },
    signup: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    out: { type: "string", default: join(ROOT, ".wrangler", "deploy", "wrangler.toml") },
    "operator-token-file": { type: "string", default: join(ROOT, ".wrangler", "deploy", "operator-token") },
  },
});
const dryRun = flags["dry-run"];
const configPath = resolve(flags.out);
const tokenFile = resolve(flags["operator-token-file"]);

const step = (text) => console.log(`${dryRun ? "[dry run] " : ""}${text}`);

async function main() {
  const settings = deploySettings(flags);
  const toml = readWranglerToml(ROOT);
  const wanted = resourcesOf(toml);
  const account = wranglerCli({ root: ROOT });

  step("Checking the Cloudflare login (wrangler whoami)…");
  const me = whoami(account);
  if (!me) throw new DeployError("wrangler is not logged in to Cloudflare (wrangler whoami failed). Run `npx wrangler login`, or set CLOUDFLARE_API_TOKEN, then run npm run deploy again. Nothing was created.");
  if (me.accounts.length > 1 && !process.env.CLOUDFLARE_ACCOUNT_ID)
    throw new DeployError(`you can reach ${me.accounts.length} accounts (${me.accounts.map((a) => a.name).join(", ")}): set CLOUDFLARE_ACCOUNT_ID to the one to deploy to. Nothing was created.`);
  step(`Logged in as ${me.email ?? "an API token"} (${me.accounts.map((a) => a.name).join(", ") || "account from CLOUDFLARE_ACCOUNT_ID"}).`);

  let database = listDatabases(account).find((db) => db.name === wanted.database);
  if (database) step(`D1 database ${wanted.database}: exists (${database.uuid}).`);
  else {
    step(`D1 database ${wanted.database}: missing, creating it.`);
    if (!dryRun) {
      account.must(["d1", "create", wanted.database], { useConfig: false });
      database = listDatabases(account).find((db) => db.name === wanted.database);
      if (!database) throw new DeployError(`wrangler d1 create ${wanted.database} succeeded, but d1 list does not show it`);
    }
  }
  ensureAll("Queue", wanted.queues, listQueues(account), (name) => account.must(["queues", "create", name], { useConfig: false }));
  ensureAll("R2 bucket", wanted.buckets, listBuckets(account), (name) => account.must(["r2", "bucket", "create", name], { useConfig: false }));
  for (const dataset of wanted.datasets) step(`Analytics Engine dataset ${dataset}: nothing to create (it appears with the first data point written).`);

  const text = deployConfig({ root: ROOT, toml, settings, databaseId: database?.uuid ?? "<id of the database to be created>" });
  if (!dryRun) {
    mkdirSync(dirname(configPath), { recursive: true });
    writeFileSync(configPath, text);
  }
  step(`Deploy configuration: ${configPath} (generated from wrangler.toml, which stays as it is).`);
  const deployed = wranglerCli({ root: ROOT, config: configPath });

  step(`Applying D1 migrations to ${wanted.database} (remote)…`);
  if (!dryRun) console.log(deployed.must(["d1", "migrations", "apply", wanted.database, "--remote"]).stdout.trim());

  const present = listSecrets(account, wanted.worker);
  const missing = wanted.secrets.filter((name) => !present.includes(name));
  const unknown = missing.filter((name) => !(name in GENERATED_SECRETS));
  if (unknown.length) throw new DeployError(`the Worker needs secrets this script cannot make: ${unknown.join(", ")}. Set them with npx wrangler secret put <NAME> --name ${wanted.worker}, then run npm run deploy again.`);
  for (const name of wanted.secrets) step(`Secret ${name}: ${present.includes(name) ? "set already, kept" : "not set, generating a new one"}.`);
  const secrets = Object.fromEntries(await Promise.all(missing.map(async (name) => [name, await GENERATED_SECRETS[name]()])));

  step(`Deploying ${wanted.worker}${missing.length ? ` with the new secrets ${missing.join(", ")}` : ""}…`);
  if (!dryRun) deploy(deployed, secrets);
  if (secrets.OPERATOR_TOKEN) {
    if (!dryRun) writeSecretFile(tokenFile, secrets.OPERATOR_TOKEN);
    step(`The operator token is in ${tokenFile} (readable by you only); it is shown nowhere else.`);
  } else step(`The operator token was set earlier and is kept; if this machine set it, it is in ${tokenFile}.`);
  console.log(platformAddresses(settings));
}

function ensureAll(kind, wanted, existing, create) {
  for (const name of wanted) {
    if (existing.includes(name)) step(`${kind} ${name}: exists.`);
    else {
      step(`${kind} ${name}: missing, creating it.`);
      if (!dryRun) create(name);
    }
  }
}

/** Deploys; new secrets go up with the version (a Worker that does not exist yet cannot have secrets put first). */
function deploy(cli, secrets) {
  if (Object.keys(secrets).length === 0) return console.log(cli.must(["deploy"]).stdout.trim());
  const dir = mkdtempSync(join(tmpdir(), "skylark-deploy-"));
  try {
    const file = join(dir, "secrets.json");
    writeSecretFile(file, JSON.stringify(secrets));
    console.log(cli.must(["deploy", "--secrets-file", file]).stdout.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeSecretFile(path, content) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content + "\n", { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its mode on write
}

main().catch((err) => {
  if (!(err instanceof DeployError)) throw err;
  console.error(`\nDeploy stopped: ${err.message}`);
  process.exit(1);
});
