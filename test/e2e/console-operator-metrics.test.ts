/**
 * The operator console's live tenant metrics in a real browser against wrangler dev: with one
 * tenant publishing steadily and another connected but quiet, the noisy tenant's row comes
 * before the quiet one's, with messages per second above zero; sorted by connections the quiet
 * tenant (two clients) leads. Also in the dark scheme on a phone's width, where the table scrolls
 * inside its own region; nothing refused by the CSP.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { openPage, SCREENSHOTS, useBrowser } from "./browser";
import { http, operatorToken, platformUrl } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice } from "./mqtt-helpers";

const browser = useBrowser();
afterEach(async () => {
  await closeClients();
});

/** The order of the given tenants' rows, and one metric of each. */
const rows = (page: Page, ids: string[], metric: string) =>
  page.$$eval(
    "#metrics-table tbody tr[data-tenant]",
    (trs, [wanted, m]) => trs.filter((tr) => (wanted as string[]).includes(tr.getAttribute("data-tenant")!)).map((tr) => [tr.getAttribute("data-tenant"), tr.querySelector(`[data-metric="${m}"]`)!.textContent]),
    [ids, metric] as const,
  );

describe("operator console metrics", () => {
  it("lists the noisy tenant before the quiet one, by messages and by connections", { timeout: 90_000 }, async () => {
    // Ids that sort early: the console measures the first 100 active tenants by id.
    const noisy = await newTenant("aa-noisy");
    const quiet = await newTenant("aa-quiet");
    expect((await http("PATCH", `/api/v1/admin/tenants/${noisy.id}`, { token: operatorToken(), body: { limits: { messagesPerSecondPerDevice: 1_000 } } })).status).toBe(200);
    const loud = await Client.open(noisy.id, deviceOpts(await registerDevice(noisy, "loud"), 5));
    await Client.open(quiet.id, deviceOpts(await registerDevice(quiet, "calm-1"), 5));
    await Client.open(quiet.id, deviceOpts(await registerDevice(quiet, "calm-2"), 5));
    let n = 0;
    const publishing = setInterval(() => void loud.mqtt.publish(`t/${noisy.id}/devices/loud/telemetry`, JSON.stringify({ values: { n: n++ } }), { qos: 0 }), 20);
    try {
      for (const scheme of ["light", "dark"] as const) {
        const { page, blocked } = await openPage(browser(), scheme);
        if (scheme === "dark") await page.setViewportSize({ width: 375, height: 800 });
        await page.goto(new URL("/operator", platformUrl()).toString());
        await page.fill("#operator-sign-in-form input[name=token]", operatorToken());
        await page.click("#operator-sign-in-form button[type=submit]");
        await page.waitForSelector("#metrics-table");
        expect(await page.textContent("#metrics-heading")).toBe("Live tenant metrics");

        const byMessages = await rows(page, [noisy.id, quiet.id], "messages-in");
        expect(byMessages.map(([id]) => id)).toEqual([noisy.id, quiet.id]);
        expect(Number(byMessages[0]![1])).toBeGreaterThan(0);
        expect(byMessages[1]![1]).toBe("0.00");

        await page.selectOption("#metrics-sort", "connections");
        await expect.poll(() => page.textContent("#metrics-note")).toMatch(/^Measured over 1 s/);
        await expect.poll(async () => (await rows(page, [noisy.id, quiet.id], "connections")).map(([id, c]) => `${id}:${c}`)).toEqual([`${quiet.id}:2`, `${noisy.id}:1`]);

        if (scheme === "dark") {
          // On a phone the table scrolls inside its region; the page itself does not.
          expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
          expect(await page.getAttribute(".metrics-scroll", "tabindex")).toBe("0");
        }
        await page.locator("#operator-metrics").screenshot({ path: join(SCREENSHOTS, `console-operator-metrics-${scheme}.png`) });
        expect(blocked).toEqual([]);
        await page.close();
      }
    } finally {
      clearInterval(publishing);
    }
  });
});
