/**
 * A Cloudflare account as the TEST-ONLY wrangler stand-in (./wrangler-stand-in.mjs) keeps it, in a
 * temp directory, and a way to run the project's scripts with the stand-in first on PATH.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
// @ts-expect-error: plain ESM helper shared with scripts/dev.mjs
import { ROOT } from "../../../scripts/platform.mjs";

const run = promisify(execFile);
const STAND_IN = join(ROOT, "test", "e2e", "deploy", "wrangler-stand-in.mjs");
export const BIN_DIR = join(ROOT, "node_modules", ".bin");

export type AccountState = {
  loggedIn: boolean;
  databases: { uuid: string; name: string }[];
  queues: { name: string }[];
  buckets: { name: string }[];
  secrets: Record<string, string>;
  secretWrites?: string[];
  migrations: string[];
  deployments: { worker: string; secrets: string[] }[];
  calls: string[];
};
export type ScriptRun = { code: number; stdout: string; stderr: string; calls: string[] };

const dirs: string[] = [];
/** Removes every account directory made so far (for afterAll). */
export const removeAccounts = () => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));

export function standInAccount(initial: Partial<AccountState> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "skylark-account-"));
  dirs.push(dir);
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "wrangler"), `#!/bin/sh\nexec node ${JSON.stringify(STAND_IN)} "$@"\n`);
  chmodSync(join(bin, "wrangler"), 0o755);
  const state = join(dir, "account");
  mkdirSync(state);
  writeFileSync(join(state, "state.json"), JSON.stringify(initial));
  const read = (): AccountState => JSON.parse(readFileSync(join(state, "state.json"), "utf8"));
  /** Runs scripts/<script> with `args`; `calls` are the wrangler commands this run made. */
  const script = async (scriptName: string, args: string[]): Promise<ScriptRun> => {
    const callsBefore = (read().calls ?? []).length;
    const env = { ...process.env, PATH: `${bin}:${BIN_DIR}:${process.env.PATH}`, WRANGLER_STAND_IN_STATE: state };
    const result = await run(process.execPath, [join(ROOT, "scripts", scriptName), ...args], { cwd: ROOT, env, timeout: 60_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
    );
    return { ...result, calls: (read().calls ?? []).slice(callsBefore) };
  };
  return { dir, read, script };
}
