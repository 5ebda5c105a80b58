/**
 * Firmware rollouts end to end on `wrangler dev`, with devices driven by the reference client
 * firmware teams get (examples/ota-device.mjs) over real MQTT.js connections: a staged rollout to
 * 200 devices and its rollback; a failure rate and an unhealthy updated cohort that each pause the
 * rollout before the next wave; a device offline during its wave, one that never comes back, a
 * download cut halfway, a corrupted image and an image signed by a key the device does not trust;
 * and a rollout that carries on through a restart of the platform (a platform of its own).
 */
import { generateKeyPairSync, sign, createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDevice, type OtaDevice, type OtaDeviceOptions } from "../../examples/ota-device.mjs";
import { operatorToken, platformUrl, uniqueId } from "./client";
// @ts-expect-error: plain ESM helper shared with scripts/dev.mjs
import { applyMigrations, generateSecrets, startPlatform, startPlatformOnFreePort, writeVarsFile } from "../../scripts/platform.mjs";

type Platform = { url: string; stop: () => Promise<void> };
/** An Ed25519 key pair as DER: SPKI public key (its last 32 bytes are the raw key), PKCS#8 private key. */
type SigningKey = { publicKey: Buffer; privateKey: Buffer };
const newSigningKey = (): SigningKey => generateKeyPairSync("ed25519", { publicKeyEncoding: { type: "spki", format: "der" }, privateKeyEncoding: { type: "pkcs8", format: "der" } });
type Fleet = { base: string; tenant: string; token: string; secrets: Map<string, string>; devices: Map<string, OtaDevice> };

const stateDir = mkdtempSync(join(tmpdir(), "skylark-ota-devices-"));
const running: OtaDevice[] = [];
afterAll(async () => {
  await Promise.all(running.map((d) => d.stop()));
  rmSync(stateDir, { recursive: true, force: true });
});

async function api(base: string, method: string, path: string, token: string | undefined, body?: unknown, raw?: Uint8Array<ArrayBuffer>): Promise<any> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, ...(raw ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const json = (await res.json().catch(() => null)) as any;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const image = (size: number, seed: number): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: size }, (_, i) => (i * seed + 3) % 251);
const b64 = (b: Uint8Array | Buffer) => Buffer.from(b).toString("base64");

/** A tenant on a plan that holds 200 devices, firmware 1.0.0 and 1.1.0 (signed when a key is given), and `count` registered devices at 1.0.0. */
async function fleet(base: string, opts: { count: number; imageBytes?: number; signingKey?: SigningKey | null; operator?: string }): Promise<Fleet> {
  const tenant = uniqueId("ota").toLowerCase();
  const signup = await api(base, "POST", "/api/v1/auth/signup", undefined, { email: `${tenant}@example.com`, password: "ota end to end password", tenant: { id: tenant, name: `OTA ${tenant}` } });
  const token: string = signup.token.token;
  await api(base, "PATCH", `/api/v1/admin/tenants/${tenant}`, opts.operator ?? operatorToken(), { plan: "professional" });
  const key = opts.signingKey;
  if (key) await api(base, "PUT", "/api/v1/firmware/signing", token, { publicKey: b64(key.publicKey.subarray(-32)), requireSigned: false });
  for (const [id, version, seed] of [
    ["fw-100", "1.0.0", 7],
    ["fw-110", "1.1.0", 13],
  ] as const) {
    const bytes = image(opts.imageBytes ?? 20_000, seed);
    const signature = key ? b64(sign(null, createHash("sha256").update(bytes).digest(), { key: key.privateKey, format: "der", type: "pkcs8" })) : undefined;
    await api(base, "POST", "/api/v1/firmware", token, { id, title: `image ${version}`, version, ...(signature ? { signature } : {}) });
    await api(base, "PUT", `/api/v1/firmware/${id}/artifact`, token, undefined, bytes);
  }
  const secrets = new Map<string, string>();
  const ids = Array.from({ length: opts.count }, (_, i) => `dev-${String(i).padStart(3, "0")}`);
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(
      ids.slice(i, i + 10).map(async (id) => {
        const created = await api(base, "POST", "/api/v1/devices", token, { id, tags: ["fleet"], firmwareVersion: "1.0.0" });
        secrets.set(id, created.credentials.password);
      }),
    );
  }
  return { base, tenant, token, secrets, devices: new Map() };
}

async function start(f: Fleet, id: string, extra: Partial<OtaDeviceOptions> = {}): Promise<OtaDevice> {
  const device = await runDevice({ url: f.base, tenant: f.tenant, deviceId: id, secret: f.secrets.get(id)!, version: "1.0.0", stateDir: join(stateDir, f.tenant), ...extra });
  running.push(device);
  f.devices.set(id, device);
  return device;
}

async function startAll(f: Fleet, ids: string[], extra: (id: string) => Partial<OtaDeviceOptions> = () => ({})): Promise<void> {
  for (let i = 0; i < ids.length; i += 25) await Promise.all(ids.slice(i, i + 25).map((id) => start(f, id, extra(id))));
}

const strategy = (phases: number[], over: Record<string, unknown> = {}, gate: Record<string, unknown> = {}) => ({
  kind: "phases",
  phases: phases.map((percent) => ({ percent, waitMinutes: 0 })),
  maxConcurrent: 200,
  updateTimeoutMinutes: 0.5,
  retries: 0,
  gate: { soakMinutes: 0, marginPercent: 5, abortThresholdPercent: 10, minExecuted: 5, minCohort: 5, ...gate },
  ...over,
});

const rollout = (f: Fleet, id: string) => api(f.base, "GET", `/api/v1/rollouts/${id}`, f.token);
async function executions(f: Fleet, id: string, query = ""): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | undefined;
  do {
    const page = await api(f.base, "GET", `/api/v1/rollouts/${id}/devices?limit=500${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, f.token);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v).slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const versionsOf = async (f: Fleet) => {
  const out: Record<string, number> = {};
  let cursor: string | undefined;
  do {
    const page = await api(f.base, "GET", `/api/v1/devices?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, f.token);
    for (const d of page.items) out[d.firmwareVersion] = (out[d.firmwareVersion] ?? 0) + 1;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
};

describe("a staged rollout to 200 devices", () => {
  it("updates 5 % → 25 % → 100 % with per-wave counts, and a rollback returns every device to 1.0.0", { timeout: 150_000 }, async () => {
    const f = await fleet(platformUrl(), { count: 200 });
    await startAll(f, [...f.secrets.keys()]);
    await api(f.base, "POST", "/api/v1/rollouts", f.token, { id: "spring", firmwareId: "fw-110", target: { tags: ["fleet"] }, strategy: strategy([5, 25, 100], { updateTimeoutMinutes: 1 }, { soakMinutes: 0.1 }) });
    const done = await until(
      "all 200 updated",
      () => rollout(f, "spring"),
      (r) => r.status !== "running",
      90_000,
    );
    expect(done.status).toBe("completed");
    expect(done.waveCounts.map((w: any) => [w.devices, w.counts.succeeded])).toEqual([
      [10, 10],
      [40, 40],
      [150, 150],
    ]);
    expect(done.gates.map((g: any) => g.verdict)).toEqual(["continue", "continue", "continue"]);
    expect(await versionsOf(f)).toEqual({ "1.1.0": 200 });
    expect([...f.devices.values()].every((d) => d.version === "1.1.0")).toBe(true);

    const back = await api(f.base, "POST", "/api/v1/rollouts/spring/rollback", f.token, {});
    expect(back.rollout).toMatchObject({ kind: "rollback", version: "1.0.0", devices: 200 });
    const rolledBack = await until(
      "rollback done",
      () => rollout(f, back.rollout.id),
      (r) => r.status !== "running",
      60_000,
    );
    expect(rolledBack.counts.succeeded).toBe(200);
    expect(await versionsOf(f)).toEqual({ "1.0.0": 200 });
    expect([...f.devices.values()].every((d) => d.version === "1.0.0")).toBe(true);
  });
});

describe("gates that stop a rollout before the next wave", () => {
  it("pauses when updates fail past the threshold, with the figures in pausedReason", { timeout: 60_000 }, async () => {
    const f = await fleet(platformUrl(), { count: 20 });
    await api(f.base, "POST", "/api/v1/rollouts", f.token, { id: "doomed", firmwareId: "fw-110", target: { tags: ["fleet"] }, strategy: strategy([50, 100]) });
    // Devices start once the waves are known: three of the first wave fail to flash.
    const failing = new Set((await executions(f, "doomed", "&wave=0")).slice(0, 3).map((e) => e.deviceId));
    await startAll(f, [...f.secrets.keys()], (id) => ({ failInstall: failing.has(id) }));
    const paused = await until(
      "paused",
      () => rollout(f, "doomed"),
      (r) => r.status === "paused",
    );
    expect(paused.pausedReason).toMatchObject({ by: "gate", message: expect.stringContaining("finished updates failed") });
    const gate = paused.pausedReason.gate;
    expect(gate.findings[0]).toMatchObject({ measure: "failure_rate", limitPercent: 10 });
    expect(gate.findings[0].updatedPercent).toBeGreaterThan(10);
    expect(gate.outcomes.failed).toBeGreaterThanOrEqual(1);
    expect(paused.waveCounts[1].counts.pending).toBe(paused.waveCounts[1].devices);
    for (const id of failing) expect(f.devices.get(id)!.reports.at(-1)).toMatchObject({ state: "failed", error: expect.stringContaining("flash") });
  });

  it("pauses on the health gate when the updated devices drop off the network, although none reported a failure", { timeout: 60_000 }, async () => {
    const f = await fleet(platformUrl(), { count: 20 });
    await api(f.base, "POST", "/api/v1/rollouts", f.token, { id: "sickly", firmwareId: "fw-110", target: { tags: ["fleet"] }, strategy: strategy([50, 100], {}, { soakMinutes: 0.15 }) });
    const firstWave = new Set((await executions(f, "sickly", "&wave=0")).map((e) => e.deviceId));
    await startAll(f, [...f.secrets.keys()]);
    // As a bad image would: each updated device goes silent right after confirming the update.
    await Promise.all([...firstWave].map(async (id) => (await f.devices.get(id)!.done("sickly")) === "succeeded" && f.devices.get(id)!.disconnect()));
    const paused = await until(
      "paused on health",
      () => rollout(f, "sickly"),
      (r) => r.status === "paused",
    );
    const gate = paused.pausedReason.gate;
    expect(gate.findings).toContainEqual({ measure: "offline_share", updatedPercent: 100, controlPercent: 0, limitPercent: 5 });
    expect(gate).toMatchObject({ updated: { devices: 10, offline: 10 }, control: { devices: 10, offline: 0 }, outcomes: { executed: 10, failed: 0 } });
    expect(paused.counts.failed).toBe(0);
    expect(paused.waveCounts[1].counts.pending).toBe(10);
  });
});

describe("devices that are away, cut off or handed a bad image", () => {
  it("updates a late device from its retained notice, times out one that never returns, resumes a cut download with Range, and never installs a corrupt or foreign-signed image", { timeout: 90_000 }, async () => {
    const key = newSigningKey();
    const stranger = newSigningKey();
    const f = await fleet(platformUrl(), { count: 7, imageBytes: 2 * 1024 * 1024, signingKey: key });
    const trusted = b64(key.publicKey.subarray(-32));
    const [ok1, ok2, late, never, cut, corrupt, forged] = [...f.secrets.keys()] as [string, string, string, string, string, string, string];
    await start(f, ok1, { publicKey: trusted });
    await start(f, ok2, { publicKey: trusted });
    await start(f, cut, { publicKey: trusted, cutAfterBytes: 300_000 });
    await start(f, corrupt, { publicKey: trusted, corrupt: true });
    await start(f, forged, { publicKey: b64(stranger.publicKey.subarray(-32)) });
    await api(f.base, "POST", "/api/v1/rollouts", f.token, { id: "edge", firmwareId: "fw-110", target: { tags: ["fleet"] }, strategy: strategy([100], { updateTimeoutMinutes: 0.5 }, { abortThresholdPercent: 100 }) });

    // The late device comes online after its notice went out: the retained notice is waiting.
    await until(
      "late device notified",
      () => executions(f, "edge", "&state=notified"),
      (e) => e.some((x) => x.deviceId === late),
    );
    await start(f, late, { publicKey: trusted });
    const done = await until(
      "finished",
      () => rollout(f, "edge"),
      (r) => r.status !== "running",
      60_000,
    );
    expect(done.status).toBe("completed");
    expect(done.counts).toMatchObject({ succeeded: 4, failed: 2, timed_out: 1 });
    const byId = Object.fromEntries((await executions(f, "edge")).map((e) => [e.deviceId, e]));
    expect([ok1, ok2, late, cut].map((id) => byId[id].state)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    expect(byId[never]).toMatchObject({ state: "timed_out" });

    const cutDevice = f.devices.get(cut)!;
    expect(cutDevice.requests[0]).toEqual({ range: null, status: 200 });
    expect(cutDevice.requests[1]).toEqual({ range: expect.stringMatching(/^bytes=\d+-$/), status: 206 });
    expect(Number(/\d+/.exec(cutDevice.requests[1]!.range!)![0])).toBeGreaterThanOrEqual(300_000);

    for (const [id, why] of [
      [corrupt, "SHA-256 mismatch"],
      [forged, "signature mismatch"],
    ] as const) {
      expect(byId[id]).toMatchObject({ state: "failed", error: expect.stringContaining(why) });
      expect(byId[id].history.map((h: any) => h.state)).not.toContain("succeeded");
      expect(f.devices.get(id)!.reports.some((r) => r.state === "succeeded")).toBe(false);
      expect(f.devices.get(id)!.version).toBe("1.0.0");
      expect((await api(f.base, "GET", `/api/v1/devices/${id}`, f.token)).firmwareVersion).toBe("1.0.0");
    }
  });
});

describe("a rollout through a platform restart", () => {
  const dir = mkdtempSync(join(tmpdir(), "skylark-ota-restart-"));
  let platform: Platform | undefined;
  afterAll(async () => {
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("carries on with the next wave after `wrangler dev` stops and starts on the same state mid-wave", { timeout: 240_000 }, async () => {
    const state = join(dir, "state");
    const envFile = join(dir, "secrets.env");
    const secrets = await generateSecrets();
    writeVarsFile(envFile, secrets, { forTests: true });
    applyMigrations({ persistTo: state });
    platform = (await startPlatformOnFreePort({ persistTo: state, envFile, quiet: true })) as Platform;
    const f = await fleet(platform.url, { count: 20, operator: secrets.OPERATOR_TOKEN });
    await api(f.base, "POST", "/api/v1/rollouts", f.token, { id: "steady", firmwareId: "fw-110", target: { tags: ["fleet"] }, strategy: strategy([50, 100], { updateTimeoutMinutes: 2 }) });
    const [first, second] = [await executions(f, "steady", "&wave=0"), await executions(f, "steady", "&wave=1")].map((w) => w.map((e) => e.deviceId));
    // The second wave's devices are off until after the restart, so the restart lands inside that wave.
    await startAll(f, first!);
    await until(
      "second wave notified",
      () => rollout(f, "steady"),
      (r) => r.wave === 1 && r.waveCounts[1].counts.notified === 10,
    );

    const port = Number(new URL(platform.url).port);
    await platform.stop();
    platform = (await startPlatform({ port, persistTo: state, envFile, quiet: true })) as Platform;
    await startAll(f, second!);
    const done = await until(
      "finished after the restart",
      () => rollout(f, "steady"),
      (r) => r.status !== "running",
      90_000,
    );
    expect(done.status).toBe("completed");
    expect(done.waveCounts.map((w: any) => w.counts.succeeded)).toEqual([10, 10]);
    expect(await versionsOf(f)).toEqual({ "1.1.0": 20 });
  });
});
