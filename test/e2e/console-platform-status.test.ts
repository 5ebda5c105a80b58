/**
 * The overview's Platform status card in a real browser against wrangler dev, read by a VIEWER:
 * the hub answers with the one connected device, the telemetry pipeline's last run and lag show
 * after a message went through, the rejected count links to the rejected-messages page — the
 * figures GET /api/v1/status gives. Light and dark, and on a phone's width; nothing refused by the CSP.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { logIn, member, openPage, SCREENSHOTS, useBrowser } from "./browser";
import { http } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice } from "./mqtt-helpers";

const browser = useBrowser();
afterEach(async () => {
  await closeClients();
});

describe("console platform status", () => {
  it("shows the hub, the pipeline's last run and lag, rejections and dead letters as the API reports them", { timeout: 90_000 }, async () => {
    const t = await newTenant("ui-status");
    const viewer = await member({ tenantId: t.id, token: t.token, email: t.email, password: t.password }, "VIEWER");
    const device = await registerDevice(t, "status-dev");
    const client = await Client.open(t.id, deviceOpts(device, 5));
    // Not JSON: the pipeline rejects it, after a consumer run the status reports.
    await client.mqtt.publishAsync(`t/${t.id}/devices/status-dev/telemetry`, "temp=21.5", { qos: 1 });
    const statusOf = async () => (await http("GET", "/api/v1/status", { token: t.token })).body;
    await expect.poll(async () => (await statusOf()).rejectedLastHour, { timeout: 15_000 }).toBe(1);
    const api = await statusOf();
    expect(api).toMatchObject({ hub: { reachable: true, connectedClients: 1 }, deadLetters: { count: 0 }, degraded: [] });
    expect(api.queue.lastConsumerRun).not.toBeNull();

    for (const scheme of ["light", "dark"] as const) {
      const { page, blocked } = await openPage(browser(), scheme);
      await logIn(page, t.id, viewer.email, viewer.password);
      await page.click('nav.sidenav a[href="/overview"]');
      await page.waitForSelector("#platform-status-summary");
      expect(await page.textContent("#platform-status-heading")).toBe("Platform status");
      expect(await page.textContent("#platform-status-summary")).toContain("Everything answers.");
      // The device, and the console's own live MQTT connection once it is up.
      expect(["Reachable · 1 client connected", "Reachable · 2 clients connected"]).toContain(await page.textContent("#platform-status-hub"));
      expect(await page.textContent("#platform-status-pipeline")).toMatch(/^Last run .+: 1 message, queue lag \d+(\.\d)? m?s$/);
      expect(await page.textContent("#platform-status-rejected")).toBe("1");
      expect(await page.textContent("#platform-status-dead-letters")).toBe("0");
      await page.locator("#platform-status").screenshot({ path: join(SCREENSHOTS, `console-platform-status-${scheme}.png`) });

      if (scheme === "dark") {
        // A phone's width: the card's figures stack and nothing runs off the screen.
        await page.setViewportSize({ width: 375, height: 800 });
        const overflow = await page.$eval("#platform-status", (el) => el.scrollWidth - el.clientWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        // The rejected count is a link a keyboard reaches and follows to the rejected-messages page.
        await page.focus("#platform-status-rejected a");
        await page.keyboard.press("Enter");
        await page.waitForURL(/\/rejected$/);
      }
      expect(blocked).toEqual([]);
      await page.close();
    }
  });
});
