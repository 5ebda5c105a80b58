/**
 * Dashboards in a real Chromium against wrangler dev: a device's readings, published with MQTT.js,
 * reach a dashboard's chart and value card live (no reload, within 2 s); a dashboard with every
 * widget type is built through the editor, saved and seen again after a reload; two editors of one
 * dashboard — the stale save gets a conflict message; a VIEWER sees the dashboard without any edit
 * control; the live chart survives the browser going offline and backfills what was published
 * meanwhile, each point once. The console runs under its CSP: nothing may be refused.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logIn, member, openPage as open, SCREENSHOTS } from "./browser";
import { http, platformUrl, uniqueId } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, type Tenant } from "./mqtt-helpers";
// @ts-expect-error: plain ESM module shared with scripts/dev.mjs
import { demoDashboard } from "../../scripts/demo-dashboard.mjs";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await closeClients();
});

/** Browser tests wait on a shared 2-core machine: generous per test, strict where the issue sets a bound (2 s). */
const SLOW = 90_000;

const telemetry = (t: Tenant, device: string) => `t/${t.id}/devices/${device}/telemetry`;

async function createDashboard(t: Tenant, doc: Record<string, unknown>): Promise<string> {
  const r = await http("POST", "/api/v1/dashboards", { token: t.token, body: doc });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

/** Opens a dashboard from the navigation, as a user would (a reload would end the in-memory session). */
async function openDashboard(page: Page, name: string) {
  await page.click('nav.sidenav a[href="/dashboards"]');
  await page.click(`#dashboard-rows a:has-text("${name}")`);
  await page.waitForSelector("#dashboard-grid");
}

/** Logs in again on the page it is on (after a reload the login form shows; the path is kept). */
async function logInHere(page: Page, t: { email: string; password: string }) {
  await page.fill("#login-form input[name=email]", t.email);
  await page.fill("#login-form input[name=password]", t.password);
  await page.click("#login-form button[type=submit]");
}

const chartPoints = (page: Page, widget: string) => page.getAttribute(`#chart-${widget}`, "data-points").then(Number);
const latestCell = (page: Page, widget: string) => page.textContent(`#chart-${widget} .ts-chart-latest`);

describe("console dashboards", () => {
  it("readings published over MQTT appear on a dashboard chart and value card within 2 s, without reload", async () => {
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
    const { page, blocked } = await open(browser);
    const sockets: { url: string; closed: boolean }[] = [];
    page.on("websocket", (ws) => {
      const s = { url: ws.url(), closed: false };
      sockets.push(s);
      ws.on("close", () => (s.closed = true));
    });
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
  }, SLOW);

  it("a dashboard with every widget type is built in the editor, saved, and shown again after a reload", async () => {
    const t = await newTenant("ui-dash-build");
    const device = await registerDevice(t, "thermo-a", { name: "Greenhouse", location: { lat: 52.37, lon: 4.9 } });
    await registerDevice(t, "thermo-b", { name: "Shed", location: { lat: 52.1, lon: 5.1 } });
    const sensor = await Client.open(t.id, deviceOpts(device, 4));
    const now = Date.now();
    // A quarter of an hour of readings, flushed as one backlog message.
    const backlog = Array.from({ length: 30 }, (_, i) => ({ ts: now - (30 - i) * 30_000, values: { temp: 18 + Math.sin(i / 4) * 3, hum: 55 + i / 3 } }));
    await sensor.pub(telemetry(t, "thermo-a"), JSON.stringify(backlog));

    const { page, blocked } = await open(browser);
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
    expect(saved.body.widgets[0]).toMatchObject({ title: "Temperature", series: [{ deviceId: "thermo-a", metric: "temp", label: "Greenhouse" }, { deviceId: "thermo-a", metric: "hum" }] });
    expect(saved.body.widgets[5]).toMatchObject({ type: "events", source: "rejected", h: 5 });

    // A reload ends the in-memory session; after logging in again the same path shows the same dashboard.
    await page.reload();
    await logInHere(page, t);
    await page.waitForSelector("#dashboard-grid");
    expect(await page.locator("#dashboard-grid [data-widget]").evaluateAll((els) => els.map((e) => e.getAttribute("data-type")))).toEqual(types);
    expect(await page.textContent("#page-title")).toBe("Everything");
    // Bucketed by minute (automatic for the default hour): both series drawn, from the backlog.
    await expect.poll(() => page.locator("#chart-timeseries-1 .ts-chart-summary tbody tr").evaluateAll((rows) => rows.map((r) => Number(r.querySelector("td")?.textContent)))).toEqual([expect.any(Number), expect.any(Number)]);
    const counts = await page.locator("#chart-timeseries-1 .ts-chart-summary tbody tr td:first-of-type").allTextContents();
    expect(counts.map(Number).every((n) => n >= 10)).toBe(true);
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
  }, SLOW);

  it("two editors of one dashboard: the stale save is refused with a conflict message that offers their version", async () => {
    const t = await newTenant("ui-dash-conflict");
    await createDashboard(t, { name: "Shared", widgets: [{ id: "map", type: "map", x: 0, y: 0, w: 6, h: 4 }] });
    const tabs = await Promise.all([open(browser), open(browser)]);
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
  }, SLOW);

  it("a VIEWER sees the dashboard and its data but no edit control", async () => {
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
    const viewer = await member({ tenantId: t.id, token: t.token, email: t.email, password: t.password }, "VIEWER");
    const { page, blocked } = await open(browser, "dark");
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
  }, SLOW);

  it("the live chart survives the browser going offline and backfills what was published meanwhile, each point once", async () => {
    const t = await newTenant("ui-dash-gap");
    const device = await registerDevice(t, "pump");
    await createDashboard(t, {
      name: "Pump",
      timeRange: { relative: "15m" },
      widgets: [{ id: "flow", type: "timeseries", x: 0, y: 0, w: 12, h: 4, bucket: "raw", series: [{ deviceId: "pump", metric: "flow" }] }],
    });
    const { page, blocked } = await open(browser);
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
  }, SLOW);

  it("the demo tenant's Thermometers dashboard (npm run dev) shows the thermometers' readings, the fleet and the map", async () => {
    const t = await newTenant("ui-dash-demo");
    const cold = await registerDevice(t, "thermo-1", { name: "Cold room thermometer", location: { lat: 52.37, lon: 4.89 } });
    const warm = await registerDevice(t, "thermo-2", { name: "Warehouse thermometer" });
    await createDashboard(t, demoDashboard);
    const now = Date.now();
    // Six hours of readings every 5 minutes, flushed as one backlog message per thermometer.
    const history = (base: number, swing: number, hum: number) =>
      JSON.stringify(Array.from({ length: 72 }, (_, i) => ({ ts: now - (72 - i) * 300_000, values: { temp: Math.round((base + Math.sin(i / 9) * swing) * 10) / 10, hum: Math.round(hum + Math.cos(i / 7) * 6) } })));
    for (const [device, payload] of [[cold, history(4, 1.5, 78)], [warm, history(19, 3, 48)]] as const) {
      const client = await Client.open(t.id, deviceOpts(device, 4));
      await client.pub(telemetry(t, device.id), payload);
    }
    const { page, blocked } = await open(browser);
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
  }, SLOW);

  it("a chart of 10 series × 10 000 points stays responsive while live points stream in", async () => {
    const t = await newTenant("ui-dash-big");
    const devices = await Promise.all(Array.from({ length: 10 }, (_, i) => registerDevice(t, `big-${i}`)));
    await createDashboard(t, {
      name: "Big",
      timeRange: { relative: "24h" },
      widgets: [{ id: "big", type: "timeseries", x: 0, y: 0, w: 12, h: 6, bucket: "raw", series: devices.map((d) => ({ deviceId: d.id, metric: "v" })) }],
    });
    const { page, blocked } = await open(browser);
    // The history is synthesized in the browser (the pipeline is measured by bench:telemetry): every
    // series its own 10 000 timestamps, so the chart merges 100 000 distinct instants.
    const now = Date.now();
    const history = JSON.stringify({
      from: now - 86_400_000,
      to: now,
      bucket: "raw",
      agg: "avg",
      source: "hot-store",
      series: devices.map((d, s) => ({ device: d.id, metric: "v", truncated: false, points: Array.from({ length: 10_000 }, (_, i) => ({ ts: now - 86_000_000 + i * 8_600 + s * 7, value: s * 10 + Math.sin(i / 200) * 4 })) })),
    });
    await page.route(/\/api\/v1\/telemetry\?/, (route) => route.fulfill({ status: 200, contentType: "application/json", body: history }));
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: "longtask", buffered: true });
    });
    await logIn(page, t.id, t.email, t.password);
    const opened = Date.now();
    await openDashboard(page, "Big");
    await expect.poll(() => chartPoints(page, "big"), { timeout: 10_000 }).toBe(100_000);
    const firstDraw = Date.now() - opened;
    await page.waitForSelector('#live-status[data-status="live"]');
    await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks = []));

    // Live points for every series, one message every 100 ms, each drawn promptly.
    const clients = await Promise.all(devices.map((d) => Client.open(t.id, deviceOpts(d, 4))));
    for (let i = 0; i < 20; i++) {
      const c = clients[i % 10]!;
      await c.pub(telemetry(t, devices[i % 10]!.id), JSON.stringify({ ts: Date.now(), values: { v: 100 + i } }), { qos: 0 });
      await new Promise((r) => setTimeout(r, 100));
    }
    await expect.poll(() => chartPoints(page, "big"), { timeout: 2000 }).toBe(100_020);
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    console.log(`10 × 10 000 points: drawn ${firstDraw} ms after opening; longest main-thread task while live: ${Math.round(Math.max(0, ...longTasks))} ms (${longTasks.length} tasks over 50 ms)`);
    // Responsive: no frame-blocking work anywhere near a second while points stream in.
    expect(Math.max(0, ...longTasks)).toBeLessThan(300);
    expect(blocked).toEqual([]);
    await page.close();
  }, SLOW);

  it("the list: a MEMBER exports a dashboard as a JSON file, imports it back as a new one, and deletes it", async () => {
    const t = await newTenant("ui-dash-list");
    await createDashboard(t, { name: "Original", description: "to be copied", widgets: [{ id: "m", type: "map", x: 0, y: 0, w: 6, h: 4 }] });
    const editor = await member({ tenantId: t.id, token: t.token, email: t.email, password: t.password }, "MEMBER");
    const { page, blocked } = await open(browser);
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
  }, SLOW);

  it("switching workspaces moves the live connection to the other tenant's hub, with the new token", async () => {
    const a = await newTenant("ui-dash-ws-a");
    const bId = uniqueId("ui-dash-ws-b");
    // The same address and password: the second workspace joins the same account.
    const signup = await http("POST", "/api/v1/auth/signup", { body: { email: a.email, password: a.password, tenant: { id: bId, name: `E2E ${bId}` } } });
    expect(signup.status).toBe(201);
    const b: Tenant = { id: bId, token: signup.body.token.token, email: a.email, password: a.password };
    const card = (deviceId: string) => [{ id: "v", type: "value", title: "Probe", x: 0, y: 0, w: 4, h: 2, deviceId, metric: "temp" }];
    const probes = { a: await registerDevice(a, "probe-a"), b: await registerDevice(b, "probe-b") };
    await createDashboard(a, { name: "Board A", widgets: card("probe-a") });
    await createDashboard(b, { name: "Board B", widgets: card("probe-b") });

    const { page, blocked } = await open(browser);
    const sockets: { url: string; closed: boolean }[] = [];
    page.on("websocket", (ws) => {
      const s = { url: ws.url(), closed: false };
      sockets.push(s);
      ws.on("close", () => (s.closed = true));
    });
    await page.goto(`${platformUrl()}/`);
    await page.fill("#login-form input[name=email]", a.email);
    await page.fill("#login-form input[name=password]", a.password);
    await page.fill("#login-form input[name=tenant]", a.id);
    await page.click("#login-form button[type=submit]");
    await openDashboard(page, "Board A");
    await page.waitForSelector('#live-status[data-status="live"]');
    const sensorA = await Client.open(a.id, deviceOpts(probes.a, 4));
    await sensorA.pub(telemetry(a, "probe-a"), JSON.stringify({ temp: 1.5 }));
    await expect.poll(() => page.textContent("#widget-v .value-text"), { timeout: 2000 }).toBe("1.5");

    await page.selectOption("#workspace-switch", bId);
    await expect.poll(() => page.textContent("#tenant-name")).toBe(`E2E ${bId}`);
    await openDashboard(page, "Board B");
    await page.waitForSelector('#live-status[data-status="live"]');
    const sensorB = await Client.open(b.id, deviceOpts(probes.b, 4));
    await sensorB.pub(telemetry(b, "probe-b"), JSON.stringify({ temp: 2.5 }));
    await expect.poll(() => page.textContent("#widget-v .value-text"), { timeout: 2000 }).toBe("2.5");
    // A's connection ended at the switch; the one open now is B's.
    expect(sockets.map((s) => [new URL(s.url).pathname, s.closed])).toEqual([
      [`/t/${a.id}/mqtt`, true],
      [`/t/${bId}/mqtt`, false],
    ]);
    expect(blocked).toEqual([]);
    await page.close();
  }, SLOW);
});
