/**
 * Commands in the console, in a real Chromium against wrangler dev with real MQTT.js devices: a
 * MEMBER sends a command to an offline device (bad params JSON named before anything is sent), the
 * page follows it live — sent, delivered when the device subscribes, succeeded with the device's
 * answer — without a reload or a re-read of the list; a queued one is canceled; the in-flight
 * setting is saved; the fleet form by tag gives one command per device with a summary and links to
 * each; a VIEWER sees the commands but no send, cancel or settings controls. Nothing may be refused by the CSP.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { logIn, member, openPage, SCREENSHOTS, useBrowser } from "./browser";
import { http } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, type Tenant } from "./mqtt-helpers";

const browser = useBrowser();
beforeAll(() => {
  // The pipeline answers in well under a second, but this suite shares two cores with whole platforms.
  vi.setConfig({ expect: { poll: { timeout: 8000, interval: 100 } } });
});
afterEach(closeClients);

type ApiCommand = { id: string; deviceId: string; method: string; status: string; history: { status: string }[]; result?: unknown };
const api = async (t: Tenant, method: string, path: string, body?: unknown) => http(method, `/api/v1${path}`, { token: t.token, ...(body !== undefined ? { body } : {}) });
const commandsOf = async (t: Tenant, device: string): Promise<ApiCommand[]> => (await api(t, "GET", `/devices/${device}/commands`)).body.items;
const asMember = (t: Tenant, role: "VIEWER" | "MEMBER") => member({ tenantId: t.id, token: t.token, email: t.email, password: t.password }, role);
const statusOf = (page: Page, id: string) => page.getAttribute(`#command-${id}`, "data-status");
const historyOf = (page: Page, id: string) => page.$$eval(`#command-${id} .command-history > li`, (lis) => lis.map((li) => li.getAttribute("data-status")));

async function openDevice(page: Page, id: string) {
  await page.click(`#device-rows a[href="/devices/${id}"]`);
  await page.waitForSelector("#device-commands");
}

describe("console commands", () => {
  it("a MEMBER sends to an offline device and follows it live to succeeded; bad params are named first; a queued one is canceled", { timeout: 150_000 }, async () => {
    const t = await newTenant("ui-cmd");
    const d = await registerDevice(t, "pump-1");
    const m = await asMember(t, "MEMBER");
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, m.email, m.password);
    await openDevice(page, d.id);
    await expect.poll(() => page.textContent("#commands-empty")).toContain("No commands");

    // Params that are not JSON are named on their field, and nothing is sent.
    await page.fill("#command-form [name=method]", "set-level");
    await page.fill("#command-form [name=params]", '{"level": 3');
    await page.click("#send-command");
    await expect.poll(() => page.getAttribute("#command-form [name=params]", "aria-invalid")).toBe("true");
    expect(await page.textContent("#command-form")).toContain("Params (JSON): not valid JSON");
    expect(await page.textContent("#command-form-error")).toContain("params");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("params");
    expect(await commandsOf(t, d.id)).toEqual([]);

    // Fixed and sent: the device is offline, so it waits as queued.
    await page.fill("#command-form [name=params]", '{"level": 3}');
    await page.fill("#command-form [name=expiresInSeconds]", "300");
    await page.click("#send-command");
    await expect.poll(async () => (await commandsOf(t, d.id)).length).toBe(1);
    const [sent] = await commandsOf(t, d.id);
    expect(sent).toMatchObject({ method: "set-level", status: "queued", params: { level: 3 } });
    await expect.poll(() => statusOf(page, sent!.id)).toBe("queued");
    expect(await page.getAttribute("#command-form [name=params]", "aria-invalid")).toBeNull();
    await expect.poll(() => page.textContent("#commands-live")).toBe("live");

    // From here on the page must change by itself: no reload, and no re-read of the list.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    const listReads: string[] = [];
    page.on("request", (r) => r.method() === "GET" && /\/commands(\?|$)/.test(r.url()) && listReads.push(r.url()));

    const device = await Client.open(t.id, deviceOpts(d, 5, { clean: false, properties: { sessionExpiryInterval: 600 } }));
    expect(await device.sub(`t/${t.id}/devices/${d.id}/cmd/+`, { qos: 1 })).toEqual([1]);
    await expect.poll(() => statusOf(page, sent!.id)).toBe("delivered");
    expect(await historyOf(page, sent!.id)).toEqual(["queued", "sent", "delivered"]);

    const arrived = device.all.find((msg) => msg.topic.endsWith(`/cmd/${sent!.id}`)) ?? (await device.next((msg) => msg.topic.endsWith(`/cmd/${sent!.id}`)));
    await device.pub(`${arrived.topic}/response`, JSON.stringify({ status: "ok", result: { level: 3, note: "applied" } }));
    await expect.poll(() => statusOf(page, sent!.id)).toBe("succeeded");
    expect(await historyOf(page, sent!.id)).toEqual(["queued", "sent", "delivered", "succeeded"]);
    expect(JSON.parse((await page.textContent(`#command-${sent!.id} .command-result`))!)).toEqual({ level: 3, note: "applied" });
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(listReads).toEqual([]);
    expect((await api(t, "GET", `/devices/${d.id}/commands/${sent!.id}`)).body.result).toEqual({ level: 3, note: "applied" });

    // Offline again: a one-way reboot waits queued, and is canceled from the page.
    await device.end();
    // It expires at an absolute time, chosen in the browser's own time zone.
    const inAnHour = await page.evaluate(() => {
      const at = new Date(Date.now() + 3600_000);
      const two = (n: number) => String(n).padStart(2, "0");
      return { text: `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`, ms: at.getTime() };
    });
    await page.fill("#command-form [name=method]", "reboot");
    await page.check("#command-form input[name=responseRequired][value=one-way]");
    expect(await page.locator("#command-form [name=responseTimeoutSeconds]").count()).toBe(0);
    await page.check("#command-form input[name=expiry][value=at]");
    await page.fill("#command-form [name=expiresAt]", inAnHour.text);
    await page.click("#send-command");
    await expect.poll(async () => (await commandsOf(t, d.id)).find((c) => c.method === "reboot")?.status).toBe("queued");
    const reboot = (await commandsOf(t, d.id)).find((c) => c.method === "reboot")! as ApiCommand & { expiresAt: number; responseRequired: boolean };
    expect(reboot.responseRequired).toBe(false);
    expect(Math.abs(reboot.expiresAt - inAnHour.ms)).toBeLessThan(60_000);
    await expect.poll(() => statusOf(page, reboot.id)).toBe("queued");
    expect(await page.locator(`#command-${sent!.id} .cancel-command`).count()).toBe(0);
    await page.click(`#command-${reboot.id} .cancel-command`);
    await expect.poll(() => statusOf(page, reboot.id)).toBe("canceled");
    expect((await api(t, "GET", `/devices/${d.id}/commands/${reboot.id}`)).body.status).toBe("canceled");
    expect(await page.locator(`#command-${reboot.id} .cancel-command`).count()).toBe(0);

    // The status filter asks the API for that status only.
    await page.selectOption("#command-status-filter", "succeeded");
    await expect.poll(() => page.$$eval("#command-list > li", (lis) => lis.map((li) => li.id))).toEqual([`command-${sent!.id}`]);
    await page.selectOption("#command-status-filter", "");
    await expect.poll(() => page.locator("#command-list > li").count()).toBe(2);

    // The in-flight setting, saved through the form.
    expect(await page.inputValue("#command-settings [name=maxInFlight]")).toBe("1");
    await page.fill("#command-settings [name=maxInFlight]", "3");
    await page.click("#save-command-settings");
    await expect.poll(() => page.textContent("#command-settings-saved")).toContain("up to 3");
    expect((await api(t, "GET", `/devices/${d.id}/command-settings`)).body).toEqual({ maxInFlight: 3 });

    // The same idempotency key twice gives back the first command, and the page says so.
    for (const round of [1, 2]) {
      await page.fill("#command-form [name=method]", "ping");
      await page.fill("#command-form [name=idempotencyKey]", "ping-once");
      await page.click("#send-command");
      await expect.poll(() => page.textContent("#command-sent")).toMatch(round === 1 ? /^Sent ping/ : /^That key was used before/);
    }
    expect((await commandsOf(t, d.id)).filter((c) => c.method === "ping")).toHaveLength(1);
    await expect.poll(() => page.locator("#command-list > li").count()).toBe(3);

    await page.locator("#device-commands").screenshot({ path: join(SCREENSHOTS, "device-commands.png") });
    // On a phone the panel folds to one column: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("the fleet form by tag queues one command per device and links each to its device's page", { timeout: 120_000 }, async () => {
    const t = await newTenant("ui-cmd-fleet");
    for (const id of ["north-1", "north-2", "north-3"]) await registerDevice(t, id, { tags: ["north"] });
    await registerDevice(t, "south-1", { tags: ["south"] });
    const m = await asMember(t, "MEMBER");
    const { page, blocked } = await openPage(browser(), "dark");
    await logIn(page, t.id, m.email, m.password);
    await page.click('nav.sidenav a[href="/commands"]');
    await page.waitForSelector("#fleet-form");

    // No tag named: the tag field says so and nothing is sent.
    await page.fill("#fleet-form [name=method]", "ping");
    await page.click("#send-fleet-command");
    await expect.poll(() => page.textContent("#fleet-tag-error")).toContain("Tag:");
    expect(await page.locator("#fleet-result").count()).toBe(0);

    await page.fill("#fleet-form [name=tag]", "north");
    await page.fill("#fleet-form [name=params]", '{"echo": true}');
    await page.click("#send-fleet-command");
    await page.waitForSelector("#fleet-result");
    const summary = await page.$$eval("#fleet-summary > div", (ds) => Object.fromEntries(ds.map((d) => [d.querySelector("dt")!.textContent, Number(d.querySelector("dd")!.textContent)])));
    expect(summary).toEqual({ Requested: 3, Queued: 3, "Replayed (same key)": 0, Refused: 0 });
    expect((await page.$$eval("#fleet-outcomes tbody tr", (rs) => rs.map((r) => r.getAttribute("data-device")))).sort()).toEqual(["north-1", "north-2", "north-3"]);
    for (const id of ["north-1", "north-2", "north-3"]) expect((await commandsOf(t, id)).map((c) => [c.method, c.status])).toEqual([["ping", "queued"]]);
    expect(await commandsOf(t, "south-1")).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "fleet-commands.png"), fullPage: true });

    // Each row links to that command on its device's page, where it is brought into view.
    const [north2] = await commandsOf(t, "north-2");
    await page.click(`#fleet-outcomes tr[data-device="north-2"] a.command-link`);
    await page.waitForSelector(`#command-${north2!.id}.highlighted`);
    expect(await page.textContent("#device-id")).toBe("north-2");
    expect(await statusOf(page, north2!.id)).toBe("queued");

    // A list of devices: an unknown one is refused with its reason, the rest are queued.
    await page.click('nav.sidenav a[href="/commands"]');
    await page.check("#fleet-form input[name=targetBy][value=devices]");
    await page.fill("#fleet-form [name=devices]", "south-1,\nghost-9");
    await page.fill("#fleet-form [name=method]", "ping");
    await page.click("#send-fleet-command");
    await page.waitForSelector("#fleet-result");
    await expect.poll(() => page.textContent('#fleet-outcomes tr[data-device="ghost-9"]')).toContain("refused: not found");
    expect(await page.textContent('#fleet-outcomes tr[data-device="south-1"]')).toContain("queued");
    expect(await page.textContent("#fleet-summary")).toContain("Refused1");
    expect((await commandsOf(t, "south-1")).map((c) => c.method)).toEqual(["ping"]);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a VIEWER sees a device's commands and its setting, but no send, cancel or settings controls and no fleet form", { timeout: 90_000 }, async () => {
    const t = await newTenant("ui-cmd-view");
    const d = await registerDevice(t, "valve-1");
    const queued = (await api(t, "POST", `/devices/${d.id}/commands`, { method: "open", params: { percent: 40 } })).body as ApiCommand;
    const v = await asMember(t, "VIEWER");
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, v.email, v.password);
    expect(await page.locator('nav.sidenav a[href="/commands"]').count()).toBe(0);
    await openDevice(page, d.id);
    await expect.poll(() => statusOf(page, queued.id)).toBe("queued");
    expect(await page.textContent(`#command-${queued.id} .command-params-view`)).toContain('"percent": 40');
    await expect.poll(() => page.textContent("#max-in-flight")).toBe("1");
    for (const control of ["#command-form", "#send-command", ".cancel-command", "#save-command-settings", "#command-settings [name=maxInFlight]"]) {
      expect(await page.locator(control).count(), control).toBe(0);
    }
    expect(blocked).toEqual([]);
    await page.close();
  });
});
