/**
 * The demo thermometers `npm run dev` starts (scripts/demo-devices.mjs): with their seeded
 * credentials they connect as real devices and their readings land in the tenant's telemetry,
 * inside the demo profile's ranges, so the demo dashboard is live from the first minute.
 */
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script without type declarations
import { DEMO_CLIMATES, demoReading, startDemoDevices } from "../../scripts/demo-devices.mjs";
import { http, platformUrl, signupTenant } from "./client";

let stop: (() => Promise<unknown>) | null = null;
afterAll(async () => {
  await stop?.();
});

describe("demo devices", () => {
  it("readings stay near each device's set point", () => {
    for (const id of Object.keys(DEMO_CLIMATES)) {
      for (let minute = 0; minute < 20; minute++) {
        const r = demoReading(id, minute * 60_000);
        expect(Math.abs(r.temp - DEMO_CLIMATES[id].temp)).toBeLessThanOrEqual(1.8);
        expect(r.hum).toBeGreaterThanOrEqual(0);
        expect(r.hum).toBeLessThanOrEqual(100);
      }
    }
  });

  it("publish as real devices with their own credentials: their readings become the latest values", async () => {
    const t = await signupTenant("demo-dev");
    const credentials = [];
    for (const id of ["thermo-1", "thermo-2"]) {
      const created = await http("POST", "/api/v1/devices", { token: t.token, body: { id } });
      expect(created.status).toBe(201);
      credentials.push(created.body.credentials);
    }
    const started = Date.now();
    stop = startDemoDevices(`${platformUrl().replace(/^http/, "ws")}/t/${t.tenantId}/mqtt`, t.tenantId, credentials, { intervalMs: 200, log: () => {} });
    const latest = async () => (await http("GET", "/api/v1/telemetry/latest?device=thermo-1,thermo-2", { token: t.token })).body.items;
    await expect.poll(async () => (await latest()).filter((d: { values: Record<string, unknown> }) => "temp" in d.values && "hum" in d.values).length, { timeout: 15_000, interval: 250 }).toBe(2);
    for (const d of await latest()) {
      expect(d.values.temp.ts).toBeGreaterThanOrEqual(started - 1_000);
      expect(Math.abs(d.values.temp.value - DEMO_CLIMATES[d.device].temp)).toBeLessThanOrEqual(1.8);
    }
  });
});
