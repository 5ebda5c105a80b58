/**
 * The console's Devices area, device profiles and assets in a real browser against wrangler dev:
 * registering a gateway and its child through the form, with connection snippets that really
 * connect (run as shown); the list's filters and pages in the URL (back button included); a device
 * page — desired twin editor (bad JSON is named before anything is sent), a reading published with
 * MQTT.js appearing live and on its chart, CSV export, secret rotation, disabling, deletion with
 * confirmation, audit trail; a VIEWER without mutating controls; the profile metric editor and
 * assets with sensors round-tripping through the API. Nothing may be refused by the CSP.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { cliSnippet, endpointUrl, mqttEndpoint } from "../../web/src/devices/snippets";
import { logIn, member, openPage, SCREENSHOTS, tenantUrl, useBrowser } from "./browser";
import { http } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, type Tenant } from "./mqtt-helpers";

const run = promisify(execFile);

const browser = useBrowser();
beforeAll(() => {
  // Pages and the pipeline answer in well under a second, but this suite shares two cores with
  // whole platforms; polls wait up to 5 s (the 2 s live-reading bound is checked on its own).
  vi.setConfig({ expect: { poll: { timeout: 5000, interval: 100 } } });
});
afterEach(async () => {
  await closeClients();
});

const api = async (t: Tenant, method: string, path: string, body?: unknown) => http(method, `/api/v1${path}`, { token: t.token, ...(body !== undefined ? { body } : {}) });
const rowIds = (page: Page) => page.$$eval("#device-rows tr a code", (cs) => cs.map((c) => c.textContent));
const latestOf = async (t: Tenant, device: string) => (await api(t, "GET", `/devices/${device}/telemetry/latest`)).body.values as Record<string, { ts: number; value: unknown }>;

async function register(page: Page, fields: { id: string; type?: "gateway"; parentId?: string; tags?: string }) {
  await page.fill("#device-form input[name=id]", fields.id);
  if (fields.type) await page.selectOption("#device-form select[name=type]", fields.type);
  if (fields.parentId) await page.selectOption("#device-form select[name=parentId]", fields.parentId);
  if (fields.tags) await page.fill("#device-form input[name=tags]", fields.tags);
  await page.click("#register-device");
  await expect.poll(() => page.textContent("#credentials-text")).toContain(`client id: ${fields.id}`);
  return {
    password: /password:\s+(\S+)/.exec((await page.textContent("#credentials-text")) ?? "")![1]!,
    mqttJs: (await page.textContent("#snippet-mqttjs"))!,
    cli: (await page.textContent("#snippet-cli"))!,
  };
}

describe("console devices", () => {
  it("registers a gateway and a child through the form; the snippets shown connect and publish as they are", { timeout: 120_000 }, async () => {
    const t = await newTenant("ui-dev-reg");
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, t.email, t.password);

    const gateway = await register(page, { id: "gw-1", type: "gateway" });
    expect(gateway.mqttJs).toContain(`mqtt.connect("ws://127.0.0.1:${new URL(tenantUrl(t.id)).port}/t/${t.id}/mqtt"`);
    expect(gateway.mqttJs).toContain(`password: "${gateway.password}"`);
    expect(gateway.mqttJs).toContain(`"t/${t.id}/devices/gw-1/telemetry"`);
    expect(gateway.cli).toMatch(/^npx mqtt pub /);
    expect(await page.textContent("#connection-text")).toContain(`topic:     t/${t.id}/devices/gw-1/telemetry`);
    await page.click("#credentials button:has-text('Done')");

    const child = await register(page, { id: "child-1", parentId: "gw-1", tags: "north, pumps" });
    expect(child.cli).toContain(`-u 'child-1' -P '${child.password}'`);
    expect((await api(t, "GET", "/devices/child-1")).body).toMatchObject({ parentId: "gw-1", tags: ["north", "pumps"], type: "device" });
    expect((await api(t, "GET", "/devices/gw-1")).body.type).toBe("gateway");
    await expect.poll(() => rowIds(page)).toEqual(expect.arrayContaining(["gw-1", "child-1"]));

    // The snippets, run exactly as shown: the command line for the child, the MQTT.js program for the gateway.
    await run("sh", ["-c", child.cli], { cwd: process.cwd(), timeout: 30_000 });
    await expect.poll(() => latestOf(t, "child-1"), { timeout: 8000 }).toMatchObject({ temperature: { value: 21.5 } });
    const dir = join(process.cwd(), "test-results");
    mkdirSync(dir, { recursive: true });
    const program = join(dir, `snippet-${t.id}.mjs`);
    writeFileSync(program, gateway.mqttJs);
    await run(process.execPath, [program], { cwd: process.cwd(), timeout: 30_000 });
    await expect.poll(() => latestOf(t, "gw-1"), { timeout: 8000 }).toMatchObject({ temperature: { value: 21.5 } });

    // The gateway's page lists its child, which links to the child's page.
    await page.click("#credentials button:has-text('Done')");
    await page.click('#device-rows a[href="/devices/gw-1"]');
    await page.waitForSelector("#gateway-children");
    expect(await page.textContent("#gateway-children")).toContain("child-1");
    await page.click('#gateway-children a[href="/devices/child-1"]');
    await expect.poll(() => page.textContent("#device-id")).toBe("child-1");
    expect(await page.textContent("#device-facts")).toContain("gw-1");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("filters by status and tag through the URL, pages with the cursor, and the back button walks back", { timeout: 120_000 }, async () => {
    const t = await newTenant("ui-dev-list");
    for (const id of ["red-1", "red-2", "red-3", "red-4", "red-5"]) await registerDevice(t, id, { tags: ["red"] });
    const blue = await registerDevice(t, "blue-1", { tags: ["blue"] });
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, t.email, t.password);

    // A shared link: two per page of the red ones.
    await page.goto(tenantUrl(t.id, "/devices?tag=red&limit=2"));
    await logInAgain(page, t);
    await expect.poll(() => rowIds(page)).toEqual(["red-1", "red-2"]);
    expect(await page.inputValue("#filter-tag")).toBe("red");
    await page.click("#next-page");
    await expect.poll(() => rowIds(page)).toEqual(["red-3", "red-4"]);
    expect(new URL(page.url()).searchParams.get("cursor")).toBeTruthy();
    await page.click("#next-page");
    await expect.poll(() => rowIds(page)).toEqual(["red-5"]);
    expect(await page.locator("#next-page").count()).toBe(0);
    await page.goBack();
    await expect.poll(() => rowIds(page)).toEqual(["red-3", "red-4"]);
    await page.click("#first-page");
    await expect.poll(() => rowIds(page)).toEqual(["red-1", "red-2"]);

    // A choice applies at once and lands in the URL; the list's statuses follow the devices.
    await page.fill("#filter-tag", "blue");
    await page.press("#filter-tag", "Enter");
    await expect.poll(() => rowIds(page)).toEqual(["blue-1"]);
    await page.selectOption("#filter-status", "online");
    await expect.poll(() => new URL(page.url()).searchParams.get("status")).toBe("online");
    await expect.poll(() => page.textContent("#device-rows")).toContain("No devices match these filters.");
    await Client.open(t.id, deviceOpts(blue, 5));
    await expect.poll(() => rowIds(page), { timeout: 15_000, interval: 500 }).toEqual(["blue-1"]);
    expect(await page.textContent("#device-rows")).toContain("online");
    await page.goBack();
    await expect.poll(() => page.inputValue("#filter-status")).toBe("");
    await page.click("#device-filters button:has-text('Clear filters')");
    await expect.poll(() => new URL(page.url()).search).toBe("?limit=2");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a device page: desired twin editor, a live reading and its chart, CSV export, rotation, disabling, audit trail, deletion", { timeout: 150_000 }, async () => {
    const t = await newTenant("ui-dev-page");
    const device = await registerDevice(t, "thermo-x", { name: "Greenhouse thermometer", tags: ["greenhouse"] });
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, t.email, t.password);
    await page.click('#device-rows a[href="/devices/thermo-x"]');
    await expect.poll(() => page.textContent("#page-title"), { timeout: 10_000 }).toBe("Greenhouse thermometer");
    expect(await page.textContent("#device-status")).toContain("provisioned");
    await expect.poll(() => page.textContent("#live-state"), { timeout: 10_000 }).toContain("Live");

    // The desired-attributes editor: bad JSON is named on the field and nothing is sent.
    let puts = 0;
    page.on("request", (r) => r.method() === "PUT" && r.url().includes("/attributes/desired") && puts++);
    await page.fill("#desired-editor", '{"mode": "eco",');
    await page.click("#save-desired");
    await expect.poll(() => page.textContent("#desired-error")).toMatch(/^Desired attributes: not valid JSON/);
    expect(await page.getAttribute("#desired-editor", "aria-invalid")).toBe("true");
    await page.fill("#desired-editor", "[1, 2]");
    await page.click("#save-desired");
    await expect.poll(() => page.textContent("#desired-error")).toBe("Desired attributes: must be a JSON object of attribute names to values");
    expect(puts).toBe(0);
    await page.fill("#desired-editor", '{"mode": "eco", "interval": 30}');
    await page.click("#save-desired");
    await expect.poll(() => page.textContent("#desired-saved")).toMatch(/^Saved/);
    expect(puts).toBe(1);
    expect(await page.getAttribute("#desired-editor", "aria-invalid")).toBeNull();
    expect((await api(t, "GET", "/devices/thermo-x/attributes")).body.desired).toEqual({ mode: "eco", interval: 30 });
    expect(await page.$$eval("#twin-delta .delta-key", (ks) => ks.map((k) => k.textContent).sort())).toEqual(["interval", "mode"]);

    // A reading published with MQTT.js shows up on the open page within 2 s, and on its chart.
    const client = await Client.open(t.id, deviceOpts(device, 5));
    await page.waitForSelector("#latest-values", { state: "attached" });
    const sentAt = Date.now();
    await client.mqtt.publishAsync(`t/${t.id}/devices/thermo-x/telemetry`, JSON.stringify({ values: { temp: 23.25 } }), { qos: 1 });
    await page.waitForFunction(() => document.querySelector('#latest-values [data-metric="temp"] dd')?.textContent?.startsWith("23.25"), undefined, { timeout: 2000 });
    const seenAfter = Date.now() - sentAt;
    expect(seenAfter).toBeLessThan(2000);
    await expect.poll(() => page.getAttribute("#chart-temp", "data-points"), { timeout: 2000 }).toBe("1");
    // Reported attributes reach the twin and shrink the delta.
    await client.mqtt.publishAsync(`t/${t.id}/devices/thermo-x/attributes`, JSON.stringify({ mode: "eco" }), { qos: 1 });
    await expect.poll(async () => (await api(t, "GET", "/devices/thermo-x/attributes")).body.delta).toEqual({ interval: 30 });
    // A backlog of earlier readings (one message), and a message the pipeline rejects.
    const backlog = Array.from({ length: 12 }, (_, i) => ({ ts: sentAt - (12 - i) * 4 * 60_000, values: { temp: 20 + Math.sin(i / 2) * 2 } }));
    await client.mqtt.publishAsync(`t/${t.id}/devices/thermo-x/telemetry`, JSON.stringify(backlog), { qos: 1 });
    await client.mqtt.publishAsync(`t/${t.id}/devices/thermo-x/telemetry`, "not json", { qos: 1 });
    await expect.poll(async () => (await api(t, "GET", "/telemetry/rejected?device=thermo-x")).body.items.length).toBe(1);
    await page.reload();
    await logInAgain(page, t, "#device-view");
    await expect.poll(() => page.$$eval("#twin-delta .delta-key", (ks) => ks.map((k) => k.textContent))).toEqual(["interval"]);
    expect(await page.textContent("#twin-reported")).toContain('"mode": "eco"');
    await expect.poll(() => page.getAttribute("#chart-temp", "data-points")).toBe("13");
    expect(await page.textContent("#rejected-table")).toContain("invalid_json");
    expect(await page.textContent("#rejected-table")).toContain("not json");
    // A bucketed view: per minute, the 13 readings fall into 13 minutes.
    await page.selectOption("#range-bucket", "1m");
    await page.selectOption("#range-agg", "max");
    await expect.poll(() => page.getAttribute("#chart-temp", "data-points")).toBe("13");
    await page.selectOption("#range-preset", "15m");
    await expect.poll(() => page.getAttribute("#chart-temp", "data-points")).toBe("4");
    // A custom range: the picker refuses an end before the start, then asks the API for exactly that range.
    await page.selectOption("#range-preset", "custom");
    const [from, to] = [await page.inputValue("#range-from"), await page.inputValue("#range-to")];
    await page.fill("#range-from", to);
    await page.fill("#range-to", from);
    await page.click("#apply-range");
    await expect.poll(() => page.textContent("#range-error")).toBe("From: must be before To");
    expect(await page.getAttribute("#range-from", "aria-invalid")).toBe("true");
    await page.fill("#range-from", from);
    await page.fill("#range-to", to);
    const [query] = await Promise.all([page.waitForRequest((r) => r.url().includes("/api/v1/telemetry?")), page.click("#apply-range")]);
    const asked = new URL(query.url()).searchParams;
    expect([Number(asked.get("from")), Number(asked.get("to"))]).toEqual([new Date(from).getTime(), new Date(to).getTime()]);
    expect(await page.textContent("#range-error")).toBe("");
    await page.selectOption("#range-preset", "1h");
    await page.screenshot({ path: join(SCREENSHOTS, "console-device-full.png"), fullPage: true });
    // The README's picture: the page down to its charts.
    const chartsBottom = await page.$eval("#device-charts", (el) => el.getBoundingClientRect().bottom + window.scrollY + 16);
    await page.screenshot({ path: join(SCREENSHOTS, "console-device.png"), fullPage: true, clip: { x: 0, y: 0, width: 1200, height: chartsBottom } });

    // Export CSV downloads the rows of the range.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^telemetry-${t.id}-\\d+-\\d+\\.csv$`));
    const csv = readFileSync((await download.path())!, "utf8")
      .trim()
      .split("\n");
    expect(csv).toHaveLength(14);
    expect(csv.slice(1).every((line) => line.startsWith("thermo-x,temp,"))).toBe(true);
    expect(csv.filter((line) => line.includes(",23.25,"))).toHaveLength(1);

    // Editing details: a latitude without a longitude is named; then the device is saved and the heading follows.
    await page.click("#device-edit summary");
    await page.fill("#device-edit-form input[name=name]", "Greenhouse 2");
    await page.fill("#device-edit-form input[name=tags]", "greenhouse, south");
    await page.fill('#device-edit-form input[name="location.lat"]', "51.9");
    await page.click("#save-device");
    await expect.poll(() => page.textContent("#device-edit-form .field-error")).toMatch(/^Longitude: /);
    await page.fill('#device-edit-form input[name="location.lon"]', "4.4");
    await page.click("#save-device");
    await expect.poll(() => page.textContent("#page-title")).toBe("Greenhouse 2");
    expect((await api(t, "GET", "/devices/thermo-x")).body).toMatchObject({ name: "Greenhouse 2", tags: ["greenhouse", "south"], location: { lat: 51.9, lon: 4.4 } });

    // Rotating shows a new secret once; the old one stops working, the new one connects.
    await page.click("#rotate-secret");
    await expect.poll(() => page.textContent("#credentials-text")).toContain("client id: thermo-x");
    const rotated = /password:\s+(\S+)/.exec((await page.textContent("#credentials-text")) ?? "")![1]!;
    expect(rotated).not.toBe(device.password);
    expect((await Client.refused(t.id, deviceOpts(device, 5))).code).toBe(0x86);
    (await Client.open(t.id, deviceOpts({ id: "thermo-x", password: rotated }, 5))).mqtt.end(true);
    await page.click("#credentials button:has-text('Done')");
    expect(await page.content()).not.toContain(rotated);

    // Disable, then enable again.
    await page.click("#toggle-disabled");
    await expect.poll(() => page.textContent("#device-status")).toContain("disabled");
    expect(await page.textContent("#toggle-disabled")).toBe("Enable");
    expect((await api(t, "GET", "/devices/thermo-x")).body.disabled).toBe(true);
    expect((await Client.refused(t.id, deviceOpts({ id: "thermo-x", password: rotated }, 5))).code).toBe(0x87);
    await page.click("#toggle-disabled");
    await expect.poll(() => page.textContent("#toggle-disabled")).toBe("Disable");

    // The audit trail (the owner may read the audit log) names what happened to this device.
    await page.reload();
    await logInAgain(page, t, "#device-view");
    await page.waitForSelector("#audit-table");
    const actions = await page.$$eval("#audit-table tbody tr td:nth-child(2)", (tds) => tds.map((td) => td.textContent));
    expect(actions).toEqual(expect.arrayContaining(["device.create", "device.desired_attributes_set", "device.credentials_rotated", "device.update", "mqtt.connect"]));

    // Delete asks first; "Keep it" keeps it; confirming deletes and returns to the list.
    await page.click("#delete-device");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("confirm-delete");
    await page.click("button:has-text('Keep it')");
    expect((await api(t, "GET", "/devices/thermo-x")).status).toBe(200);
    await page.click("#delete-device");
    await page.click("#confirm-delete");
    await page.waitForSelector("#devices-view");
    expect(new URL(page.url()).pathname).toBe("/devices");
    expect((await api(t, "GET", "/devices/thermo-x")).status).toBe(404);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a VIEWER sees devices and their pages without any control that changes them", { timeout: 90_000 }, async () => {
    const t = await newTenant("ui-dev-viewer");
    await registerDevice(t, "gw-v", { type: "gateway" });
    await registerDevice(t, "kid-v", { parentId: "gw-v" });
    await api(t, "PUT", "/devices/gw-v/attributes/desired", { mode: "eco" });
    await api(t, "POST", "/device-profiles", { id: "viewer-prof", metrics: { temp: { type: "number" } } });
    await api(t, "POST", "/assets", { id: "viewer-asset", type: "building" });
    await api(t, "POST", "/assets/viewer-asset/sensors", { id: "s-1", type: "temperature" });
    const viewer = await member({ tenantId: t.id, token: t.token, email: t.email, password: t.password }, "VIEWER");
    const { page, blocked } = await openPage(browser(), "dark");
    await logIn(page, t.id, viewer.email, viewer.password);
    expect(await page.locator("#device-form").count()).toBe(0);
    await page.click('#device-rows a[href="/devices/gw-v"]');
    await page.waitForSelector("#device-twin");
    await expect.poll(() => page.textContent("#gateway-children")).toContain("kid-v");
    await expect.poll(() => page.textContent("#twin-desired")).toContain('"mode": "eco"');
    for (const control of ["#device-actions", "#device-edit", "#rotate-secret", "#toggle-disabled", "#delete-device", "#desired-form", "#desired-editor", "#audit-table"]) {
      expect(await page.locator(control).count(), control).toBe(0);
    }
    // Reading is still allowed: the export works for a VIEWER too.
    expect(await page.locator("#export-csv").count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, "console-device-viewer-dark.png"), fullPage: true });
    // On a phone the page folds to one column: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, "console-device-viewer-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 800 });
    await page.click('nav.sidenav a[href="/device-profiles"]');
    await expect.poll(() => page.textContent("#profile-rows")).toContain("viewer-prof");
    await page.click('nav.sidenav a[href="/assets"]');
    await expect.poll(() => page.textContent("#asset-list")).toContain("viewer-asset");
    await expect.poll(() => page.textContent('[data-asset="viewer-asset"] .sensor-list')).toContain("s-1");
    for (const control of ["#profile-form", "#asset-form", ".add-sensor", ".row-actions", "button:has-text('Edit')", "button:has-text('Delete')"]) {
      expect(await page.locator(control).count(), control).toBe(0);
    }
    expect(await page.textContent("#assets-viewer-note")).toContain("VIEWER");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("device profiles: the metric schema editor round-trips through the API, and registration picks the profile", { timeout: 120_000 }, async () => {
    const t = await newTenant("ui-dev-prof");
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, t.email, t.password);
    await page.click('nav.sidenav a[href="/device-profiles"]');
    await page.waitForSelector("#profile-form");
    let posts = 0;
    page.on("request", (r) => r.method() === "POST" && r.url().endsWith("/api/v1/device-profiles") && posts++);

    await page.fill("#profile-form input[name=id]", "thermometers");
    await page.fill("#profile-form input[name=name]", "Thermometers");
    const row = (i: number, field: string) => `#profile-form [name="metrics.${i}.${field}"]`;
    await page.fill(row(0, "name"), "temp");
    await page.selectOption(row(0, "type"), "number");
    await page.fill(row(0, "unit"), "C");
    await page.fill(row(0, "min"), "abc");
    await page.fill(row(0, "max"), "85");
    await page.click("#add-metric");
    await page.fill(row(1, "name"), "hum");
    await page.selectOption(row(1, "type"), "number");
    await page.fill(row(1, "unit"), "%");
    await page.fill(row(1, "min"), "0");
    await page.fill(row(1, "max"), "100");
    // A min that is not a number is named on its row before anything is sent.
    await page.click("#create-profile");
    await expect.poll(() => page.textContent("#profile-form .metric-row .field-error")).toMatch(/^Min: /);
    expect(await page.getAttribute(row(0, "min"), "aria-invalid")).toBe("true");
    expect(await page.textContent("#profile-error")).toContain("metrics.temp.min");
    expect(posts).toBe(0);
    await page.fill(row(0, "min"), "-40");
    await page.click("#create-profile");
    await expect.poll(() => page.textContent("#profile-rows")).toContain("thermometers");
    expect(posts).toBe(1);
    expect((await api(t, "GET", "/device-profiles/thermometers")).body).toMatchObject({
      name: "Thermometers",
      metrics: { temp: { type: "number", unit: "C", min: -40, max: 85 }, hum: { type: "number", unit: "%", min: 0, max: 100 } },
    });

    // Edit: the rows come back filled; change a bound, drop a metric.
    await page.click('button[aria-label="Edit profile thermometers"]');
    await page.waitForSelector("#profile-edit-form");
    const edit = (i: number, field: string) => `#profile-edit-form [name="metrics.${i}.${field}"]`;
    expect(await page.inputValue(edit(0, "name"))).toBe("temp");
    expect(await page.inputValue(edit(0, "min"))).toBe("-40");
    expect(await page.inputValue(edit(1, "unit"))).toBe("%");
    await page.fill(edit(0, "max"), "60");
    await page.click('#profile-edit-form button[aria-label="Remove metric hum"]');
    await page.click("#save-profile");
    await page.waitForSelector("#profile-edit-form", { state: "detached" });
    expect((await api(t, "GET", "/device-profiles/thermometers")).body.metrics).toEqual({ temp: { type: "number", unit: "C", min: -40, max: 60 } });
    await expect.poll(() => page.textContent('#profile-rows tr[data-profile="thermometers"]')).toContain("-40 to 60");

    // Registering a device with the profile, then the profile cannot go while the device uses it.
    await page.click('nav.sidenav a[href="/devices"]');
    await page.fill("#device-form input[name=id]", "prof-dev");
    await page.selectOption("#device-form select[name=profileId]", "thermometers");
    await page.click("#register-device");
    await page.waitForSelector("#credentials");
    expect((await api(t, "GET", "/devices/prof-dev")).body.profileId).toBe("thermometers");
    await page.click('nav.sidenav a[href="/device-profiles"]');
    await page.click('#profile-rows tr[data-profile="thermometers"] button:has-text("Delete")');
    await page.click('button:has-text("Delete thermometers")');
    await expect.poll(() => page.textContent("#profiles-view [role=alert]")).toBeTruthy();
    expect((await api(t, "GET", "/device-profiles/thermometers")).status).toBe(200);
    await api(t, "DELETE", "/devices/prof-dev");
    await page.click('#profile-rows tr[data-profile="thermometers"] button:has-text("Delete")');
    await page.click('button:has-text("Delete thermometers")');
    await expect.poll(async () => (await api(t, "GET", "/device-profiles/thermometers")).status).toBe(404);
    await expect.poll(() => page.textContent("#profile-rows")).not.toContain("thermometers");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("assets and their sensors: create, edit and delete through the page", { timeout: 120_000 }, async () => {
    const t = await newTenant("ui-dev-asset");
    await registerDevice(t, "tracker-1");
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, t.email, t.password);
    await page.click('nav.sidenav a[href="/assets"]');
    await page.waitForSelector("#asset-form");
    await page.fill("#asset-form input[name=id]", "truck-9");
    await page.fill("#asset-form input[name=name]", "Truck 9");
    await page.fill("#asset-form input[name=type]", "truck");
    await page.fill('#asset-form input[name="location.lat"]', "52.1");
    await page.click("#create-asset");
    await expect.poll(() => page.textContent("#asset-form .field-error")).toMatch(/^Longitude: /);
    await page.fill('#asset-form input[name="location.lon"]', "5.2");
    await page.click("#create-asset");
    await page.waitForSelector('[data-asset="truck-9"]');
    expect((await api(t, "GET", "/assets/truck-9")).body).toMatchObject({ name: "Truck 9", type: "truck", location: { lat: 52.1, lon: 5.2 } });

    const card = '[data-asset="truck-9"]';
    await page.click(`${card} .add-sensor summary`);
    const form = "#sensor-form-truck-9";
    await page.fill(`${form} input[name=id]`, "temp-1");
    await page.fill(`${form} input[name=type]`, "temperature");
    await page.fill(`${form} input[name=unit]`, "C");
    await page.fill(`${form} input[name=deviceId]`, "tracker-1");
    await page.fill(`${form} input[name=min]`, "-30");
    await page.fill(`${form} input[name=max]`, "50");
    await page.click(`${form} button:has-text("Add sensor")`);
    await expect.poll(() => page.textContent(`${card} .sensor-list`)).toContain("temp-1");
    expect((await api(t, "GET", "/assets/truck-9/sensors/temp-1")).body).toMatchObject({ type: "temperature", unit: "C", deviceId: "tracker-1", min: -30, max: 50 });

    await page.click(`${card} button[aria-label="Edit sensor temp-1"]`);
    await page.fill("#sensor-edit-temp-1 input[name=unit]", "F");
    await page.fill("#sensor-edit-temp-1 input[name=max]", "");
    await page.click('#sensor-edit-temp-1 button:has-text("Save sensor")');
    await expect.poll(async () => (await api(t, "GET", "/assets/truck-9/sensors/temp-1")).body).toMatchObject({ unit: "F", max: null, min: -30 });

    await page.click(`${card} button[aria-label="Edit asset truck-9"]`);
    await page.fill("#asset-edit-form input[name=description]", "Refrigerated");
    await page.click("#save-asset");
    await expect.poll(() => page.textContent(card)).toContain("Refrigerated");
    expect((await api(t, "GET", "/assets/truck-9")).body.description).toBe("Refrigerated");
    await page.screenshot({ path: join(SCREENSHOTS, "console-assets.png"), fullPage: true });

    await page.click(`${card} [data-sensor="temp-1"] button:has-text("Delete")`);
    await page.click('button:has-text("Delete temp-1")');
    await expect.poll(async () => (await api(t, "GET", "/assets/truck-9/sensors/temp-1")).status).toBe(404);
    await page.click(`${card} .asset-head button:has-text("Delete")`);
    await page.click('button:has-text("Delete truck-9")');
    await expect.poll(async () => (await api(t, "GET", "/assets/truck-9")).status).toBe(404);
    await expect.poll(() => page.locator(card).count()).toBe(0);
    expect(blocked).toEqual([]);
    await page.close();
  });
});

describe("connection snippets' endpoint", () => {
  const at = (protocol: string, hostname: string, port = "") => ({ protocol, hostname, port });
  it("names the tenant's own host, the platform host's tenant path, or 127.0.0.1 for *.localhost", () => {
    expect(endpointUrl(mqttEndpoint("acme", true, at("https:", "iot.acme.example")))).toBe("wss://iot.acme.example:443/mqtt");
    expect(endpointUrl(mqttEndpoint("acme", false, at("https:", "skylark.example")))).toBe("wss://skylark.example:443/t/acme/mqtt");
    expect(endpointUrl(mqttEndpoint("acme", true, at("http:", "acme.localhost", "8787")))).toBe("ws://127.0.0.1:8787/t/acme/mqtt");
    expect(cliSnippet(mqttEndpoint("acme", true, at("https:", "acme.skylark.example")), "acme", { clientId: "d'1", username: "d'1", password: "p" })).toContain(`-i 'd'\\''1'`);
  });
});

/** A full page load starts a new console (the session lives in memory): log in again on the same URL. */
async function logInAgain(page: Page, t: Tenant, landsOn = "#devices-view") {
  await page.fill("#login-form input[name=email]", t.email);
  await page.fill("#login-form input[name=password]", t.password);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector(landsOn);
}
