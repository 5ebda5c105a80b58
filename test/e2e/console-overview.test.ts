/**
 * The console's Fleet overview in a real browser against wrangler dev: the devices-by-status cards
 * show what GET /fleet/summary counts after devices are registered, one disabled and one connected
 * with MQTT.js; each card opens the devices list filtered that way; the map shows exactly the
 * devices that have a location, as links named by the device; a message the pipeline rejected
 * appears in the recent list; messages per second come live from the hub's stats topic and move
 * when a device publishes. Nothing may be refused by the Content-Security-Policy.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { logIn, member, openPage, SCREENSHOTS, tenantUrl, useBrowser } from "./browser";
import { http, operatorToken, signupTenant } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, type Tenant } from "./mqtt-helpers";

const browser = useBrowser();
afterEach(async () => {
  await closeClients();
});

const summaryOf = async (t: Tenant) => {
  const r = await http("GET", "/api/v1/fleet/summary", { token: t.token });
  expect(r.status).toBe(200);
  return r.body;
};

/** The four status cards' counts as the page shows them. */
const cardCounts = (page: Page) => page.$$eval("#status-cards [data-status]", (as) => Object.fromEntries(as.map((a) => [a.getAttribute("data-status")!, Number(a.querySelector("[data-count]")!.textContent)])));

async function openOverview(page: Page, t: Tenant) {
  await logIn(page, t.id, t.email, t.password);
  await page.click('nav.sidenav a[href="/overview"]');
  await page.waitForSelector("#overview-view #status-cards");
}

describe("console fleet overview", () => {
  it("counts devices by status as the API does, maps the located ones and lists a rejected message", { timeout: 90_000 }, async () => {
    const t = await newTenant("ui-fleet");
    const online = await registerDevice(t, "fleet-online", { name: "Roof sensor", location: { lat: 52.52, lon: 13.405 } });
    await registerDevice(t, "fleet-idle", { name: "Cellar sensor", location: { lat: 52.49, lon: 13.35 } });
    await registerDevice(t, "fleet-nowhere", { name: "Unplaced sensor" });
    await registerDevice(t, "fleet-off", { name: "Retired sensor", location: { lat: 52.55, lon: 13.47 } });
    expect((await http("PATCH", "/api/v1/devices/fleet-off", { token: t.token, body: { disabled: true } })).status).toBe(200);

    const device = await Client.open(t.id, deviceOpts(online, 5));
    // Not JSON: the pipeline rejects it (invalid_json) and keeps it in the rejected-messages log.
    await device.mqtt.publishAsync(`t/${t.id}/devices/fleet-online/telemetry`, "temp=21.5", { qos: 1 });
    // Presence and the rejection are written asynchronously; wait until the API sees both.
    await expect.poll(async () => (await summaryOf(t)).devices.online, { timeout: 15_000 }).toBe(1);
    await expect.poll(async () => (await summaryOf(t)).rejectedLastHour, { timeout: 15_000 }).toBe(1);
    const api = await summaryOf(t);
    expect(api.devices).toMatchObject({ total: 4, online: 1, neverSeen: 3, disabled: 1 });

    const { page, blocked } = await openPage(browser());
    await openOverview(page, t);
    expect(await page.textContent("#page-title")).toBe("Overview");
    await expect.poll(() => cardCounts(page), { timeout: 15_000 }).toEqual({ online: api.devices.online, offline: api.devices.offline, "never-seen": api.devices.neverSeen, disabled: api.devices.disabled });

    // Each status the devices list can filter by is a link to that filter (disabled is not a status there).
    expect(await page.$$eval("#status-cards a[data-status]", (as) => as.map((a) => a.getAttribute("href")))).toEqual(["/devices?status=online", "/devices?status=offline", "/devices?status=provisioned"]);

    // The map: one marker per device with a location, named by the device, linking to its page.
    await page.waitForSelector(".device-map");
    const markers = await page.$$eval(".device-map a.marker", (as) => as.map((a) => ({ id: a.getAttribute("data-device"), label: a.getAttribute("aria-label"), href: a.getAttribute("href") })));
    expect(markers.map((m) => m.id).sort()).toEqual(["fleet-idle", "fleet-off", "fleet-online"]);
    expect(markers.find((m) => m.id === "fleet-online")).toEqual({ id: "fleet-online", label: "Roof sensor, online", href: "/devices/fleet-online" });
    expect(markers.find((m) => m.id === "fleet-off")?.label).toBe("Retired sensor, disabled");
    expect(await page.textContent(".device-map-title")).toBe("3 of 4 devices have a location");
    // Markers are reachable by keyboard.
    await page.focus('.device-map a.marker[data-device="fleet-idle"]');
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Cellar sensor, never seen");

    // The rejected message, with its reason and device.
    await expect.poll(() => page.textContent("#recent-rejected"), { timeout: 15_000 }).toContain("invalid_json");
    expect(await page.textContent("#recent-rejected")).toContain("fleet-online");
    expect(await page.textContent("#rejected-last-hour")).toBe("1 in the last hour");

    // The workspace as it was before: plan and devices against the plan's limit.
    expect(await page.textContent("#overview-plan")).toBe("starter");
    expect(await page.textContent("#overview-device-limit")).toBe("4 of 50");

    await page.screenshot({ path: join(SCREENSHOTS, "console-overview.png"), fullPage: true });

    // A status card opens the devices list filtered by that status.
    await page.click('#status-cards a[data-status="online"]');
    await page.waitForSelector("#devices-view");
    expect(page.url()).toBe(tenantUrl(t.id, "/devices?status=online"));
    await expect.poll(() => page.$$eval("#device-rows tr td[data-label=Id] code", (cs) => cs.map((c) => c.textContent)), { timeout: 15_000 }).toEqual(["fleet-online"]);
    // A marker opens its device's page.
    await page.goBack();
    await page.click('.device-map a.marker[data-device="fleet-idle"]');
    expect(page.url()).toBe(tenantUrl(t.id, "/devices/fleet-idle"));
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("follows the registry: a device that connects moves from never seen to online without a reload", { timeout: 60_000 }, async () => {
    const t = await newTenant("ui-fleet-live");
    const d = await registerDevice(t, "later-online");
    const { page, blocked } = await openPage(browser());
    await openOverview(page, t);
    await expect.poll(() => cardCounts(page), { timeout: 15_000 }).toMatchObject({ online: 0, "never-seen": 1 });
    await Client.open(t.id, deviceOpts(d, 4));
    await expect.poll(() => cardCounts(page), { timeout: 30_000 }).toMatchObject({ online: 1, "never-seen": 0 });
    await expect.poll(() => page.textContent(".device-map-empty"), { timeout: 15_000 }).toBe("No devices with a location.");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("shows messages per second live from the hub's stats while a device publishes", { timeout: 90_000 }, async () => {
    const t = await newTenant("ui-fleet-rate");
    const d = await registerDevice(t, "chatty");
    const { page, blocked } = await openPage(browser());
    await openOverview(page, t);
    await expect.poll(() => page.textContent("#live-state"), { timeout: 15_000 }).toMatch(/^live/);
    const device = await Client.open(t.id, deviceOpts(d, 5));
    // Publish steadily until the hub's next stats message (every 10 s) reports the traffic.
    let sent = 0;
    const timer = setInterval(() => {
      sent++;
      device.mqtt.publish(`t/${t.id}/devices/chatty/telemetry`, JSON.stringify({ temp: 20 + (sent % 5) }), { qos: 0 });
    }, 100);
    try {
      await expect.poll(async () => Number(await page.textContent("#messages-per-second")), { timeout: 45_000, interval: 500 }).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
    expect(await page.textContent("#live-state")).toBe("live");
    // The hub counts this page's own connection and the device.
    expect(Number(await page.textContent("#connected-clients"))).toBeGreaterThanOrEqual(2);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a VIEWER on a phone in dark mode sees the limits hit this month; the audit's limit events are for admins", { timeout: 90_000 }, async () => {
    const signup = await signupTenant("ui-fleet-limits");
    const t: Tenant = { id: signup.tenantId, token: signup.token, email: signup.email, password: signup.password };
    // A tight per-device rate (the operator's override), so a short burst trips it.
    const patched = await http("PATCH", `/api/v1/admin/tenants/${t.id}`, { token: operatorToken(), body: { limits: { messagesPerSecondPerDevice: 2, burstSeconds: 1 } } });
    expect(patched.status).toBe(200);
    const d = await registerDevice(t, "hasty", { location: { lat: 48.14, lon: 11.58 } });
    const device = await Client.open(t.id, deviceOpts(d, 5));
    const acks = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => device.mqtt.publishAsync(`t/${t.id}/devices/hasty/telemetry`, JSON.stringify({ n: i }), { qos: 1 })));
    expect(acks.some((a) => a.status === "rejected")).toBe(true);
    await expect.poll(async () => (await summaryOf(t)).limitHitsThisMonth.messagesPerSecondPerDevice ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);

    const viewer = await member(signup, "VIEWER");
    const { page, blocked } = await openPage(browser(), "dark");
    await page.setViewportSize({ width: 390, height: 844 });
    await logIn(page, t.id, viewer.email, viewer.password);
    await page.click('nav.sidenav a[href="/overview"]');
    await page.waitForSelector("#overview-view #status-cards");
    await expect.poll(() => page.textContent("#limit-hits"), { timeout: 15_000 }).toContain("messagesPerSecondPerDevice");
    expect(await page.locator("#limit-events").count()).toBe(0);
    expect((await page.locator("[role=alert]").allTextContents()).filter((text) => text.trim())).toEqual([]);
    await expect.poll(() => page.locator(".device-map a.marker").count(), { timeout: 15_000 }).toBe(1);
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, "console-overview-viewer-phone-dark.png"), fullPage: true });
    expect(blocked).toEqual([]);
    await page.close();

    // The owner also sees the latest limit.hit events of the audit log.
    const owner = await openPage(browser());
    await openOverview(owner.page, t);
    await expect.poll(() => owner.page.textContent("#limit-events"), { timeout: 15_000 }).toContain("messagesPerSecondPerDevice");
    expect(owner.blocked).toEqual([]);
    await owner.page.close();
  });
});
