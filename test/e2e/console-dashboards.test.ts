/**
 * Dashboards in a real Chromium against wrangler dev: a device's readings, published with MQTT.js,
 * reach a dashboard's chart and value card live (no reload, within 2 s); a dashboard with every
 * widget type is built through the editor, saved and seen again after a reload; two editors of one
 * dashboard — the stale save gets a conflict message; a VIEWER sees the dashboard without any edit
 * control; the live chart survives the browser going offline and backfills what was published
 * meanwhile, each point once. The console runs under its CSP: nothing may be refused.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { logIn, member, openPage as open, SCREENSHOTS, useBrowser } from "./browser";
import { http } from "./client";
import { chartPoints, createDashboard, latestCell, logInHere, openDashboard, SLOW, stored, telemetry, trackSockets } from "./dashboard-helpers";
import { Client, closeClients, deviceOpts, newTenant, registerDevice } from "./mqtt-helpers";

const browser = useBrowser();
afterEach(async () => {
  await closeClients();
});

describe("console dashboards", () => {
  it(
    "readings published over MQTT appear on a dashboard chart and value card within 2 s, without reload",
    async () => {
      const t = await newTenant("ui-dash-live");
      const device = await registerDevice(t, "cold-room");
      await createDashboard(t, {
        name: "Cold room",
        timeRange: { relative: "15m" },
        widgets: [
          { id: "temp", type: "timeseries", title: "Temperature", x: 0, y: 0, w: 8, h: 4, bucket: "raw", series: [{ deviceId: "cold-room", metric: "temp", label: "Cold room" }] },
          { id: "now", type: "value", title: "Now", x: 8, y: 0, w: 4, h: 2, deviceId: "cold-room", metric: "temp", unit: "°C", decimals: 1, thresholds: [{ value: 8, color: "#d0021b" }] },
        ],
      });
      const { page, blocked } = await open(browser());
      const sockets = trackSockets(page);
      await logIn(page, t.id, t.email, t.password);
      await openDashboard(page, "Cold room");
      await page.waitForSelector('#live-status[data-status="live"]');
      expect(await chartPoints(page, "temp")).toBe(0);

      const sensor = await Client.open(t.id, deviceOpts(device, 4));
      await sensor.pub(telemetry(t, "cold-room"), JSON.stringify({ ts: Date.now(), values: { temp: 4.26 } }));
      await expect.poll(() => latestCell(page, "temp"), { timeout: 2000, interval: 50 }).toMatch(/^4\.26 at /);
      await expect.poll(() => page.textContent("#widget-now .value-text"), { timeout: 2000, interval: 50 }).toBe("4.3 °C");

      // A reading above the threshold turns the card red, and says so in words.
      await sensor.pub(telemetry(t, "cold-room"), JSON.stringify({ temp: 9.5 }));
      await expect.poll(() => page.textContent("#widget-now .value-text"), { timeout: 2000, interval: 50 }).toBe("9.5 °C");
      expect(await page.textContent("#widget-now .value-band")).toContain("at or above 8");
      expect(await page.$eval("#widget-now .value-number", (el) => getComputedStyle(el).color)).toBe("rgb(208, 2, 27)");
      await expect.poll(() => chartPoints(page, "temp"), { timeout: 2000 }).toBe(2);
      // Both widgets share the console's one connection to the hub, which ends with the session.
      expect(sockets.map((s) => s.url)).toEqual([expect.stringMatching(new RegExp(`/t/${t.id}/mqtt$`))]);
      await page.click("button:has-text('Log out')");
      await page.waitForSelector("#login-form");
      await expect.poll(() => sockets[0]!.closed).toBe(true);
      expect(blocked).toEqual([]);
      await page.close();
    },
    SLOW,
  );

  it(
    "a dashboard with every widget type is built in the editor, saved, and shown again after a reload",
    async () => {
      const t = await newTenant("ui-dash-build");
      const device = await registerDevice(t, "thermo-a", { name: "Greenhouse", location: { lat: 52.37, lon: 4.9 } });
      await registerDevice(t, "thermo-b", { name: "Shed", location: { lat: 52.1, lon: 5.1 } });
      const sensor = await Client.open(t.id, deviceOpts(device, 4));
      const now = Date.now();
      // A quarter of an hour of readings, flushed as one backlog message.
      const backlog = Array.from({ length: 30 }, (_, i) => ({ ts: now - (30 - i) * 30_000, values: { temp: 18 + Math.sin(i / 4) * 3, hum: 55 + i / 3 } }));
      await sensor.pub(telemetry(t, "thermo-a"), JSON.stringify(backlog));
      await stored(t, "thermo-a", "hum", backlog.at(-1)!.values.hum);

      const { page, blocked } = await open(browser());
      await logIn(page, t.id, t.email, t.password);
      await page.click('nav.sidenav a[href="/dashboards"]');
      await page.fill("#create-dashboard input[name=name]", "Everything");
      await page.click("#create-dashboard button[type=submit]");
      await page.waitForSelector("#dashboard-editor");

      const add = async (type: string) => {
        await page.selectOption("#add-widget-type", type);
        await page.click("#add-widget");
        return page.locator(".selected-widget .widget-form");
      };
      let form = await add("timeseries");
      await form.locator("input[name=deviceId]").fill("thermo-a");
      await form.locator("input[name=metric]").fill("temp");
      await form.locator("input[name=label]").fill("Greenhouse");
      await form.locator("input[name=title]").fill("Temperature");
      await form.locator("button:has-text('Add series')").click();
      await form.locator("[data-series-index='1'] input[name=metric]").fill("hum");
      form = await add("value");
      await form.locator("input[name=deviceId]").fill("thermo-a");
      await form.locator("input[name=metric]").fill("temp");
      await form.locator("input[name=unit]").fill("°C");
      await form.locator("button:has-text('Add threshold')").click();
      form = await add("gauge");
      await form.locator("input[name=deviceId]").fill("thermo-a");
      await form.locator("input[name=metric]").fill("hum");
      await form.locator("input[name=max]").fill("80");
      await add("map");
      await add("table");
      form = await add("events");
      await form.locator("input[name=title]").fill("Rejected");
      // Moved and resized by buttons, not by dragging.
      await page.click(".nudges button[data-nudge=taller]");

      // The schema is checked before anything is sent: a bad field is named and nothing is saved.
      let puts = 0;
      page.on("request", (r) => r.method() === "PUT" && puts++);
      await page.click("#widget-gauge-1 [data-action=edit]");
      await page.locator(".selected-widget input[name=max]").fill("-5");
      await page.click("#save-dashboard");
      await expect.poll(() => page.textContent("#save-error")).toContain("widgets.2.max");
      expect(await page.textContent(".selected-widget .field-error")).toMatch(/^Maximum: max must be above min/);
      expect(puts).toBe(0);
      await page.locator(".selected-widget input[name=max]").fill("80");
      await page.click("#save-dashboard");
      await expect.poll(() => page.textContent("#save-status")).toBe("Saved (version 2).");
      expect(puts).toBe(1);

      const types = ["timeseries", "value", "gauge", "map", "table", "events"];
      const saved = await http("GET", `/api/v1/dashboards/${await page.getAttribute("#dashboard-view", "data-id")}`, { token: t.token });
      expect(saved.status).toBe(200);
      expect(saved.body.widgets.map((w: { type: string }) => w.type)).toEqual(types);
      expect(saved.body.widgets[0]).toMatchObject({
        title: "Temperature",
        series: [
          { deviceId: "thermo-a", metric: "temp", label: "Greenhouse" },
          { deviceId: "thermo-a", metric: "hum" },
        ],
      });
      expect(saved.body.widgets[5]).toMatchObject({ type: "events", source: "rejected", h: 5 });

      // A reload ends the in-memory session; after logging in again the same path shows the same dashboard.
      await page.reload();
      await logInHere(page, t);
      await page.waitForSelector("#dashboard-grid");
      expect(await page.locator("#dashboard-grid [data-widget]").evaluateAll((els) => els.map((e) => e.getAttribute("data-type")))).toEqual(types);
      expect(await page.textContent("#page-title")).toBe("Everything");
      // Bucketed by minute (automatic for the default hour): both series drawn, from the backlog.
      const counts = () => page.locator("#chart-timeseries-1 .ts-chart-summary tbody tr").evaluateAll((rows) => rows.map((r) => Number(r.querySelector("td")?.textContent)));
      await expect.poll(async () => (await counts()).map((n) => n >= 10)).toEqual([true, true]);
      await expect.poll(() => page.locator("#widget-map-1 .markers a[data-device]").count()).toBe(2);
      await expect.poll(() => page.locator("#widget-table-1 tbody tr").count()).toBe(2);
      await expect.poll(() => page.textContent("#widget-table-1 tbody")).toContain("Greenhouse");
      await expect.poll(() => page.textContent("#widget-value-1 .value-text")).toMatch(/^\d+(\.\d+)? °C$/);
      expect(await page.locator("#widget-gauge-1 svg[role=img]").getAttribute("aria-label")).toMatch(/on a scale from 0 to 80/);
      // The rejected-messages list: a message the pipeline refuses shows up on refresh, with its reason.
      await sensor.pub(telemetry(t, "thermo-a"), "not json");
      await expect
        .poll(
          async () => {
            await page.click("#widget-events-1 button:has-text('Refresh')");
            await new Promise((r) => setTimeout(r, 400));
            return page.textContent("#widget-events-1 .events");
          },
          { timeout: 8000, interval: 100 },
        )
        .toContain("invalid_json");
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard.png"), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      // One column on a phone: every widget starts at the left edge of the grid.
      await expect.poll(() => page.locator("#dashboard-grid [data-widget]").evaluateAll((els) => new Set(els.map((e) => Math.round(e.getBoundingClientRect().left))).size)).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-phone.png"), fullPage: true });
      expect(blocked).toEqual([]);
      await page.close();
    },
    SLOW,
  );

  it(
    "two editors of one dashboard: the stale save is refused with a conflict message that offers their version",
    async () => {
      const t = await newTenant("ui-dash-conflict");
      await createDashboard(t, { name: "Shared", widgets: [{ id: "map", type: "map", x: 0, y: 0, w: 6, h: 4 }] });
      const tabs = await Promise.all([open(browser()), open(browser())]);
      for (const { page } of tabs) {
        await logIn(page, t.id, t.email, t.password);
        await openDashboard(page, "Shared");
        await page.click("#edit-dashboard");
        await page.click(".dashboard-settings summary");
      }
      const [first, second] = tabs.map((x) => x.page) as [Page, Page];
      await first.fill("#dashboard-editor input[name=dashboardName]", "Shared (first)");
      await first.click("#save-dashboard");
      await expect.poll(() => first.textContent("#save-status")).toBe("Saved (version 2).");

      await second.fill("#dashboard-editor input[name=dashboardDescription]", "second editor's words");
      await second.click("#save-dashboard");
      await second.waitForSelector("#save-conflict");
      expect(await second.textContent("#save-conflict")).toMatch(/someone else saved this dashboard while you were editing.*version 2 is current/i);
      // Nothing was overwritten.
      const stored = await http("GET", `/api/v1/dashboards/${await first.getAttribute("#dashboard-view", "data-id")}`, { token: t.token });
      expect(stored.body).toMatchObject({ name: "Shared (first)", description: "", version: 2 });
      await second.click("#reload-dashboard");
      await expect.poll(() => second.textContent("#page-title")).toBe("Shared (first)");
      await second.click(".dashboard-settings summary");
      expect(await second.inputValue("#dashboard-editor input[name=dashboardName]")).toBe("Shared (first)");
      for (const { page, blocked } of tabs) {
        expect(blocked).toEqual([]);
        await page.close();
      }
    },
    SLOW,
  );

  it(
    "a VIEWER sees the dashboard and its data but no edit control",
    async () => {
      const t = await newTenant("ui-dash-viewer");
      const device = await registerDevice(t, "probe");
      const id = await createDashboard(t, {
        name: "Read only",
        widgets: [
          { id: "v", type: "value", title: "Probe", x: 0, y: 0, w: 3, h: 2, deviceId: "probe", metric: "temp" },
          { id: "t", type: "table", title: "Fleet", x: 3, y: 0, w: 9, h: 3, metrics: ["temp"] },
          { id: "e", type: "events", title: "Events", x: 0, y: 3, w: 12, h: 3, source: "events" },
        ],
      });
      const sensor = await Client.open(t.id, deviceOpts(device, 4));
      await sensor.pub(telemetry(t, "probe"), JSON.stringify({ temp: 12.5 }));
      await stored(t, "probe", "temp", 12.5);
      const viewer = await member({ tenantId: t.id, token: t.token, email: t.email, password: t.password }, "VIEWER");
      const { page, blocked } = await open(browser(), "dark");
      await logIn(page, t.id, viewer.email, viewer.password);
      await page.click('nav.sidenav a[href="/dashboards"]');
      await page.waitForSelector(`#dashboard-rows tr[data-dashboard="${id}"]`);
      expect(await page.locator("#dashboard-rows button:has-text('Delete')").count()).toBe(0);
      expect(await page.locator("#create-dashboard, #import-dashboard").count()).toBe(0);
      expect(await page.textContent("#viewer-note")).toContain("VIEWER");
      expect(await page.locator(`#dashboard-rows tr[data-dashboard="${id}"] button:has-text('Export')`).count()).toBe(1);

      await openDashboard(page, "Read only");
      await expect.poll(() => page.textContent("#widget-v .value-text")).toBe("12.5");
      await expect.poll(() => page.textContent("#widget-t tbody td[data-metric=temp]")).toBe("12.5");
      // Live for a VIEWER too.
      await page.waitForSelector('#live-status[data-status="live"]');
      await sensor.pub(telemetry(t, "probe"), JSON.stringify({ temp: 13 }));
      await expect.poll(() => page.textContent("#widget-v .value-text"), { timeout: 2000 }).toBe("13");
      // Device events are not stored as series: the list shows them as they are published.
      await sensor.pub(`t/${t.id}/devices/probe/events`, JSON.stringify({ door: "open" }));
      await expect.poll(() => page.textContent("#widget-e .events"), { timeout: 2000 }).toContain('{"door":"open"}');
      expect(await page.locator("#edit-dashboard, #dashboard-editor, [data-action], #save-dashboard").count()).toBe(0);
      // The range picker is the viewer's own: a custom range is checked before it applies.
      await page.selectOption("#dashboard-view .range-picker select", "custom");
      await page.fill("#dashboard-view .range-picker input[name=from]", "2026-01-02T10:00");
      await page.fill("#dashboard-view .range-picker input[name=to]", "2026-01-01T10:00");
      await page.click("#dashboard-view .range-picker button:has-text('Apply')");
      await expect.poll(() => page.textContent("#dashboard-view .range-picker [role=alert]")).toBe("Custom range: from must be before to.");
      await page.selectOption("#dashboard-view .range-picker select", "15m");
      await expect.poll(() => page.inputValue("#dashboard-view .range-picker select")).toBe("15m");
      // Not even by asking for the editor in the address.
      await page.evaluate((path) => {
        history.pushState(null, "", path);
        dispatchEvent(new Event("skylark:navigate"));
      }, `/dashboards/${id}?edit`);
      await page.waitForSelector("#dashboard-grid");
      expect(await page.locator("#dashboard-editor").count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, "dashboard-viewer-dark.png"), fullPage: true });
      expect(blocked).toEqual([]);
      await page.close();
    },
    SLOW,
  );

  it(
    "the live chart survives the browser going offline and backfills what was published meanwhile, each point once",
    async () => {
      const t = await newTenant("ui-dash-gap");
      const device = await registerDevice(t, "pump");
      await createDashboard(t, {
        name: "Pump",
        timeRange: { relative: "15m" },
        widgets: [{ id: "flow", type: "timeseries", x: 0, y: 0, w: 12, h: 4, bucket: "raw", series: [{ deviceId: "pump", metric: "flow" }] }],
      });
      const { page, blocked } = await open(browser());
      await logIn(page, t.id, t.email, t.password);
      await openDashboard(page, "Pump");
      await page.waitForSelector('#live-status[data-status="live"]');
      const sensor = await Client.open(t.id, deviceOpts(device, 4));
      let n = 0;
      const publish = async () => {
        n++;
        await sensor.pub(telemetry(t, "pump"), JSON.stringify({ ts: Date.now(), values: { flow: n } }));
      };

      for (let i = 0; i < 3; i++) await publish();
      await expect.poll(() => chartPoints(page, "flow"), { timeout: 2000 }).toBe(3);

      await page.context().setOffline(true);
      await page.waitForSelector('#live-status[data-status="reconnecting"]');
      for (let i = 0; i < 4; i++) await publish();
      await new Promise((r) => setTimeout(r, 500));
      // Nothing arrives while offline.
      expect(await chartPoints(page, "flow")).toBe(3);

      await page.context().setOffline(false);
      await page.waitForSelector('#live-status[data-status="live"]', { timeout: 10_000 });
      await expect.poll(() => chartPoints(page, "flow"), { timeout: 5000 }).toBe(7);
      await publish();
      await expect.poll(() => chartPoints(page, "flow"), { timeout: 2000 }).toBe(8);
      await expect.poll(() => latestCell(page, "flow")).toMatch(/^8 at /);
      // After the second backfill pass too, every reading is there once.
      await new Promise((r) => setTimeout(r, 3500));
      expect(await chartPoints(page, "flow")).toBe(8);
      expect(await page.textContent("#chart-flow .ts-chart-summary tbody td")).toBe("8");
      expect(blocked).toEqual([]);
      await page.close();
    },
    SLOW,
  );
});
