/**
 * What every console form built on useFormSubmit does, in a real browser against wrangler dev: the
 * first field the shared schema names gets the focus (nothing is sent), and while a request is on
 * its way the submit button is disabled, so a second press cannot send it twice. Checked on the
 * asset, sensor, profile, alarm-rule and webhook forms.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { logIn, openPage, useBrowser } from "./browser";
import { http } from "./client";
import { newTenant, type Tenant } from "./mqtt-helpers";

const browser = useBrowser();

const focused = (page: Page) => page.evaluate(() => ({ form: document.activeElement?.closest("form")?.getAttribute("id"), name: document.activeElement?.getAttribute("name"), invalid: document.activeElement?.getAttribute("aria-invalid") }));

/** Holds the page's POSTs to `path` (they reach the platform only once released); counts them. */
async function holdPosts(page: Page, path: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const sent = { count: 0 };
  await page.route(
    (url) => url.pathname === `/api/v1${path}`,
    async (route) => {
      if (route.request().method() === "POST") {
        sent.count++;
        await released;
      }
      await route.continue();
    },
  );
  return { release, sent };
}

/** Presses `button` while the POST is held: disabled until the answer, then enabled again; one POST in all. */
async function sendOnceWhileHeld(page: Page, held: Awaited<ReturnType<typeof holdPosts>>, button: string, saved: () => Promise<unknown>) {
  await page.click(button);
  await expect.poll(() => held.sent.count).toBe(1);
  expect(await page.isDisabled(button)).toBe(true);
  held.release();
  await saved();
  await expect.poll(() => page.isDisabled(button)).toBe(false);
  expect(held.sent.count).toBe(1);
}

async function openAs(t: Tenant, path: string, ready: string) {
  const { page, blocked } = await openPage(browser());
  await logIn(page, t.id, t.email, t.password);
  // The console moves the focus to the page's heading again when the workspace's details arrive:
  // wait for them, so that this cannot take the focus from a field the test looks at.
  await expect.poll(() => page.textContent("#tenant-name")).toBe(`E2E ${t.id}`);
  await page.click(`nav.sidenav a[href="${path}"]`);
  await page.waitForSelector(ready);
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("page-title");
  return { page, blocked };
}

describe("console forms", () => {
  it("asset and sensor forms: the field the schema names gets the focus; the button waits for the answer", { timeout: 90_000 }, async () => {
    const t = await newTenant("ui-forms-asset");
    const { page, blocked } = await openAs(t, "/assets", "#asset-form");
    const held = await holdPosts(page, "/assets");

    await page.fill("#asset-form input[name=id]", "crate-1");
    await page.fill("#asset-form input[name=type]", "crate");
    await page.fill('#asset-form input[name="location.lat"]', "52.1");
    await page.click("#create-asset");
    await expect.poll(() => focused(page)).toEqual({ form: "asset-form", name: "location.lon", invalid: "true" });
    expect(held.sent.count).toBe(0);

    await page.fill('#asset-form input[name="location.lon"]', "5.2");
    await sendOnceWhileHeld(page, held, "#create-asset", () => page.waitForSelector('[data-asset="crate-1"]'));
    expect((await http("GET", "/api/v1/assets/crate-1", { token: t.token })).body).toMatchObject({ type: "crate", location: { lat: 52.1, lon: 5.2 } });

    const sensorForm = "#sensor-form-crate-1";
    await page.click('[data-asset="crate-1"] .add-sensor summary');
    await page.fill(`${sensorForm} input[name=id]`, "temp-1");
    await page.fill(`${sensorForm} input[name=type]`, "temperature");
    await page.fill(`${sensorForm} input[name=min]`, "cold");
    await page.click(`${sensorForm} button[type=submit]`);
    await expect.poll(() => focused(page)).toEqual({ form: "sensor-form-crate-1", name: "min", invalid: "true" });
    expect((await http("GET", "/api/v1/assets/crate-1/sensors", { token: t.token })).body.items).toEqual([]);

    const sensorPosts = await holdPosts(page, "/assets/crate-1/sensors");
    await page.fill(`${sensorForm} input[name=min]`, "-30");
    await sendOnceWhileHeld(page, sensorPosts, `${sensorForm} button[type=submit]`, () => expect.poll(() => page.textContent('[data-asset="crate-1"] .sensor-list')).toContain("temp-1"));
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("profile form: a metric named twice puts the focus on its first row and sends nothing", { timeout: 60_000 }, async () => {
    const t = await newTenant("ui-forms-profile");
    const { page, blocked } = await openAs(t, "/device-profiles", "#profile-form");
    const held = await holdPosts(page, "/device-profiles");
    const row = (i: number, field: string) => `#profile-form [name="metrics.${i}.${field}"]`;

    await page.fill("#profile-form input[name=id]", "meters");
    await page.fill(row(0, "name"), "flow");
    await page.click("#add-metric");
    await page.fill(row(1, "name"), "flow");
    await page.click("#create-profile");
    await expect.poll(() => focused(page)).toEqual({ form: "profile-form", name: "metrics.0.name", invalid: "true" });
    expect(await page.textContent("#profile-error")).toContain("metrics.flow");
    expect(held.sent.count).toBe(0);

    await page.fill(row(1, "name"), "pressure");
    await sendOnceWhileHeld(page, held, "#create-profile", () => expect.poll(() => page.textContent("#profile-rows")).toContain("meters"));
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("alarm-rule and webhook forms: the field the schema names gets the focus; the button waits for the answer", { timeout: 60_000 }, async () => {
    const t = await newTenant("ui-forms-alarm");
    const { page, blocked } = await openAs(t, "/alarm-rules", "#rule-form");
    const rules = await holdPosts(page, "/alarm-rules");
    const webhooks = await holdPosts(page, "/alarm-webhooks");

    await page.fill('#rule-form [name="name"]', "too hot");
    await page.fill('#rule-form [name="scope.deviceId"]', "boiler-1");
    await page.selectOption('#rule-form [name="condition.type"]', "above");
    await page.fill('#rule-form [name="condition.metric"]', "temp");
    await page.click("#rule-form .save-rule");
    await expect.poll(() => focused(page)).toEqual({ form: "rule-form", name: "condition.value", invalid: "true" });
    expect(rules.sent.count).toBe(0);

    await page.fill('#rule-form [name="condition.value"]', "90");
    const names = async (path: string) => (await http("GET", `/api/v1${path}`, { token: t.token })).body.items.map((x: { name: string }) => x.name);
    await sendOnceWhileHeld(page, rules, "#rule-form .save-rule", () => expect.poll(() => names("/alarm-rules")).toEqual(["too hot"]));

    await page.fill('#webhook-form [name="name"]', "pager");
    await page.fill('#webhook-form [name="url"]', "not a url");
    await page.click("#webhook-form .save-webhook");
    await expect.poll(() => focused(page)).toEqual({ form: "webhook-form", name: "url", invalid: "true" });
    expect(webhooks.sent.count).toBe(0);

    await page.fill('#webhook-form [name="url"]', "https://hooks.example.com/skylark");
    await sendOnceWhileHeld(page, webhooks, "#webhook-form .save-webhook", () => expect.poll(() => names("/alarm-webhooks")).toEqual(["pager"]));
    expect(blocked).toEqual([]);
    await page.close();
  });
});
