/**
 * `npm run rotate-keys` (scripts/rotate-keys.mjs), locally on a .dev.vars file and remotely against
 * the TEST-ONLY wrangler stand-in (./deploy/wrangler-stand-in.mjs, standing in for Cloudflare's API,
 * which the tests cannot reach). The deployed Worker's JWKS endpoint is stood in for by a local
 * server that answers with the platform's own code (publicJwks) over the secrets the stand-in holds;
 * tokens are checked with the platform's own verification (verifyAccessToken) before and after.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueAccessToken, publicJwks, verifyAccessToken } from "../../domain/auth/tokens";
// @ts-expect-error: plain ESM helper shared with scripts/deploy.mjs
import { generateOperatorToken, generateSigningKey } from "../../scripts/deploy/keys.mjs";
// @ts-expect-error: plain ESM helper shared with scripts/dev.mjs
import { readVarsFile, writeVarsFile } from "../../scripts/platform.mjs";
import { removeAccounts, standInAccount } from "./deploy/stand-in-account";

const dir = mkdtempSync(join(tmpdir(), "skylark-rotate-"));
afterAll(() => {
  removeAccounts();
  rmSync(dir, { recursive: true, force: true });
});

const subject = { sub: "usr_1", tid: "acme", role: "OWNER", act: "user" } as const;
const kidOf = (jwkText: string) => JSON.parse(jwkText).kid as string;
const settingsOf = (vars: Record<string, string | undefined>) => ({ JWT_SIGNING_KEY: vars.JWT_SIGNING_KEY!, JWT_SIGNING_KEY_PREVIOUS: vars.JWT_SIGNING_KEY_PREVIOUS });

describe("npm run rotate-keys, locally", () => {
  it("moves the old key and token to _PREVIOUS in .dev.vars, so old tokens verify, and --drop-previous removes them", async () => {
    const vars = join(dir, ".dev.vars");
    const oldKey: string = await generateSigningKey("dev");
    writeVarsFile(vars, { JWT_SIGNING_KEY: oldKey, OPERATOR_TOKEN: "op_old-token", DOH_RESOLVER_URL: "http://127.0.0.1:1/dns-query" });
    const { token } = await issueAccessToken(oldKey, subject);
    const acct = standInAccount();

    const rotated = await acct.script("rotate-keys.mjs", ["--vars", vars]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.calls).toEqual([]); // nothing remote
    const after = readVarsFile(vars);
    expect(after.JWT_SIGNING_KEY_PREVIOUS).toBe(oldKey);
    expect(kidOf(after.JWT_SIGNING_KEY)).not.toBe(kidOf(oldKey));
    expect(after.OPERATOR_TOKEN_PREVIOUS).toBe("op_old-token");
    expect(after.OPERATOR_TOKEN).toMatch(/^op_/);
    expect(after.OPERATOR_TOKEN).not.toBe("op_old-token");
    expect(after.DOH_RESOLVER_URL).toBe("http://127.0.0.1:1/dns-query");
    expect(statSync(vars).mode & 0o777).toBe(0o600);
    expect(await verifyAccessToken(settingsOf(after), token)).toMatchObject({ sub: "usr_1" });
    expect(rotated.stdout + rotated.stderr).not.toContain(after.OPERATOR_TOKEN);

    const dropped = await acct.script("rotate-keys.mjs", ["--vars", vars, "--drop-previous"]);
    expect(dropped.code, dropped.stderr).toBe(0);
    const settled = readVarsFile(vars);
    expect(settled).not.toHaveProperty("JWT_SIGNING_KEY_PREVIOUS");
    expect(settled).not.toHaveProperty("OPERATOR_TOKEN_PREVIOUS");
    expect(settled.JWT_SIGNING_KEY).toBe(after.JWT_SIGNING_KEY);
    expect(await verifyAccessToken(settingsOf(settled), token)).toBeNull();
  });

  it("refuses an --only it does not know, changing nothing", async () => {
    const vars = join(dir, "only.vars");
    writeVarsFile(vars, { JWT_SIGNING_KEY: await generateSigningKey("dev"), OPERATOR_TOKEN: "op_x" });
    const before = readFileSync(vars, "utf8");
    const r = await standInAccount().script("rotate-keys.mjs", ["--vars", vars, "--only", "everything"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--only must be one of signing-key, operator-token/);
    expect(readFileSync(vars, "utf8")).toBe(before);
  });
});

describe("npm run rotate-keys -- --remote", () => {
  let oldKey: string;
  const oldOperator: string = generateOperatorToken();
  const acct = standInAccount();
  const tokenFile = join(acct.dir, "operator-token");
  let server: Server;
  let jwksUrl: string;

  beforeAll(async () => {
    oldKey = await generateSigningKey("prod");
    writeFileSync(join(acct.dir, "account", "state.json"), JSON.stringify({ secrets: { JWT_SIGNING_KEY: oldKey, OPERATOR_TOKEN: oldOperator }, deployments: [{ worker: "skylark", secrets: [] }] }));
    writeFileSync(tokenFile, oldOperator + "\n", { mode: 0o600 });
    // The deployed Worker's /.well-known/jwks.json: the platform's own JWKS over the secrets it has now.
    server = createServer(async (_req, res) => {
      const jwks = await publicJwks(settingsOf(acct.read().secrets));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    jwksUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`;
  });
  afterAll(() => server?.close());

  it("puts the live key's public half up as the previous key before the new key, and the old operator token as the previous one", async () => {
    const { token } = await issueAccessToken(oldKey, subject);
    const r = await acct.script("rotate-keys.mjs", ["--remote", "--jwks-url", jwksUrl, "--operator-token-file", tokenFile]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const puts = r.calls.filter((c) => c.startsWith("secret put")).map((c) => c.split(" ")[2]);
    expect(puts).toEqual(["JWT_SIGNING_KEY_PREVIOUS", "JWT_SIGNING_KEY", "OPERATOR_TOKEN_PREVIOUS", "OPERATOR_TOKEN"]);
    const { secrets } = acct.read();
    const previous = JSON.parse(secrets.JWT_SIGNING_KEY_PREVIOUS!);
    expect(previous).not.toHaveProperty("d");
    expect(previous.kid).toBe(kidOf(oldKey));
    expect(kidOf(secrets.JWT_SIGNING_KEY!)).not.toBe(kidOf(oldKey));
    expect(JSON.parse(secrets.JWT_SIGNING_KEY!)).toHaveProperty("d");
    expect(await verifyAccessToken(settingsOf(secrets), token)).toMatchObject({ sub: "usr_1" });
    const jwks = (await (await fetch(jwksUrl)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([kidOf(secrets.JWT_SIGNING_KEY!), kidOf(oldKey)]);

    expect(secrets.OPERATOR_TOKEN_PREVIOUS).toBe(oldOperator);
    expect(readFileSync(tokenFile, "utf8").trim()).toBe(secrets.OPERATOR_TOKEN);
    expect(secrets.OPERATOR_TOKEN).not.toBe(oldOperator);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(r.stdout + r.stderr).not.toContain(secrets.OPERATOR_TOKEN);

    const dropped = await acct.script("rotate-keys.mjs", ["--remote", "--drop-previous"]);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.calls.filter((c) => c.startsWith("secret delete")).map((c) => c.split(" ")[2])).toEqual(["JWT_SIGNING_KEY_PREVIOUS", "OPERATOR_TOKEN_PREVIOUS"]);
    const settled = acct.read().secrets;
    expect(Object.keys(settled).sort()).toEqual(["JWT_SIGNING_KEY", "OPERATOR_TOKEN"]);
    expect(await verifyAccessToken(settingsOf(settled), token)).toBeNull();
  });

  it("changes nothing when the live platform signs with an HS256 secret, which cannot be read back", async () => {
    const hs = standInAccount({ secrets: { JWT_SIGNING_KEY: "an-hs256-secret-that-is-long-enough-0123456789", OPERATOR_TOKEN: "op_x" }, deployments: [{ worker: "skylark", secrets: [] }] });
    const empty = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [] })));
    await new Promise<void>((r) => empty.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(empty.address() as { port: number }).port}/.well-known/jwks.json`;
      const r = await hs.script("rotate-keys.mjs", ["--remote", "--only", "signing-key", "--jwks-url", url]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/publishes no ES256 key.*Nothing was changed/s);
      expect(r.calls.filter((c) => c.startsWith("secret put"))).toEqual([]);
    } finally {
      empty.close();
    }
  });
});
