/**
 * `npm run simulate` (scripts/simulate.mjs) against a running platform: with the credentials a seed
 * saved, the demo thermometers publish readings the tenant's latest values show, heartbeats whose
 * vitals fleet health reports, and now and then an out-of-range reading the platform rejects. It
 * takes devices over from another simulation (which steps back), says so when no platform answers,
 * and stops on Ctrl-C.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script without type declarations
import { DEMO_CLIMATES, DEMO_TEMP_RANGE, demoHeartbeat, faultyReading, startDemoDevices } from "../../scripts/demo-devices.mjs";
// @ts-expect-error: plain ESM helper
import { DEMO_PROFILE } from "../../scripts/demo-tenant.mjs";
// @ts-expect-error: plain ESM helper
import { freePort } from "../../scripts/platform.mjs";
import { http, platformUrl, signupTenant } from "./client";

const ROOT = join(import.meta.dirname, "..", "..");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function simulate(env: Record<string, string>) {
  const child = spawn(process.execPath, ["scripts/simulate.mjs"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exit, output: () => output };
}

/** A tenant shaped like the demo one (its profile, thermo-1 and thermo-2) and the seed file npm run dev would write for it. */
async function demoLikeTenant() {
  const t = await signupTenant("sim");
  const profile = await http("POST", "/api/v1/device-profiles", { token: t.token, body: DEMO_PROFILE });
  expect(profile.status).toBe(201);
  const devices = [];
  for (const id of Object.keys(DEMO_CLIMATES)) {
    const created = await http("POST", "/api/v1/devices", { token: t.token, body: { id } });
    expect(created.status).toBe(201);
    devices.push(created.body.credentials);
  }
  const dir = mkdtempSync(join(tmpdir(), "skylark-simulate-"));
  dirs.push(dir);
  mkdirSync(join(dir, "state"));
  writeFileSync(join(dir, "demo-seed.json"), JSON.stringify({ tenant: t.tenantId, devices }));
  return { ...t, devices, stateDir: join(dir, "state") };
}

describe("npm run simulate", () => {
  it("heartbeats look like a device's: uptime counts, the battery drains within 5–100 %, rssi near -65 dBm; faulty readings are out of range", () => {
    const booted = 1_000_000;
    const early = demoHeartbeat(booted, booted + 60_000);
    const late = demoHeartbeat(booted, booted + 6 * 3_600_000);
    expect(early.uptime).toBe(60);
    expect(early.battery).toBe(100);
    expect(late.battery).toBeLessThan(early.battery);
    expect(demoHeartbeat(booted, booted + 365 * 86_400_000).battery).toBe(5);
    expect(Math.abs(early.rssi + 65)).toBeLessThanOrEqual(5);
    expect(faultyReading().temp).toBeGreaterThan(DEMO_TEMP_RANGE.max);
  });

  it("publishes readings, heartbeats and out-of-range values as the demo devices; takes them over; stops on SIGINT", { timeout: 60_000 }, async () => {
    const t = await demoLikeTenant();
    // Another simulation already drives the devices (as npm run dev's does): it must step back.
    const takenOver: string[] = [];
    const mqttUrl = `${platformUrl().replace(/^http/, "ws")}/t/${t.tenantId}/mqtt`;
    const stopOther = startDemoDevices(mqttUrl, t.tenantId, t.devices, { intervalMs: 60_000, log: () => {}, onTakenOver: (id: string) => takenOver.push(id) });
    try {
      await expect.poll(async () => (await http("GET", "/api/v1/devices/thermo-1/health", { token: t.token })).body.connected, { timeout: 15_000 }).toBe(true);
      const started = Date.now();
      const sim = simulate({ SKYLARK_URL: platformUrl(), SKYLARK_STATE_DIR: t.stateDir, SIMULATE_INTERVAL_MS: "200", SIMULATE_HEARTBEAT_MS: "300", SIMULATE_OUT_OF_RANGE: "0.3" });
      await expect.poll(() => takenOver.sort(), { timeout: 15_000 }).toEqual(["thermo-1", "thermo-2"]);

      const latest = async () => (await http("GET", "/api/v1/telemetry/latest?device=thermo-1,thermo-2", { token: t.token })).body.items as { device: keyof typeof DEMO_CLIMATES; values: Record<string, { value: number; ts: number }> }[];
      await expect.poll(async () => (await latest()).filter((d) => d.values.temp && d.values.temp.ts >= started).length, { timeout: 15_000 }).toBe(2);
      for (const d of await latest()) expect(Math.abs(d.values.temp!.value - DEMO_CLIMATES[d.device].temp)).toBeLessThanOrEqual(1.8);

      const health = async () => (await http("GET", "/api/v1/devices/thermo-2/health", { token: t.token })).body;
      await expect.poll(async () => typeof (await health()).vitals?.battery, { timeout: 15_000 }).toBe("number");
      const { vitals } = await health();
      expect(vitals.battery).toBeGreaterThanOrEqual(5);
      expect(vitals.battery).toBeLessThanOrEqual(100);
      expect(vitals.rssi).toBeLessThan(0);
      expect(vitals.uptime).toBeGreaterThanOrEqual(0);
      // Vitals are stored as telemetry too: the demo profile declares them, so none is refused.
      await expect.poll(async () => (await latest()).find((d) => d.device === "thermo-2")?.values.battery?.value, { timeout: 15_000 }).toBeGreaterThanOrEqual(5);

      const rejected = async () => (await http("GET", "/api/v1/telemetry/rejected?reason=out_of_range", { token: t.token })).body.items as { device: string }[];
      await expect.poll(async () => (await rejected()).length, { timeout: 15_000 }).toBeGreaterThan(0);
      expect(Object.keys(DEMO_CLIMATES)).toContain((await rejected())[0]!.device);
      const refused = await http("GET", "/api/v1/telemetry/rejected?reason=metric_not_allowed", { token: t.token });
      expect(refused.body.items).toEqual([]);

      expect(sim.output()).toContain("thermo-1 connected");
      sim.child.kill("SIGINT");
      expect(await sim.exit).toBe(0);
      await expect.poll(async () => (await http("GET", "/api/v1/devices/thermo-1/health", { token: t.token })).body.connected, { timeout: 15_000 }).toBe(false);
    } finally {
      await stopOther();
    }
  });

  it("says where no platform answers, and which credentials are missing", async () => {
    const port: number = await freePort();
    const noPlatform = simulate({ SKYLARK_URL: `http://127.0.0.1:${port}` });
    expect(await noPlatform.exit).toBe(1);
    expect(noPlatform.output()).toContain(`No Skylark platform answers at http://127.0.0.1:${port}`);

    const dir = mkdtempSync(join(tmpdir(), "skylark-simulate-"));
    dirs.push(dir);
    const noSeed = simulate({ SKYLARK_URL: platformUrl(), SKYLARK_STATE_DIR: join(dir, "state") });
    expect(await noSeed.exit).toBe(1);
    expect(noSeed.output()).toContain(`No demo device credentials at ${join(dir, "demo-seed.json")}`);

    const badRate = simulate({ SKYLARK_URL: platformUrl(), SIMULATE_OUT_OF_RANGE: "lots" });
    expect(await badRate.exit).toBe(1);
    expect(badRate.output()).toContain("SIMULATE_OUT_OF_RANGE must be a number from 0 to 1");
  });
});
