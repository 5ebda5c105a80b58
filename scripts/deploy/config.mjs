// The deploy configuration, generated from the committed wrangler.toml so that file stays what
// `npm run dev` and the tests run: the real D1 database id, the platform's domain and its routes,
// paths made absolute (the generated file lives outside the project root), production values for
// the variables local runs override. Anything it expects and does not find stops the deploy: a
// wrangler.toml changed out from under this script must not deploy half-configured.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DeployError } from "./wrangler-cli.mjs";

const quoted = (value) => JSON.stringify(value);
export const ROTATION_SECRETS = ["JWT_SIGNING_KEY_PREVIOUS", "OPERATOR_TOKEN_PREVIOUS"];
const allMatches = (text, re) => [...text.matchAll(re)].map((m) => m[1]);

/** What wrangler.toml asks Cloudflare for: the names deploy creates when they are missing. */
export function resourcesOf(toml) {
  const database = allMatches(toml, /^database_name\s*=\s*"([^"]+)"/gm);
  if (database.length !== 1) throw new DeployError(`wrangler.toml should declare exactly one D1 database, found ${database.length}`);
  const queues = [...new Set([...allMatches(toml, /^queue\s*=\s*"([^"]+)"/gm), ...allMatches(toml, /^dead_letter_queue\s*=\s*"([^"]+)"/gm)])];
  const buckets = [...new Set(allMatches(toml, /^bucket_name\s*=\s*"([^"]+)"/gm))];
  const datasets = [...new Set(allMatches(toml, /^dataset\s*=\s*"([^"]+)"/gm))];
  const secrets = JSON.parse((/^required\s*=\s*(\[[^\]]*\])/m.exec(toml) ?? [null, "[]"])[1]);
  const worker = (/^name\s*=\s*"([^"]+)"/m.exec(toml) ?? [])[1];
  return { worker, database: database[0], queues, buckets, datasets, secrets };
}

/** The platform's settings from flags and environment, checked before anything is touched. */
export function deploySettings(flags, env = process.env) {
  const domain = (flags.domain ?? env.SKYLARK_DOMAIN ?? "").toLowerCase();
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain)) {
    throw new DeployError(domain ? `--domain '${domain}' is not a DNS name such as iot.example.com` : "name the platform's domain: npm run deploy -- --domain iot.example.com (or SKYLARK_DOMAIN=…)");
  }
  // The zone the domain is in; by default its last two labels (iot.example.com → example.com).
  const zone = (flags.zone ?? env.SKYLARK_ZONE ?? domain.split(".").slice(-2).join(".")).toLowerCase();
  if (domain !== zone && !domain.endsWith(`.${zone}`)) throw new DeployError(`--zone '${zone}' does not contain the domain '${domain}'`);
  return {
    domain,
    zone,
    customHostnameTarget: `customers.${domain}`,
    saasZoneId: flags["saas-zone-id"] ?? env.SKYLARK_SAAS_ZONE_ID ?? "",
    mailApiUrl: flags["mail-api-url"] ?? env.SKYLARK_MAIL_API_URL ?? "",
    mailFrom: flags["mail-from"] ?? env.SKYLARK_MAIL_FROM ?? `Skylark <no-reply@${domain}>`,
    signup: (flags.signup ?? env.SKYLARK_SIGNUP_ENABLED ?? "true") === "false" ? "false" : "true",
  };
}

function replaceOnce(text, re, replacement, what) {
  if (!re.test(text)) throw new DeployError(`wrangler.toml has no ${what}; the deploy configuration cannot be generated`);
  return text.replace(re, replacement);
}

const setVar = (text, name, value) => replaceOnce(text, new RegExp(`^${name}\\s*=\\s*"[^"]*"`, "m"), `${name} = ${quoted(value)}`, `variable ${name} in [vars]`);

/** The text of the deploy configuration for `settings` and the real database id. */
export function deployConfig({ root, toml, settings, databaseId }) {
  let out = toml;
  out = replaceOnce(out, /^main\s*=\s*"([^"]+)"/m, (_, main) => `main = ${quoted(join(root, main))}`, "main");
  out = replaceOnce(out, /^database_id\s*=\s*"[^"]*"/m, `database_id = ${quoted(databaseId)}`, "database_id");
  out = replaceOnce(out, /^migrations_dir\s*=\s*"([^"]+)"/m, (_, dir) => `migrations_dir = ${quoted(join(root, dir))}`, "migrations_dir");
  out = replaceOnce(out, /^command\s*=\s*"node (\S+)"/m, (_, script) => `command = ${quoted(`node ${join(root, script)}`)}`, "[build] command");
  out = replaceOnce(out, /^watch_dir\s*=\s*"([^"]+)"/m, (_, dir) => `watch_dir = ${quoted(join(root, dir))}`, "[build] watch_dir");
  out = replaceOnce(out, /^directory\s*=\s*"([^"]+)"/m, (_, dir) => `directory = ${quoted(join(root, dir))}`, "[assets] directory");
  out = setVar(out, "PLATFORM_DOMAIN", settings.domain);
  out = setVar(out, "CUSTOM_HOSTNAME_TARGET", settings.customHostnameTarget);
  out = setVar(out, "SAAS_ZONE_ID", settings.saasZoneId);
  out = setVar(out, "MAIL_API_URL", settings.mailApiUrl);
  out = setVar(out, "MAIL_FROM", settings.mailFrom);
  out = setVar(out, "SIGNUP_ENABLED", settings.signup);
  // Never deployed on: the dev outbox, plain-http webhooks, relaxed jurisdictions.
  out = setVar(out, "DEV_MAIL_OUTBOX", "false");
  out = setVar(out, "ALARM_WEBHOOK_HTTP_HOSTS", "");
  out = setVar(out, "DURABLE_OBJECT_JURISDICTIONS", "enforce");
  // Declared empty in wrangler.toml for wrangler dev's sake; deployed, they are secrets (npm run
  // rotate-keys), and a var of the same name would take their place.
  for (const name of ROTATION_SECRETS) out = replaceOnce(out, new RegExp(`^${name}\\s*=\\s*""\\n`, "m"), "", `empty variable ${name} in [vars]`);
  // The platform domain as a Custom Domain (Cloudflare creates its DNS record and certificate) and
  // the tenants' hosts {tenant}.{domain} as a route on the zone. Top-level keys go before the first table.
  const routes = [`  { pattern = ${quoted(settings.domain)}, custom_domain = true },`, `  { pattern = ${quoted(`*.${settings.domain}/*`)}, zone_name = ${quoted(settings.zone)} },`];
  // Tenants' own hostnames (Cloudflare for SaaS) arrive on the SaaS zone under any name: a catch-all route.
  if (settings.saasZoneId) routes.push(`  { pattern = "*/*", zone_name = ${quoted(settings.zone)} },`);
  out = replaceOnce(out, /^(compatibility_flags\s*=.*)$/m, (line) => `${line}\nworkers_dev = false\nroutes = [\n${routes.join("\n")}\n]`, "compatibility_flags");
  const header = "# GENERATED by `npm run deploy` from wrangler.toml: do not edit, run `npm run deploy` again instead.\n";
  return header + out;
}

export function readWranglerToml(root) {
  return readFileSync(join(root, "wrangler.toml"), "utf8");
}
