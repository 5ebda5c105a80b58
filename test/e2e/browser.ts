/**
 * A real Chromium for the console's browser tests: the build inside the npm package
 * @sparticuz/chromium (needs only libc), driven by playwright-core against wrangler dev. Tenant
 * hosts are `{tenant}.localhost`, custom domains in tests `*.test`, both mapped to the platform's 127.0.0.1.
 */
import chromium from "@sparticuz/chromium";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium as playwright, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { http, platformUrl, signupTenant, uniqueId } from "./client";

/** Where the tests write their screenshots (gitignored; the README's pictures are copies). */
export const SCREENSHOTS = join(process.cwd(), "test-results", "screenshots");

async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    // The package's flags are for one-shot serverless use: in single-process mode closing a page ends the browser.
    args: [...chromium.args.filter((a) => a !== "--single-process"), "--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP *.test 127.0.0.1"],
  });
}

/**
 * One Chromium for the calling test file: launched before its tests, closed after them. Call it at
 * the top of the file; the accessor it returns gives the browser inside the tests.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("useBrowser(): the browser is there only inside the file's tests (after beforeAll)");
    return browser;
  };
}

export const tenantUrl = (tenantId: string, path = "/") => `http://${tenantId}.localhost:${new URL(platformUrl()).port}${path}`;

/** A new page; `blocked` collects anything the Content-Security-Policy refused (tests expect none). */
export async function openPage(browser: Browser, colorScheme: "light" | "dark" = "light"): Promise<{ page: Page; blocked: string[] }> {
  // A real browser's language tag: this Chromium derives `en-US@posix` from the C locale, which
  // Intl (uPlot formats numbers with navigator.language at load) refuses, and the console would not start.
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 }, colorScheme, locale: "en-US" });
  const blocked: string[] = [];
  page.on("console", (m) => /Content Security Policy|Refused to/.test(m.text()) && blocked.push(m.text()));
  return { page, blocked };
}

/** Logs in on the tenant's host and waits for the page logins land on (`#devices-view`). */
export async function logIn(page: Page, tenantId: string, email: string, password: string) {
  await page.goto(tenantUrl(tenantId));
  await page.fill("#login-form input[name=email]", email);
  await page.fill("#login-form input[name=password]", password);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#devices-view");
}

/** A member of `t` with `role`, invited by mail and accepted through the API. */
export async function member(t: Awaited<ReturnType<typeof signupTenant>>, role: "VIEWER" | "MEMBER" | "ADMIN") {
  const email = `${uniqueId(role.toLowerCase())}@example.com`;
  const password = `${role.toLowerCase()} console password`;
  expect((await http("POST", "/api/v1/invitations", { token: t.token, body: { email, role } })).status).toBe(201);
  const mail = await http("GET", `/api/v1/dev/outbox?to=${encodeURIComponent(email)}&kind=invitation`);
  const token = new URLSearchParams(new URL(mail.body.items[0].link).hash.slice(1)).get("token");
  const accepted = await http("POST", "/api/v1/auth/invitations/accept", { body: { token, password } });
  expect(accepted.status).toBe(200);
  return { email, password };
}
