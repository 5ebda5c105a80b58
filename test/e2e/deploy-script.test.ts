/**
 * `npm run deploy` (scripts/deploy.mjs) against a stand-in for Cloudflare. The tests cannot reach
 * Cloudflare's API, so a TEST-ONLY stand-in for the `wrangler` CLI (./deploy/wrangler-stand-in.mjs)
 * is put first on PATH: it keeps an account's state in a temp directory and answers in wrangler 4's
 * output formats. What it cannot prove — that the generated configuration is one real wrangler
 * accepts — is proven with the real `wrangler deploy --dry-run` on the generated file (no network).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM helper shared with scripts/dev.mjs
import { ROOT, wranglerEnv } from "../../scripts/platform.mjs";
import { BIN_DIR, removeAccounts, standInAccount, type AccountState } from "./deploy/stand-in-account";

const run = promisify(execFile);
afterAll(removeAccounts);

/** An account, and `npm run deploy` for iot.example.com writing its files into the account's directory. */
function account(initial: Partial<AccountState> = {}) {
  const acct = standInAccount(initial);
  const files = { config: join(acct.dir, "out", "wrangler.toml"), token: join(acct.dir, "out", "operator-token") };
  const deploy = (...extra: string[]) => acct.script("deploy.mjs", ["--domain", "iot.example.com", "--out", files.config, "--operator-token-file", files.token, ...extra]);
  return { ...acct, files, deploy };
}

const wranglerTomlHash = () =>
  createHash("sha256")
    .update(readFileSync(join(ROOT, "wrangler.toml")))
    .digest("hex");
const isChange = (call: string) => /^(d1 create|queues create|r2 bucket create|secret put|secret bulk)\b/.test(call) || /--secrets-file/.test(call);

describe("npm run deploy", () => {
  it("stops before anything is created when wrangler is not logged in, saying how to log in", async () => {
    const acct = account({ loggedIn: false });
    const r = await acct.deploy();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not logged in to Cloudflare.*wrangler login.*Nothing was created/s);
    expect(r.calls).toEqual(["whoami --json"]);
    expect(existsSync(acct.files.config)).toBe(false);
  });

  it("refuses a domain that is not a DNS name before it calls wrangler", async () => {
    const acct = account();
    const r = await acct.deploy("--domain", "not a domain");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--domain 'not a domain' is not a DNS name/);
    expect(r.calls).toEqual([]);
  });

  it("with --dry-run, reads the account and prints the plan, creating and writing nothing", async () => {
    const acct = account();
    const r = await acct.deploy("--dry-run");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/D1 database skylark-registry: missing, creating it/);
    expect(r.stdout).toMatch(/Queue skylark-telemetry-dlq: missing, creating it/);
    expect(r.stdout).toMatch(/Secret JWT_SIGNING_KEY: not set, generating/);
    expect(r.calls.filter(isChange)).toEqual([]);
    expect(r.calls.some((c) => c.startsWith("deploy") || c.startsWith("d1 migrations"))).toBe(false);
    const after = acct.read();
    expect([after.databases, after.queues, after.buckets, after.deployments]).toEqual([[], [], [], []]);
    expect(existsSync(acct.files.config)).toBe(false);
    expect(existsSync(acct.files.token)).toBe(false);
  });

  const acct = account();
  const committedToml = wranglerTomlHash();

  it("creates everything on a fresh account, applies the migrations, deploys with both secrets and keeps the token in a 0600 file", async () => {
    const r = await acct.deploy();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const state = acct.read();
    expect(state.databases.map((d) => d.name)).toEqual(["skylark-registry"]);
    expect(state.queues.map((q) => q.name).sort()).toEqual(["skylark-alarm-events", "skylark-telemetry", "skylark-telemetry-dlq"]);
    expect(state.buckets.map((b) => b.name).sort()).toEqual(["skylark-archives", "skylark-firmware"]);
    expect(state.migrations).toEqual(
      readdirSync(join(ROOT, "migrations"))
        .filter((f) => f.endsWith(".sql"))
        .sort(),
    );
    expect(Object.keys(state.secrets).sort()).toEqual(["JWT_SIGNING_KEY", "OPERATOR_TOKEN"]);
    expect(state.deployments).toHaveLength(1);
    // The migrations went to the real database before the deploy.
    expect(r.calls.findIndex((c) => c.startsWith("d1 migrations apply skylark-registry --remote"))).toBeLessThan(r.calls.findIndex((c) => c.startsWith("deploy")));

    const signingKey = JSON.parse(state.secrets.JWT_SIGNING_KEY!);
    expect(signingKey).toMatchObject({ kty: "EC", crv: "P-256" });
    expect(typeof signingKey.d).toBe("string");
    expect(signingKey.kid).toMatch(/^prod-/);

    expect(readFileSync(acct.files.token, "utf8").trim()).toBe(state.secrets.OPERATOR_TOKEN);
    expect(statSync(acct.files.token).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain(acct.files.token);
    expect(r.stdout + r.stderr).not.toContain(state.secrets.OPERATOR_TOKEN);
    expect(r.stdout + r.stderr).not.toContain(signingKey.d);

    const config = readFileSync(acct.files.config, "utf8");
    expect(config).toContain(`database_id = "${state.databases[0]!.uuid}"`);
    expect(config).toMatch(/^PLATFORM_DOMAIN = "iot\.example\.com"$/m);
    expect(config).toMatch(/^CUSTOM_HOSTNAME_TARGET = "customers\.iot\.example\.com"$/m);
    expect(config).toMatch(/^DEV_MAIL_OUTBOX = "false"$/m);
    expect(config).toMatch(/^DURABLE_OBJECT_JURISDICTIONS = "enforce"$/m);
    // The rotation secrets are secrets on Cloudflare: no empty var may take their place.
    expect(config).not.toMatch(/^(JWT_SIGNING_KEY|OPERATOR_TOKEN)_PREVIOUS\s*=/m);
    expect(wranglerTomlHash()).toBe(committedToml);

    expect(r.stdout).toContain("*.iot.example.com");
    expect(r.stdout).toContain("CNAME <their host> → customers.iot.example.com");
    expect(r.stdout).toContain("wss://{tenant}.iot.example.com/mqtt");
    expect(r.stdout).toMatch(/Analytics Engine dataset skylark_telemetry: nothing to create/);
  });

  it("run again, creates nothing, sets no secret and deploys the same configuration", async () => {
    const before = acct.read();
    const token = readFileSync(acct.files.token, "utf8");
    const config = readFileSync(acct.files.config, "utf8");
    const r = await acct.deploy();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.calls.filter(isChange)).toEqual([]);
    expect(r.calls.filter((c) => c.startsWith("deploy"))).toHaveLength(1);
    const after = acct.read();
    expect(after.secrets).toEqual(before.secrets);
    expect(after.secretWrites).toEqual(before.secretWrites);
    expect([after.databases, after.queues, after.buckets]).toEqual([before.databases, before.queues, before.buckets]);
    expect(after.deployments).toHaveLength(2);
    expect(r.stdout).toMatch(/Secret OPERATOR_TOKEN: set already, kept/);
    expect(readFileSync(acct.files.token, "utf8")).toBe(token);
    expect(readFileSync(acct.files.config, "utf8")).toBe(config);
    expect(wranglerTomlHash()).toBe(committedToml);
  });

  it("generates a configuration the real wrangler accepts (wrangler deploy --dry-run, no network)", { timeout: 200_000 }, async () => {
    const outdir = join(acct.dir, "bundle");
    const { stdout, stderr } = await run(join(BIN_DIR, "wrangler"), ["deploy", "--dry-run", "--config", acct.files.config, "--outdir", outdir], {
      cwd: acct.dir,
      env: wranglerEnv({ CLOUDFLARE_CF_FETCH_ENABLED: "false" }),
      maxBuffer: 64 * 1024 * 1024,
      timeout: 180_000,
    });
    const output = stdout + stderr;
    expect(output).toMatch(/--dry-run: exiting now/);
    // Its binding report: the production values and the resources created for real.
    expect(output).toContain("env.REGISTRY (skylark-registry)");
    expect(output).toContain('env.PLATFORM_DOMAIN ("iot.example.com")');
    expect(output).toContain('env.DEV_MAIL_OUTBOX ("false")');
    expect(output).toContain("env.TELEMETRY_QUEUE (skylark-telemetry)");
    expect(output).not.toContain("env.JWT_SIGNING_KEY_PREVIOUS");
    expect(existsSync(join(outdir, "index.js"))).toBe(true);
  });
});
