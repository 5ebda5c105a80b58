/**
 * Starts the whole platform once for the end-to-end suite, exactly as `npm run dev` does
 * (wrangler dev: workerd + miniflare), on a free port with its own fresh state directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startDohServer } from "./doh-server";
// @ts-expect-error: plain ESM helper shared with scripts/dev.mjs
import { applyMigrations, generateSecrets, startPlatformOnFreePort, writeVarsFile } from "../../scripts/platform.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    platformUrl: string;
    operatorToken: string;
    /** The DNS-over-HTTPS stand-in the platform resolves custom domains with (./doh-server.ts). */
    dohUrl: string;
    /** The platform's local state directory (`--persist-to`), for tests that must plant rows only a long wait would produce (./registry-rows.ts). */
    platformState: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "skylark-e2e-"));
  const state = join(dir, "state");
  const envFile = join(dir, "secrets.env");
  const secrets = await generateSecrets();
  const doh = await startDohServer();
  writeVarsFile(envFile, { ...secrets, DOH_RESOLVER_URL: `${doh.url}/dns-query` }, { forTests: true });
  applyMigrations({ persistTo: state });
  const platform = await startPlatformOnFreePort({ persistTo: state, envFile, quiet: true });
  project.provide("platformUrl", platform.url);
  project.provide("operatorToken", secrets.OPERATOR_TOKEN);
  project.provide("dohUrl", doh.url);
  project.provide("platformState", state);
  return async () => {
    await platform.stop();
    await doh.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
