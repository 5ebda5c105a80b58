/**
 * Alarms in the console, in a real Chromium against wrangler dev with a real MQTT.js device: an
 * ADMIN creates an `above` rule through the form (a missing threshold is named on its field
 * first, and nothing is sent) and a webhook target whose secret is shown once; the device's
 * reading over the threshold makes the alarm appear on a MEMBER's Alarms page and on a VIEWER's
 * device page without a reload; the MEMBER acknowledges and clears it and both pages show who and
 * when; the VIEWER has no acknowledge/clear buttons and no rules page. Nothing may be refused by the CSP.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { logIn, member, openPage, SCREENSHOTS, useBrowser } from "./browser";
import { http } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, type Tenant } from "./mqtt-helpers";

const browser = useBrowser();
beforeAll(() => {
  // The pipeline and the alarm events queue answer in about a second, but this suite shares two cores with whole platforms.
  vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 150 } } });
});
afterEach(closeClients);

type ApiAlarm = { id: string; status: string; acknowledged: boolean; acknowledgedBy: string | null; clearedBy: string | null; ruleName: string; severity: string };
const api = async (t: Tenant, method: string, path: string, body?: unknown) => http(method, `/api/v1${path}`, { token: t.token, ...(body !== undefined ? { body } : {}) });
const asMember = (t: Tenant, role: "VIEWER" | "MEMBER" | "ADMIN") => member({ tenantId: t.id, token: t.token, email: t.email, password: t.password }, role);
const stayed = (page: Page) => page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed);
const markStayed = (page: Page) => page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

describe("console alarms", () => {
  it("an ADMIN's rule raises a live alarm a MEMBER acknowledges and clears; a VIEWER only watches", { timeout: 180_000 }, async () => {
    const t = await newTenant("ui-alarm");
    const d = await registerDevice(t, "boiler-1");
    const [admin, mem, viewer] = [await asMember(t, "ADMIN"), await asMember(t, "MEMBER"), await asMember(t, "VIEWER")];

    // ADMIN: the rule through the form, with the threshold forgotten first.
    const { page: adminPage, blocked: adminBlocked } = await openPage(browser());
    await logIn(adminPage, t.id, admin.email, admin.password);
    await adminPage.click('nav.sidenav a[href="/alarm-rules"]');
    await adminPage.waitForSelector("#rule-form");
    await adminPage.fill('#rule-form [name="name"]', "too hot");
    await adminPage.fill('#rule-form [name="scope.deviceId"]', d.id);
    await adminPage.selectOption('#rule-form [name="condition.type"]', "above");
    await adminPage.fill('#rule-form [name="condition.metric"]', "temp");
    await adminPage.selectOption('#rule-form [name="severity"]', "major");
    await adminPage.click("#rule-form .save-rule");
    await expect.poll(() => adminPage.getAttribute('#rule-form [name="condition.value"]', "aria-invalid")).toBe("true");
    expect(await adminPage.textContent("#rule-form-error")).toContain("condition.value");
    expect(await adminPage.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("condition.value");
    expect((await api(t, "GET", "/alarm-rules")).body.items).toEqual([]);

    await adminPage.fill('#rule-form [name="condition.value"]', "90");
    await adminPage.click("#rule-form .save-rule");
    await expect.poll(async () => (await api(t, "GET", "/alarm-rules")).body.items.length).toBe(1);
    const [rule] = (await api(t, "GET", "/alarm-rules")).body.items;
    expect(rule).toMatchObject({ name: "too hot", scope: { kind: "device", deviceId: d.id }, condition: { type: "above", metric: "temp", value: 90 }, severity: "major", raiseAfter: 1, enabled: true });
    await expect.poll(() => adminPage.textContent(`#rule-${rule.id}`)).toContain("temp > 90");

    // Other condition kinds open their own fields.
    await adminPage.selectOption('#rule-form [name="condition.type"]', "anomaly");
    expect(await adminPage.inputValue('#rule-form [name="condition.zScore"]')).toBe("4");
    expect(await adminPage.locator('#rule-form [name="condition.value"]').count()).toBe(0);
    await adminPage.selectOption('#rule-form [name="condition.type"]', "range");
    expect(await adminPage.locator('#rule-form [name="condition.min"]').count()).toBe(1);

    // A webhook target: the secret is shown once, then never again (the API has no way to read it back).
    await adminPage.fill('#webhook-form [name="name"]', "pager");
    await adminPage.fill('#webhook-form [name="url"]', "not a url");
    await adminPage.click("#webhook-form .save-webhook");
    await expect.poll(() => adminPage.getAttribute('#webhook-form [name="url"]', "aria-invalid")).toBe("true");
    await adminPage.fill('#webhook-form [name="url"]', "https://hooks.example.com/skylark");
    // Only critical alarms go there, so the major one below is never sent to a host that does not exist.
    await adminPage.selectOption('#webhook-form [name="minSeverity"]', "critical");
    await adminPage.click("#webhook-form .save-webhook");
    await adminPage.waitForSelector("#webhook-secret");
    const secret = (await adminPage.textContent("#webhook-secret-text"))!.trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const [target] = (await api(t, "GET", "/alarm-webhooks")).body.items;
    expect(target).toMatchObject({ name: "pager", minSeverity: "critical" });
    expect(JSON.stringify(target)).not.toContain(secret);
    await adminPage.click("#dismiss-webhook-secret");
    expect(await adminPage.locator("#webhook-secret").count()).toBe(0);
    expect(await adminPage.content()).not.toContain(secret);
    await adminPage.click(`#webhook-${target.id} .show-deliveries`);
    await expect.poll(() => adminPage.textContent(`#deliveries-${target.id}`)).toContain("Nothing sent yet");

    // MEMBER on the Alarms page, VIEWER on the device page: both empty, both live.
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, mem.email, mem.password);
    await page.click('nav.sidenav a[href="/alarms"]');
    await expect.poll(() => page.textContent("#alarms-empty")).toContain("No alarms");
    await expect.poll(() => page.textContent("#alarms-live")).toBe("live");
    const { page: viewerPage, blocked: viewerBlocked } = await openPage(browser(), "dark");
    await logIn(viewerPage, t.id, viewer.email, viewer.password);
    expect(await viewerPage.locator('nav.sidenav a[href="/alarm-rules"]').count()).toBe(0);
    expect(await viewerPage.locator('nav.sidenav a[href="/alarms"]').count()).toBe(1);
    await viewerPage.click(`#device-rows a[href="/devices/${d.id}"]`);
    await expect.poll(() => viewerPage.textContent("#device-alarms")).toContain("No active alarms");
    await markStayed(page);
    await markStayed(viewerPage);
    // From here the lists change by themselves: no list is read again (the counts may be).
    const listReads: string[] = [];
    for (const p of [page, viewerPage]) p.on("request", (r) => r.method() === "GET" && /\/api\/v1\/alarms(\?|$)/.test(r.url()) && listReads.push(r.url()));

    // The device breaches the rule.
    const device = await Client.open(t.id, deviceOpts(d, 5));
    await device.pub(`t/${t.id}/devices/${d.id}/telemetry`, JSON.stringify({ temp: 95 }));
    await expect.poll(async () => (await api(t, "GET", "/alarms?status=active")).body.items.length).toBe(1);
    const [raised] = (await api(t, "GET", "/alarms?status=active")).body.items as ApiAlarm[];
    const item = `#alarm-${raised!.id}`;
    await expect.poll(() => page.getAttribute(item, "data-status")).toBe("active");
    expect(await page.textContent(`${item} .alarm-rule`)).toBe("too hot");
    expect(await page.getAttribute(`${item} a.alarm-device`, "href")).toBe(`/devices/${d.id}`);
    expect(await page.textContent(`${item} .severity`)).toBe("major");
    expect(await page.textContent(`${item} .alarm-raised`)).toContain("temp = 95");
    await expect.poll(() => page.textContent('#alarm-counts [data-count="major"] dd')).toBe("1");
    await expect.poll(() => viewerPage.getAttribute(item, "data-status")).toBe("active");
    expect(await viewerPage.locator(`${item} button`).count()).toBe(0);

    // The MEMBER acknowledges: who and when, on both pages.
    await page.click(`${item} .acknowledge-alarm`);
    await expect.poll(() => page.getAttribute(item, "data-acknowledged")).toBe("true");
    const acked = (await api(t, "GET", `/alarms/${raised!.id}`)).body as ApiAlarm & { acknowledgedAt: number };
    expect(acked.acknowledgedBy).toMatch(/^user:/);
    // Named by the member's email (the API records the user id), and the time in the browser's own zone.
    await expect.poll(() => page.textContent(`${item} .alarm-acknowledged`)).toContain(mem.email);
    expect(await page.textContent(`${item} .alarm-acknowledged`)).toContain(`at ${await page.evaluate((ms) => new Date(ms).toLocaleString(), acked.acknowledgedAt)}`);
    await expect.poll(() => viewerPage.getAttribute(item, "data-acknowledged")).toBe("true");
    expect(await viewerPage.textContent(`${item} .alarm-acknowledged`)).toContain(mem.email);
    await expect.poll(() => page.textContent('#alarm-counts [data-count="unacknowledged"] dd')).toBe("0");
    expect(await page.locator(`${item} .acknowledge-alarm`).count()).toBe(0);

    // And clears it: it leaves the device's active alarms, and the Alarms page says who cleared it.
    await page.click(`${item} .clear-alarm`);
    await expect.poll(() => page.getAttribute(item, "data-status")).toBe("cleared");
    const cleared = (await api(t, "GET", `/alarms/${raised!.id}`)).body as ApiAlarm;
    expect(cleared).toMatchObject({ status: "cleared", clearedBy: acked.acknowledgedBy });
    expect(await page.textContent(`${item} .alarm-cleared`)).toMatch(new RegExp(`^by .*${mem.email.replace(".", "\\.")}.* at `));
    expect(await page.locator(`${item} button`).count()).toBe(0);
    await expect.poll(() => viewerPage.textContent("#device-alarms")).toContain("No active alarms");
    await expect.poll(() => page.textContent('#alarm-counts [data-count="active"] dd')).toBe("0");
    expect(await stayed(page)).toBe(true);
    expect(await stayed(viewerPage)).toBe(true);
    expect(listReads).toEqual([]);

    // The status filter asks the API: the cleared one is listed under "cleared, acknowledged".
    await page.selectOption("#alarm-status-filter", "cleared_ack");
    await expect.poll(() => page.$$eval("#alarm-list > li", (lis) => lis.map((li) => li.id))).toEqual([`alarm-${raised!.id}`]);
    await page.screenshot({ path: join(SCREENSHOTS, "alarms.png"), fullPage: true });
    await page.selectOption("#alarm-status-filter", "active");
    await expect.poll(() => page.textContent("#alarms-empty")).toContain("No alarms");

    // The VIEWER's Alarms page lists it without buttons; the rules page is not theirs to open.
    await viewerPage.click('nav.sidenav a[href="/alarms"]');
    await viewerPage.selectOption("#alarm-status-filter", "");
    await expect.poll(() => viewerPage.locator(item).count()).toBe(1);
    expect(await viewerPage.locator("#alarm-list button").count()).toBe(0);
    await viewerPage.evaluate(() => {
      history.pushState(null, "", "/alarm-rules");
      dispatchEvent(new PopStateEvent("popstate"));
    });
    await viewerPage.waitForSelector("#devices-view");
    expect(await viewerPage.locator("#alarm-rules-view").count()).toBe(0);

    // A phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect([...adminBlocked, ...blocked, ...viewerBlocked]).toEqual([]);
    for (const p of [adminPage, page, viewerPage]) await p.close();
  });

  it("an ADMIN edits and deletes rules and webhook targets, and reads a target's delivery log", { timeout: 150_000 }, async () => {
    // A local receiver (the test platform allows plain http to 127.0.0.1) that accepts everything.
    const hits: string[] = [];
    const server: Server = createServer((req, res) => {
      req.on("data", () => undefined);
      req.on("end", () => {
        hits.push(req.url ?? "");
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const t = await newTenant("ui-alarm-admin");
      const d = await registerDevice(t, "tank-1", { tags: ["tanks"] });
      const admin = await asMember(t, "ADMIN");
      const { page, blocked } = await openPage(browser(), "dark");
      await logIn(page, t.id, admin.email, admin.password);
      await page.click('nav.sidenav a[href="/alarm-rules"]');
      await page.waitForSelector("#rule-form");

      // A range rule on a tag, whose max below its min is named on the max field.
      await page.fill('#rule-form [name="name"]', "level out of band");
      await page.selectOption('#rule-form [name="scope.kind"]', "tag");
      await page.fill('#rule-form [name="scope.tag"]', "tanks");
      await page.selectOption('#rule-form [name="condition.type"]', "range");
      await page.fill('#rule-form [name="condition.metric"]', "level");
      await page.fill('#rule-form [name="condition.min"]', "10");
      await page.fill('#rule-form [name="condition.max"]', "5");
      await page.click("#rule-form .save-rule");
      await expect.poll(() => page.getAttribute('#rule-form [name="condition.max"]', "aria-invalid")).toBe("true");
      expect(await page.textContent("#rule-form")).toContain("must be at least min");
      await page.fill('#rule-form [name="condition.max"]', "80");
      await page.selectOption('#rule-form [name="severity"]', "critical");
      await page.fill('#rule-form [name="raiseAfter"]', "2");
      await page.click("#rule-form .save-rule");
      await expect.poll(async () => (await api(t, "GET", "/alarm-rules")).body.items.length).toBe(1);
      const [rule] = (await api(t, "GET", "/alarm-rules")).body.items;
      expect(rule).toMatchObject({ scope: { kind: "tag", tag: "tanks" }, condition: { type: "range", metric: "level", min: 10, max: 80, when: "outside" }, severity: "critical", raiseAfter: 2 });

      // A silence rule, then edited: its form opens with what it holds, and saves the change.
      await page.fill('#rule-form [name="name"]', "quiet tank");
      await page.fill('#rule-form [name="scope.deviceId"]', d.id);
      await page.selectOption('#rule-form [name="condition.type"]', "silence");
      await page.fill('#rule-form [name="condition.afterSeconds"]', "600");
      await page.click("#rule-form .save-rule");
      await expect.poll(async () => (await api(t, "GET", "/alarm-rules")).body.items.length).toBe(2);
      const silence = (await api(t, "GET", "/alarm-rules")).body.items.find((r: { name: string }) => r.name === "quiet tank");
      expect(silence).toMatchObject({ scope: { kind: "device", deviceId: d.id }, condition: { type: "silence", afterSeconds: 600 } });
      expect(silence.condition.metric).toBeUndefined();
      await page.click(`#rule-${silence.id} .edit-rule`);
      const edit = `#edit-rule-${silence.id}`;
      expect(await page.inputValue(`${edit} [name="condition.afterSeconds"]`)).toBe("600");
      await page.fill(`${edit} [name="condition.afterSeconds"]`, "900");
      await page.click(`${edit} .save-rule`);
      await expect.poll(async () => (await api(t, "GET", `/alarm-rules/${silence.id}`)).body.condition.afterSeconds).toBe(900);
      await expect.poll(() => page.textContent(`#rule-${silence.id}`)).toContain("for 900 s");

      // Deleted after asking twice.
      await page.click(`#rule-${silence.id} .delete-rule`);
      expect((await api(t, "GET", `/alarm-rules/${silence.id}`)).status).toBe(200);
      await page.click(`#rule-${silence.id} .confirm-delete-rule`);
      await expect.poll(() => page.locator(`#rule-${silence.id}`).count()).toBe(0);
      expect((await api(t, "GET", `/alarm-rules/${silence.id}`)).status).toBe(404);

      // A webhook target on the local receiver; the tank leaves its band twice and the log shows the delivery.
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      await page.fill('#webhook-form [name="name"]', "ops");
      await page.fill('#webhook-form [name="url"]', url);
      await page.click("#webhook-form .save-webhook");
      await page.waitForSelector("#webhook-secret");
      await page.click("#dismiss-webhook-secret");
      const [target] = (await api(t, "GET", "/alarm-webhooks")).body.items;
      const device = await Client.open(t.id, deviceOpts(d, 5));
      for (const level of [95, 97]) await device.pub(`t/${t.id}/devices/${d.id}/telemetry`, JSON.stringify({ level }));
      await expect.poll(() => hits.length).toBe(1);
      await expect.poll(async () => (await api(t, "GET", `/alarm-webhooks/${target.id}/deliveries`)).body.items[0]?.status).toBe("delivered");
      await page.click(`#webhook-${target.id} .show-deliveries`);
      await expect.poll(() => page.getAttribute(`#deliveries-${target.id} tbody tr`, "data-status")).toBe("delivered");
      expect(await page.textContent(`#deliveries-${target.id} tbody tr`)).toContain("HTTP 200");
      await page.screenshot({ path: join(SCREENSHOTS, "alarm-rules.png"), fullPage: true });

      // Edited (a bad URL named first), then deleted after asking twice.
      await page.click(`#webhook-${target.id} .edit-webhook`);
      const wEdit = `#edit-webhook-${target.id}`;
      await page.fill(`${wEdit} [name="url"]`, "ftp://example.com/x");
      await page.click(`${wEdit} .save-webhook`);
      await expect.poll(() => page.getAttribute(`${wEdit} [name="url"]`, "aria-invalid")).toBe("true");
      await page.fill(`${wEdit} [name="url"]`, "https://hooks.example.com/ops");
      await page.selectOption(`${wEdit} [name="minSeverity"]`, "major");
      await page.click(`${wEdit} .save-webhook`);
      await expect.poll(() => page.textContent(`#webhook-${target.id} .webhook-url`)).toBe("https://hooks.example.com/ops");
      expect((await api(t, "GET", `/alarm-webhooks/${target.id}`)).body).toMatchObject({ url: "https://hooks.example.com/ops", minSeverity: "major" });
      await page.click(`#webhook-${target.id} .delete-webhook`);
      await page.click(`#webhook-${target.id} .confirm-delete-webhook`);
      await expect.poll(() => page.locator(`#webhook-${target.id}`).count()).toBe(0);
      expect((await api(t, "GET", `/alarm-webhooks/${target.id}`)).status).toBe(404);

      // A MEMBER has no rules page either.
      const m = await asMember(t, "MEMBER");
      const { page: memberPage, blocked: memberBlocked } = await openPage(browser());
      await logIn(memberPage, t.id, m.email, m.password);
      expect(await memberPage.locator('nav.sidenav a[href="/alarm-rules"]').count()).toBe(0);
      expect([...blocked, ...memberBlocked]).toEqual([]);
      await page.close();
      await memberPage.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("an alarm raised while the page was offline shows after the reconnect (the list and counts are read again)", { timeout: 90_000 }, async () => {
    const t = await newTenant("ui-alarm-gap");
    const d = await registerDevice(t, "fan-1");
    expect((await api(t, "POST", "/alarm-rules", { name: "too fast", scope: { kind: "device", deviceId: d.id }, condition: { type: "above", metric: "rpm", value: 3000 }, severity: "minor" })).status).toBe(201);
    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, t.email, t.password);
    await page.click('nav.sidenav a[href="/alarms"]');
    await expect.poll(() => page.textContent("#alarms-live")).toBe("live");
    await expect.poll(() => page.textContent("#alarms-empty")).toContain("No alarms");

    await page.context().setOffline(true);
    await expect.poll(() => page.textContent("#alarms-live")).toBe("reconnecting…");
    const device = await Client.open(t.id, deviceOpts(d, 5));
    await device.pub(`t/${t.id}/devices/${d.id}/telemetry`, JSON.stringify({ rpm: 4200 }));
    await expect.poll(async () => (await api(t, "GET", "/alarms?status=active")).body.items.length).toBe(1);
    const [raised] = (await api(t, "GET", "/alarms?status=active")).body.items as ApiAlarm[];
    await new Promise((r) => setTimeout(r, 1000));
    expect(await page.locator(`#alarm-${raised!.id}`).count()).toBe(0);

    await page.context().setOffline(false);
    await expect.poll(() => page.textContent("#alarms-live")).toBe("live");
    await expect.poll(() => page.getAttribute(`#alarm-${raised!.id}`, "data-status")).toBe("active");
    await expect.poll(() => page.textContent('#alarm-counts [data-count="minor"] dd')).toBe("1");
    expect(blocked).toEqual([]);
    await page.close();
  });
});
