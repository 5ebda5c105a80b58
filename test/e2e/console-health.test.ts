/**
 * Fleet health in the console, in a real Chromium against wrangler dev with a real MQTT.js device:
 * a heartbeat whose battery breaches the profile's bound shows the device degraded, naming the
 * battery, on its page, in the list filtered by health and in the overview's counts and worst
 * devices; a good heartbeat brings it back online; a clean disconnect makes it offline with cause
 * "client" in the connectivity history. A MEMBER's policy editor checks the policy with the shared
 * schema (the failing field named, nothing sent) and saves it; the history pages back with its
 * cursor; a VIEWER sees the health but no editor. Nothing may be refused by the CSP.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { logIn, member, openPage, SCREENSHOTS, useBrowser } from "./browser";
import { http } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, type Tenant } from "./mqtt-helpers";

const browser = useBrowser();
beforeAll(() => {
  // The device page re-reads health every 10 s at the latest (sooner on live messages); this suite
  // shares two cores with whole platforms.
  vi.setConfig({ expect: { poll: { timeout: 20_000, interval: 200 } } });
});
afterEach(closeClients);

const api = async (t: Tenant, method: string, path: string, body?: unknown) => http(method, `/api/v1${path}`, { token: t.token, ...(body !== undefined ? { body } : {}) });
const asMember = (t: Tenant, role: "VIEWER" | "MEMBER") => member({ tenantId: t.id, token: t.token, email: t.email, password: t.password }, role);
const healthOf = async (t: Tenant, id: string) => (await api(t, "GET", `/devices/${id}/health`)).body as { state: string; reason: string };
const shownState = (page: Page) => page.getAttribute("#health-state [data-health]", "data-health");
const listed = (page: Page) => page.$$eval("#device-rows tr", (rows) => rows.map((r) => r.querySelector("td code")?.textContent ?? "").filter(Boolean));

/** A tenant with profile `battery-watch` (battery at least 20), its device connected over MQTT. */
async function fleetWithDevice(prefix: string, id: string) {
  const t = await newTenant(prefix);
  expect((await api(t, "POST", "/device-profiles", { id: "battery-watch", health: { vitals: { battery: { min: 20 } } } })).status).toBe(201);
  const d = await registerDevice(t, id, { profileId: "battery-watch" });
  await registerDevice(t, `${id}-spare`);
  const device = await Client.open(t.id, deviceOpts(d, 5));
  const heartbeat = (vitals: Record<string, number>) => device.pub(`t/${t.id}/devices/${d.id}/heartbeat`, JSON.stringify(vitals));
  return { t, d, device, heartbeat };
}

async function openDevice(page: Page, id: string) {
  await page.click('nav.sidenav a[href="/devices"]');
  await page.waitForSelector(`#device-rows a[href="/devices/${id}"]`);
  await page.click(`#device-rows a[href="/devices/${id}"]`);
  await page.waitForSelector("#device-health #health-state");
}

describe("console fleet health", () => {
  it("degraded on a low battery (page, filtered list, overview), online again, offline with cause client; a MEMBER edits the device's policy", { timeout: 180_000 }, async () => {
    const { t, d, device, heartbeat } = await fleetWithDevice("ui-health", "tracker-1");
    const m = await asMember(t, "MEMBER");
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, m.email, m.password);

    await heartbeat({ battery: 12, rssi: -70 });
    await expect.poll(async () => (await healthOf(t, d.id)).state).toBe("degraded");

    // The device page: degraded, why in words, the breaching vital marked, the policy in force.
    await openDevice(page, d.id);
    await expect.poll(() => shownState(page)).toBe("degraded");
    expect(await page.textContent("#health-why")).toContain("battery 12 below 20");
    expect(await page.getAttribute("#health-state [data-health]", "title")).toBe("battery 12 below 20");
    expect(await page.getAttribute('#vitals-table tr[data-vital="battery"]', "data-breach")).toBe("true");
    expect(await page.getAttribute('#vitals-table tr[data-vital="rssi"]', "data-breach")).toBe("false");
    expect(await page.textContent("#policy-vitals")).toContain("battery ≥ 20");
    expect(await page.textContent("#health-connection")).toBe("connected (connection #1)");
    await expect.poll(() => page.locator('#connectivity-table tr[data-type="connected"]').count()).toBe(1);
    await page.locator("#device-health").screenshot({ path: join(SCREENSHOTS, "console-health.png") });

    // The list filtered by health shows it, and not the spare (never seen).
    await page.click('nav.sidenav a[href="/devices"]');
    await page.waitForSelector("#filter-health");
    await page.selectOption("#filter-health", "degraded");
    await expect.poll(() => page.evaluate(() => location.search)).toBe("?health=degraded");
    await expect.poll(() => listed(page)).toEqual([d.id]);
    expect(await page.textContent(`#device-rows .device-health`)).toContain("degraded");
    await page.selectOption("#filter-health", "never_seen");
    await expect.poll(() => listed(page)).toEqual([`${d.id}-spare`]);

    // The overview counts it, lists it among the worst, and its card opens the filtered list.
    await page.click('nav.sidenav a[href="/overview"]');
    await page.waitForSelector("#health-cards");
    const counts = () => page.$$eval("#health-cards [data-health]", (as) => Object.fromEntries(as.map((a) => [a.getAttribute("data-health")!, Number(a.querySelector("[data-count]")!.textContent)])));
    await expect.poll(counts).toEqual({ online: 0, degraded: 1, offline: 0, never_seen: 1 });
    expect(await page.textContent(`#worst-devices li[data-device="${d.id}"]`)).toContain("vitals out of bounds");
    expect(await page.textContent('#health-by-profile tr[data-profile="battery-watch"]')).toContain("battery-watch");
    await page.click('#health-cards a[data-health="degraded"]');
    await expect.poll(() => page.evaluate(() => location.pathname + location.search)).toBe("/devices?health=degraded");
    await expect.poll(() => listed(page)).toEqual([d.id]);
    await page.click(`#device-rows a[href="/devices/${d.id}"]`);
    await page.waitForSelector("#device-health #health-state");

    // A good battery: online again, without a reload.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await heartbeat({ battery: 80, rssi: -70 });
    await expect.poll(() => shownState(page)).toBe("online");
    expect(await page.getAttribute('#vitals-table tr[data-vital="battery"]', "data-breach")).toBe("false");
    await expect.poll(() => page.locator('#connectivity-table tr[data-type="health_changed"]').count()).toBeGreaterThanOrEqual(2);

    // The policy editor: a bad interval is named on its field and nothing is sent.
    await page.check("#health-policy-form input[name=heartbeat][value=every]");
    await page.fill('#health-policy-form [name="healthPolicy.heartbeatIntervalSeconds"]', "0");
    await page.click("#save-health-policy");
    await expect.poll(() => page.getAttribute('#health-policy-form [name="healthPolicy.heartbeatIntervalSeconds"]', "aria-invalid")).toBe("true");
    expect(await page.textContent("#health-policy-error")).toContain("healthPolicy.heartbeatIntervalSeconds");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("healthPolicy.heartbeatIntervalSeconds");
    // A vital named twice is named too.
    await page.check("#health-policy-form input[name=heartbeat][value=inherit]");
    await page.check("#health-policy-form input[name=ownVitals]");
    await page.fill("#vital-rows .vital-row >> nth=0 >> input[name=vital-name]", "battery");
    await page.fill("#vital-rows .vital-row >> nth=0 >> input[name=vital-min]", "10");
    await page.click("#add-vital");
    await page.fill("#vital-rows .vital-row >> nth=1 >> input[name=vital-name]", "battery");
    await page.fill("#vital-rows .vital-row >> nth=1 >> input[name=vital-max]", "100");
    await page.click("#save-health-policy");
    await expect.poll(() => page.textContent("#vital-rows [data-vital-error]")).toContain("named twice");
    expect((await api(t, "GET", `/devices/${d.id}`)).body.healthPolicy).toBeNull();

    // Fixed: the device's own bounds and timeout are saved and are the policy in force.
    await page.fill("#vital-rows .vital-row >> nth=1 >> input[name=vital-name]", "rssi");
    await page.fill("#vital-rows .vital-row >> nth=1 >> input[name=vital-max]", "");
    await page.fill("#vital-rows .vital-row >> nth=1 >> input[name=vital-min]", "-90");
    await page.fill('#health-policy-form [name="healthPolicy.inactivityTimeoutSeconds"]', "900");
    await page.click("#save-health-policy");
    await expect.poll(() => page.textContent("#health-policy-saved")).toContain("own policy");
    expect((await api(t, "GET", `/devices/${d.id}`)).body.healthPolicy).toEqual({ inactivityTimeoutSeconds: 900, vitals: { battery: { min: 10 }, rssi: { min: -90 } } });
    await expect.poll(() => page.textContent("#policy-vitals")).toContain("battery ≥ 10; rssi ≥ -90 (this device)");
    expect(await page.textContent("#policy-inactivity")).toContain("15 min (this device)");
    // Back to the profile's policy in one click, and back again.
    await page.click("#follow-profile-policy");
    await expect.poll(() => page.textContent("#health-policy-saved")).toContain("follows its profile");
    expect((await api(t, "GET", `/devices/${d.id}`)).body.healthPolicy).toBeNull();
    await expect.poll(() => page.textContent("#policy-vitals")).toContain("battery ≥ 20 (profile or default)");
    expect(await page.isChecked("#health-policy-form input[name=ownVitals]")).toBe(false);
    expect(await page.isDisabled("#follow-profile-policy")).toBe(true);
    await page.fill('#health-policy-form [name="healthPolicy.inactivityTimeoutSeconds"]', "900");
    await page.click("#save-health-policy");
    await expect.poll(async () => (await api(t, "GET", `/devices/${d.id}`)).body.healthPolicy).toEqual({ inactivityTimeoutSeconds: 900 });
    await expect.poll(() => page.textContent("#policy-inactivity")).toContain("15 min (this device)");

    // A clean disconnect: offline, with cause "client" in the history.
    await device.end();
    await expect.poll(async () => (await healthOf(t, d.id)).state).toBe("offline");
    await expect.poll(() => shownState(page)).toBe("offline");
    expect(await page.textContent("#health-why")).toContain("the device disconnected");
    expect(await page.textContent("#health-connection")).toBe("not connected (last was connection #1)");
    await expect.poll(() => page.locator('#connectivity-table tr[data-type="disconnected"][data-cause="client"]').count()).toBe(1);
    expect(await page.textContent('#connectivity-table tr[data-type="disconnected"]')).toContain("cause: client");
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);

    // On a phone the Health section folds to one column: nothing in it wider than the screen (its
    // tables fold to labelled rows). The section is measured rather than the document: the device
    // page's charts, below it, are not this test's subject.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflowing = () => page.$$eval("#device-health, #device-health *", (els) => els.filter((e) => e.getBoundingClientRect().right > 390 && !e.closest(".visually-hidden")).map((e) => `${e.tagName}#${e.id}.${e.className}`));
    await expect.poll(overflowing).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("the connectivity history shows the newest 20 events and pages back to the oldest with Older events", { timeout: 120_000 }, async () => {
    const t = await newTenant("ui-health-history");
    const d = await registerDevice(t, "flaky-1");
    // Each connection adds connected, disconnected and their health changes: six make more than a page.
    for (let i = 0; i < 6; i++) await (await Client.open(t.id, deviceOpts(d, 4))).end();
    const all = async () => (await api(t, "GET", `/devices/${d.id}/connectivity?limit=100`)).body.items as { id: number; type: string; cause?: string }[];
    await expect.poll(async () => (await all()).filter((e) => e.type === "disconnected").length).toBe(6);
    const events = await all();
    expect(events.length).toBeGreaterThan(20);

    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, t.email, t.password);
    await openDevice(page, d.id);
    const shownTypes = () => page.$$eval("#connectivity-table tbody tr", (rows) => rows.map((r) => r.getAttribute("data-type")));
    await expect.poll(async () => (await shownTypes()).length).toBe(20);
    expect(await shownTypes()).toEqual(events.slice(0, 20).map((e) => e.type));
    await page.click("#older-connectivity");
    await expect.poll(shownTypes).toEqual(events.map((e) => e.type));
    expect(await page.locator("#older-connectivity").count()).toBe(0);
    expect(await page.locator('#connectivity-table tr[data-type="disconnected"][data-cause="client"]').count()).toBe(6);
    expect(await page.textContent("#health-connection")).toBe("not connected (last was connection #6)");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a profile's health policy is edited in the profile form (a bad timeout named first); its connected device follows at once", { timeout: 120_000 }, async () => {
    const { t, d, heartbeat } = await fleetWithDevice("ui-health-prof", "probe-1");
    await heartbeat({ battery: 15 });
    await expect.poll(async () => (await healthOf(t, d.id)).state).toBe("degraded");
    const m = await asMember(t, "MEMBER");
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, m.email, m.password);
    await page.click('nav.sidenav a[href="/device-profiles"]');
    await page.click('#profile-rows tr[data-profile="battery-watch"] .edit-profile');
    const form = "#profile-edit-form";
    await page.waitForSelector(`${form} #profile-edit-form-vital-rows`);
    // The stored bound is shown; lower it to 10 and expect a heartbeat every 60 s.
    expect(await page.inputValue(`${form} .vital-row >> nth=0 >> input[name=vital-name]`)).toBe("battery");
    await page.fill(`${form} .vital-row >> nth=0 >> input[name=vital-min]`, "10");
    await page.check(`${form} input[name=heartbeat][value=every]`);
    await page.fill(`${form} [name="health.heartbeatIntervalSeconds"]`, "60");
    await page.fill(`${form} [name="health.inactivityTimeoutSeconds"]`, "1");
    await page.click("#save-profile");
    await expect.poll(() => page.getAttribute(`${form} [name="health.inactivityTimeoutSeconds"]`, "aria-invalid")).toBe("true");
    expect(await page.textContent("#profile-edit-error")).toContain("health.inactivityTimeoutSeconds");
    expect((await api(t, "GET", "/device-profiles/battery-watch")).body.health).toEqual({ vitals: { battery: { min: 20 } } });
    await page.fill(`${form} [name="health.inactivityTimeoutSeconds"]`, "");
    await page.click("#save-profile");
    await expect.poll(async () => (await api(t, "GET", "/device-profiles/battery-watch")).body.health).toEqual({ heartbeatIntervalSeconds: 60, vitals: { battery: { min: 10 } } });
    // Battery 15 is within the new bound: the connected device is online again without a heartbeat.
    await expect.poll(async () => (await healthOf(t, d.id)).state).toBe("online");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("the devices list follows a device's health live, with its list reads cut off", { timeout: 120_000 }, async () => {
    const t = await newTenant("ui-health-live");
    const d = await registerDevice(t, "live-1");
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, t.email, t.password);
    const badge = () => page.textContent(`#device-rows tr:has(a[href="/devices/${d.id}"]) .device-health`);
    await expect.poll(badge).toContain("never seen");
    // From here on every re-read of the list fails: only the live connection can change the row.
    let reads = 0;
    await page.route(/\/api\/v1\/devices\?/, (route) => (reads++, route.abort()));
    const device = await Client.open(t.id, deviceOpts(d, 5));
    await expect.poll(badge).toContain("online");
    await device.mqtt.endAsync();
    await expect.poll(badge).toContain("offline");
    expect(await page.textContent(`#device-rows tr:has(a[href="/devices/${d.id}"])`)).toContain("offline");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a VIEWER sees a device's health and policy but no policy editor", { timeout: 120_000 }, async () => {
    const { t, d, heartbeat } = await fleetWithDevice("ui-health-view", "meter-1");
    await heartbeat({ battery: 12 });
    await expect.poll(async () => (await healthOf(t, d.id)).state).toBe("degraded");
    const v = await asMember(t, "VIEWER");
    const { page, blocked } = await openPage(browser(), "dark");
    await logIn(page, t.id, v.email, v.password);
    await expect.poll(() => page.textContent(`#device-rows tr:has(a[href="/devices/${d.id}"]) .device-health`)).toContain("degraded");
    await openDevice(page, d.id);
    await expect.poll(() => shownState(page)).toBe("degraded");
    expect(await page.textContent("#health-why")).toContain("battery 12 below 20");
    expect(await page.textContent("#policy-vitals")).toContain("battery ≥ 20 (profile or default)");
    for (const control of ["#health-policy-form", "#save-health-policy", "#add-vital"]) expect(await page.locator(control).count(), control).toBe(0);
    expect(await page.textContent("#health-policy-viewer-note")).toContain("cannot");
    expect(blocked).toEqual([]);
    await page.close();
  });
});
