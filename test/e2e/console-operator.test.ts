/**
 * The operator console in a real browser against wrangler dev, on the platform host: a wrong token
 * gets a clear message; the operator signs in, finds a tenant made in the test, changes its plan
 * and a limit, suspends it (its users' API calls get 403) and resumes it, creates a tenant from the
 * form, and offboards a throwaway tenant down to its lifecycle run and deletion certificate. The
 * token lives in memory only. On a tenant host /operator is the tenant's login, not the console.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage, SCREENSHOTS, tenantUrl, useBrowser } from "./browser";
import { http, operatorToken, platformUrl, signupTenant, uniqueId } from "./client";

const browser = useBrowser();

const operatorUrl = () => new URL("/operator", platformUrl()).toString();
const asOperator = (path: string) => http("GET", `/api/v1/admin${path}`, { token: operatorToken() });

async function signIn(page: Page, token: string) {
  await page.fill("#operator-sign-in-form input[name=token]", token);
  await page.click("#operator-sign-in-form button[type=submit]");
}

/** From the tenants table: search for the tenant and open its page (in-app: a reload would forget the token). */
async function openTenant(page: Page, id: string) {
  if (!(await page.locator("#operator-tenants").count())) await page.click('a[href="/operator"]');
  await page.fill("#tenant-q", id);
  await page.click(".operator-filter button[type=submit]");
  await page.click(`#tenant-rows tr[data-tenant="${id}"] a`);
  await expect.poll(() => page.textContent("#tenant-status")).toBeTruthy();
}

describe("operator console", () => {
  it("refuses a wrong token with a clear message and keeps nothing", async () => {
    const { page, blocked } = await openPage(browser());
    await page.goto(operatorUrl());
    await page.waitForSelector("#operator-sign-in-form");
    await signIn(page, "not-the-operator-token");
    await expect.poll(() => page.textContent("#operator-sign-in-error"), { timeout: 10_000 }).toBe("That is not the operator token. Check it and try again.");
    expect(await page.locator("#operator-tenants").count()).toBe(0);
    await signIn(page, "");
    await expect.poll(() => page.textContent("#operator-sign-in-error")).toContain("token");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("signs in, changes a tenant's plan and limits, suspends and resumes it, creates a tenant", { timeout: 90_000 }, async () => {
    const t = await signupTenant("ui-op");
    const { page, blocked } = await openPage(browser());
    await page.goto(operatorUrl());
    await signIn(page, operatorToken());
    await page.waitForSelector("#operator-tenants");
    expect(await page.textContent("#page-title")).toBe("Tenants");

    // The tenant made in this test, with status, plan, devices against the plan and usage.
    await page.fill("#tenant-q", t.tenantId);
    await page.click(".operator-filter button[type=submit]");
    const row = page.locator(`#tenant-rows tr[data-tenant="${t.tenantId}"]`);
    await row.waitFor();
    expect(await row.locator("[data-cell=status]").textContent()).toBe("active");
    expect(await row.locator("[data-cell=plan]").textContent()).toBe("starter");
    expect(await row.locator("[data-cell=devices]").textContent()).toBe("0 of 50");
    expect(await row.locator("[data-cell=messages]").textContent()).toBe("0 of 10,000,000");

    // Nothing of the token in the address bar or web storage.
    expect(page.url()).toBe(operatorUrl());
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length)).toBe(0);
    expect(await page.content()).not.toContain(operatorToken());

    // Plan and a limit override.
    await page.click(`#tenant-rows tr[data-tenant="${t.tenantId}"] a`);
    await page.waitForSelector("#limits-form");
    await page.selectOption("#limits-form select[name=plan]", "professional");
    await page.click("#limits-form summary");
    await page.fill('#limits-form input[name="limits.maxDevices"]', "7");
    await page.click("#limits-form button[type=submit]");
    await expect.poll(() => page.textContent("#tenant-plan"), { timeout: 15_000 }).toBe("professional");
    // The confirmation outlives the reload that shows the saved values.
    await expect.poll(() => page.textContent("#limits-saved")).toBe("Saved.");
    expect(await page.inputValue('#limits-form input[name="limits.maxDevices"]')).toBe("7");
    const changed = await asOperator(`/tenants/${t.tenantId}`);
    expect(changed.body).toMatchObject({ plan: "professional", limits: { maxDevices: 7 }, effectiveLimits: { maxDevices: 7, messagesPerSecond: 2000 } });
    // A bad override is refused by the shared schema, naming the field.
    // (The overrides stay open now that the tenant has one.)
    await page.fill('#limits-form input[name="limits.maxConnections"]', "-3");
    await page.click("#limits-form button[type=submit]");
    await expect.poll(() => page.textContent("#limits-error"), { timeout: 5_000 }).toContain("limits.maxConnections");

    // Suspend: the tenant's users get 403; resume: they are back.
    await page.click("#suspend-tenant");
    await expect.poll(() => page.textContent("#tenant-status"), { timeout: 15_000 }).toBe("suspended");
    const refused = await http("GET", "/api/v1/devices", { token: t.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("tenant_suspended");
    await page.click("#resume-tenant");
    await expect.poll(() => page.textContent("#tenant-status"), { timeout: 15_000 }).toBe("active");
    expect((await http("GET", "/api/v1/devices", { token: t.token })).status).toBe(200);

    // Create a tenant from the form; its owner is invited by mail.
    await page.click('a[href="/operator"]');
    const newId = uniqueId("ui-op-new");
    await page.fill("#create-tenant-form input[name=id]", newId);
    await page.fill("#create-tenant-form input[name=name]", "Made by the operator");
    await page.fill("#create-tenant-form input[name=ownerEmail]", `${uniqueId("owner")}@example.com`);
    await page.click("#create-tenant-form button[type=submit]");
    await expect.poll(() => page.textContent("#create-tenant-done"), { timeout: 30_000 }).toContain(`Created ${newId} (active); an OWNER invitation was mailed`);
    expect((await asOperator(`/tenants/${newId}`)).body).toMatchObject({ id: newId, name: "Made by the operator", status: "active" });
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("offboards a throwaway tenant and shows its lifecycle run and deletion certificate", { timeout: 150_000 }, async () => {
    const t = await signupTenant("ui-gone");
    const { page, blocked } = await openPage(browser());
    await page.goto(operatorUrl());
    await signIn(page, operatorToken());
    await page.waitForSelector("#operator-tenants");
    await openTenant(page, t.tenantId);
    expect(await page.textContent('[data-run="onboarding"] [data-cell=run-status]')).toBe("complete");

    // The button stays disabled until the id is typed exactly.
    await page.fill("#offboard-form input[name=confirm]", "not-it");
    expect(await page.isDisabled("#offboard-tenant")).toBe(true);
    await page.fill("#offboard-form input[name=confirm]", t.tenantId);
    await page.fill("#offboard-form input[name=downloadWindowHours]", "0");
    await page.click("#offboard-tenant");
    await expect.poll(() => page.textContent('[data-run="offboarding"] [data-cell=run-status]'), { timeout: 120_000, interval: 1000 }).toBe("complete");
    await expect.poll(() => page.textContent("#tenant-status"), { timeout: 10_000 }).toBe("deleted");

    const certificate = page.locator("#certificates li").first();
    await certificate.waitFor();
    expect(await certificate.locator("[data-cell=signature]").textContent()).toBe("valid");
    const { items } = (await asOperator(`/tenants/${t.tenantId}/deletion-certificates`)).body;
    expect(items).toHaveLength(1);
    expect(await certificate.getAttribute("data-certificate")).toBe(items[0].id);
    const [download] = await Promise.all([page.waitForEvent("download"), certificate.locator("a[download]").click()]);
    const saved = JSON.parse(readFileSync((await download.path())!, "utf8"));
    expect(saved).toMatchObject({ id: items[0].id, tenantId: t.tenantId, jws: items[0].jws, claims: { sub: t.tenantId } });
    await page.screenshot({ path: join(SCREENSHOTS, "console-operator-offboarded.png"), fullPage: true });
    // A deleted tenant offers neither suspension nor offboarding.
    expect(await page.locator("#suspend-tenant, #offboard-form").count()).toBe(0);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a reload forgets the token; on a tenant host /operator is the tenant's login", async () => {
    const t = await signupTenant("ui-op-host");
    const { page, blocked } = await openPage(browser());
    await page.goto(operatorUrl());
    await signIn(page, operatorToken());
    await page.waitForSelector("#operator-tenants");
    // (After the tests above, the table has tenants in several states and plans.)
    await page.locator(`#tenant-rows tr[data-tenant]`).first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "console-operator.png") });
    // On a phone the table folds into labelled rows: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, "console-operator-phone.png"), fullPage: true });
    await page.reload();
    await page.waitForSelector("#operator-sign-in-form");

    await page.goto(tenantUrl(t.tenantId, "/operator"));
    await page.waitForSelector("#login-form");
    expect(await page.locator("#operator-sign-in-form, #operator-tenants").count()).toBe(0);
    expect(await page.textContent("#brand-name")).toBe(`E2E ${t.tenantId}`);
    expect(blocked).toEqual([]);
    await page.close();
  });
});
