// `npm run rotate-keys`: a new JWT signing key and operator token without logging anyone out.
// The old signing key becomes JWT_SIGNING_KEY_PREVIOUS (tokens it signed verify until they expire,
// and the JWKS publishes it next to the new one); the old operator token becomes
// OPERATOR_TOKEN_PREVIOUS (accepted until removed).
//
//   npm run rotate-keys                          rewrites .dev.vars (restart npm run dev to use it)
//   npm run rotate-keys -- --remote --domain D   sets the Worker's secrets with wrangler secret put;
//                                                the old key's public half is read from the live JWKS
//                                                at https://D/.well-known/jwks.json, since Cloudflare
//                                                never hands a secret back
//   … --drop-previous                            removes the _PREVIOUS values: do it once the longest
//                                                token life (1 h) has passed since the rotation
//   … --only signing-key | operator-token        rotates one of the two
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { resourcesOf, readWranglerToml } from "./deploy/config.mjs";
import { generateOperatorToken, generateSigningKey } from "./deploy/keys.mjs";
import { DeployError, listSecrets, wranglerCli } from "./deploy/wrangler-cli.mjs";
import { readVarsFile, ROOT, writeVarsFile } from "./platform.mjs";

const { values: flags } = parseArgs({
  options: {
    remote: { type: "boolean", default: false },
    "drop-previous": { type: "boolean", default: false },
    only: { type: "string" },
    vars: { type: "string", default: join(ROOT, ".dev.vars") },
    name: { type: "string" },
    domain: { type: "string" },
    "jwks-url": { type: "string" },
    "operator-token-file": { type: "string", default: join(ROOT, ".wrangler", "deploy", "operator-token") },
  },
});

const PAIRS = { "signing-key": ["JWT_SIGNING_KEY", "JWT_SIGNING_KEY_PREVIOUS"], "operator-token": ["OPERATOR_TOKEN", "OPERATOR_TOKEN_PREVIOUS"] };
if (flags.only !== undefined && !(flags.only in PAIRS)) {
  console.error(`--only must be one of ${Object.keys(PAIRS).join(", ")}, not '${flags.only}'`);
  process.exit(2);
}
const chosen = flags.only ? [flags.only] : Object.keys(PAIRS);
const LATER = "Tokens signed by the previous key stay valid until they expire (access tokens: 1 h). Remove the previous values with --drop-previous after that, and do not rotate again before.";

function openVarsFile() {
  const path = resolve(flags.vars);
  if (!existsSync(path)) throw new DeployError(`${path} does not exist: run npm run dev once to create it`);
  const vars = readVarsFile(path);
  return { vars, save: () => writeVarsFile(path, vars), path };
}

async function local() {
  const { vars, save, path } = openVarsFile();
  for (const which of chosen) {
    const [current, previous] = PAIRS[which];
    if (flags["drop-previous"]) {
      delete vars[previous];
      console.log(`${previous} removed from ${path}.`);
      continue;
    }
    if (!vars[current]) throw new DeployError(`${path} has no ${current} to rotate`);
    vars[previous] = vars[current];
    vars[current] = which === "signing-key" ? await generateSigningKey("dev") : generateOperatorToken();
    console.log(`${current}: new value in ${path}; the old one is now ${previous}.`);
  }
  save();
  console.log(flags["drop-previous"] ? "Restart npm run dev to use it." : `Restart npm run dev to use them. ${LATER}`);
}

/** The deployed Worker's current public signing key, from its JWKS (the current key comes first). */
async function livePublicKey() {
  const domain = flags.domain ?? process.env.SKYLARK_DOMAIN;
  const url = flags["jwks-url"] ?? (domain ? `https://${domain}/.well-known/jwks.json` : null);
  if (!url) throw new DeployError("name the deployed platform: --domain iot.example.com (its JWKS holds the public half of the key being replaced)");
  let jwks;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    jwks = await res.json();
  } catch (err) {
    throw new DeployError(`could not read the live JWKS at ${url} (${err.message}); nothing was changed`);
  }
  const key = jwks?.keys?.[0];
  if (!key || key.kty !== "EC" || typeof key.kid !== "string")
    throw new DeployError(`the JWKS at ${url} publishes no ES256 key: an HS256 secret cannot be read back from Cloudflare, so it cannot be kept as the previous key. Nothing was changed.`);
  return JSON.stringify(key);
}

async function remote() {
  const worker = flags.name ?? resourcesOf(readWranglerToml(ROOT)).worker;
  const cli = wranglerCli({ root: ROOT });
  const put = (name, value) => cli.must(["secret", "put", name, "--name", worker], { input: value, useConfig: false });
  const present = listSecrets(cli, worker);
  const tokenFile = resolve(flags["operator-token-file"]);
  for (const which of chosen) {
    const [current, previous] = PAIRS[which];
    if (flags["drop-previous"]) {
      if (present.includes(previous)) cli.must(["secret", "delete", previous, "--name", worker], { useConfig: false });
      console.log(`${previous}: ${present.includes(previous) ? "removed" : "was not set"} on ${worker}.`);
      continue;
    }
    if (!present.includes(current)) throw new DeployError(`${worker} has no secret ${current}: deploy it first (npm run deploy)`);
    // The previous value goes up first: at no moment is a new key current while the old one is unknown.
    if (which === "signing-key") {
      put(previous, await livePublicKey());
      put(current, await generateSigningKey("prod"));
      console.log(`${current}: rotated on ${worker}; the old key's public half is ${previous}.`);
    } else {
      const old = existsSync(tokenFile) ? readFileSync(tokenFile, "utf8").trim() : null;
      if (old) put(previous, old);
      const token = generateOperatorToken();
      put(current, token);
      mkdirSync(dirname(tokenFile), { recursive: true });
      writeFileSync(tokenFile, token + "\n", { mode: 0o600 });
      chmodSync(tokenFile, 0o600);
      console.log(`${current}: rotated on ${worker}; the new token is in ${tokenFile}. ${old ? `The old one is ${previous} until you drop it.` : `The old one was not in ${tokenFile}, so it stops working now.`}`);
    }
  }
  if (!flags["drop-previous"]) console.log(LATER);
}

(flags.remote ? remote() : local()).catch((err) => {
  if (!(err instanceof DeployError)) throw err;
  console.error(`Key rotation stopped: ${err.message}`);
  process.exit(1);
});
