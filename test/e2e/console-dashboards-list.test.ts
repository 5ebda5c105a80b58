/**
 * The dashboards list and the demo dashboard in a real Chromium: a MEMBER exports a dashboard as a
 * file, imports it back and deletes it; the demo tenant's Thermometers dashboard (npm run dev)
 * shows its thermometers' readings, the fleet table and the map.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { logIn, member, openPage as open, SCREENSHOTS, useBrowser } from "./browser";
import { http } from "./client";
import { chartPoints, createDashboard, openDashboard, SLOW, stored, telemetry } from "./dashboard-helpers";
import { Client, closeClients, deviceOpts, newTenant, registerDevice } from "./mqtt-helpers";
// @ts-expect-error: plain ESM module shared with scripts/dev.mjs
import { demoDashboard } from "../../scripts/demo-dashboard.mjs";

const browser = useBrowser();
afterEach(async () => {
  await closeClients();
});

describe("console dashboards list and demo", () => {
  it(
    "the list: a MEMBER exports a dashboard as a JSON file, imports it back as a new one, and deletes it",
    async () => {
      const t = await newTenant("ui-dash-list");
      await createDashboard(t, { name: "Original", description: "to be copied", widgets: [{ id: "m", type: "map", x: 0, y: 0, w: 6, h: 4 }] });
      const editor = await member({ tenantId: t.id, token: t.token, email: t.email, password: t.password }, "MEMBER");
      const { page, blocked } = await open(browser());
      await logIn(page, t.id, editor.email, editor.password);
      await page.click('nav.sidenav a[href="/dashboards"]');
      const row = (name: string) => page.locator("#dashboard-rows tr", { has: page.locator(`a:has-text("${name}")`) });
      await row("Original").waitFor();

      const [download] = await Promise.all([page.waitForEvent("download"), row("Original").locator("button:has-text('Export')").click()]);
      expect(download.suggestedFilename()).toBe("dashboard-original.json");
      const exported = JSON.parse(readFileSync((await download.path())!, "utf8"));
      expect(exported).toMatchObject({ schemaVersion: 1, name: "Original", description: "to be copied", widgets: [{ id: "m", type: "map" }] });
      expect(exported.id).toBeUndefined();

      // Not JSON: named, nothing created.
      await page.setInputFiles("#import-dashboard input[type=file]", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
      await page.click("#import-dashboard button[type=submit]");
      await expect.poll(() => page.textContent("#import-dashboard [role=alert]")).toContain("notes.txt is not JSON");
      // The export, renamed: a new dashboard, opened at once.
      await page.setInputFiles("#import-dashboard input[type=file]", { name: "copy.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ ...exported, name: "Copy" })) });
      await page.click("#import-dashboard button[type=submit]");
      await expect.poll(() => page.textContent("#page-title")).toBe("Copy");
      await page.waitForSelector("#widget-m");

      await page.click('nav.sidenav a[href="/dashboards"]');
      await row("Copy").waitFor();
      page.once("dialog", (d) => void d.accept());
      await row("Copy").locator("button:has-text('Delete')").click();
      await expect.poll(() => page.textContent("#dashboards-view [role=status]")).toContain("Deleted “Copy”");
      await expect.poll(() => row("Copy").count()).toBe(0);
      const left = await http("GET", "/api/v1/dashboards", { token: t.token });
      expect(left.body.items.map((d: { name: string }) => d.name)).not.toContain("Copy");
      expect(left.body.items.map((d: { name: string }) => d.name)).toContain("Original");
      expect(blocked).toEqual([]);
      await page.close();
    },
    SLOW,
  );

  it(
    "the demo tenant's Thermometers dashboard (npm run dev) shows the thermometers' readings, the fleet and the map",
    async () => {
      const t = await newTenant("ui-dash-demo");
      const cold = await registerDevice(t, "thermo-1", { name: "Cold room thermometer", location: { lat: 52.37, lon: 4.89 } });
      const warm = await registerDevice(t, "thermo-2", { name: "Warehouse thermometer" });
      await createDashboard(t, demoDashboard);
      const now = Date.now();
      // Six hours of readings every 5 minutes, flushed as one backlog message per thermometer.
      const history = (base: number, swing: number, hum: number) =>
        JSON.stringify(Array.from({ length: 72 }, (_, i) => ({ ts: now - (72 - i) * 300_000, values: { temp: Math.round((base + Math.sin(i / 9) * swing) * 10) / 10, hum: Math.round(hum + Math.cos(i / 7) * 6) } })));
      for (const [device, payload] of [
        [cold, history(4, 1.5, 78)],
        [warm, history(19, 3, 48)],
      ] as const) {
        const client = await Client.open(t.id, deviceOpts(device, 4));
        await client.pub(telemetry(t, device.id), payload);
        await stored(t, device.id, "hum", JSON.parse(payload).at(-1).values.hum);
      }
      const { page, blocked } = await open(browser());
      await logIn(page, t.id, t.email, t.password);
      await openDashboard(page, "Thermometers");
      await expect.poll(() => page.locator("#dashboard-grid [data-widget]").count()).toBe(8);
      for (const chart of ["temp", "hum"]) {
        await expect.poll(() => page.locator(`#chart-${chart} .ts-chart-summary tbody th`).allTextContents()).toEqual(["Cold room", "Warehouse"]);
        await expect.poll(() => chartPoints(page, chart)).toBeGreaterThan(10);
      }
      await expect.poll(() => page.textContent("#widget-cold-room-temp .value-text")).toMatch(/^\d+\.\d °C$/);
      await expect.poll(() => page.textContent("#widget-warehouse-hum .value-text")).toMatch(/^\d+\.\d %$/);
      await expect.poll(() => page.locator("#widget-fleet tbody tr").count()).toBe(2);
      await expect.poll(() => page.locator("#widget-fleet td[data-metric=temp]").allTextContents()).toEqual([expect.stringMatching(/^\d/), expect.stringMatching(/^\d/)]);
      expect(await page.locator("#widget-map .markers a[data-device]").count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-demo.png"), fullPage: true });
      expect(blocked).toEqual([]);
      await page.close();
    },
    SLOW,
  );
});
