/**
 * The pages behind the links in the platform's mail, in a real browser against wrangler dev:
 * the verification link confirms the address, the invitation link creates the account and
 * logs the invited person in to the console.
 */
import { describe, expect, it } from "vitest";
import { useBrowser } from "./browser";
import { http, platformUrl, signupTenant, uniqueId } from "./client";

const browser = useBrowser();

async function mailedLink(to: string, kind: string): Promise<string> {
  const r = await http("GET", `/api/v1/dev/outbox?to=${encodeURIComponent(to)}&kind=${kind}`);
  return r.body.items[0].link;
}

describe("console: links from mail", () => {
  it("the verification link confirms the address", async () => {
    const t = await signupTenant("mail-ui");
    const page = await browser().newPage();
    await page.goto(await mailedLink(t.email, "email_verification"));
    await expect.poll(() => page.textContent("#verify-status")).toBe(`${t.email} is confirmed.`);
    const login = await http("POST", "/api/v1/auth/login", { body: { email: t.email, password: t.password } });
    expect(login.body.emailVerified).toBe(true);
    await page.close();
  });

  it("the invitation link creates the account and opens the console in the inviting tenant", async () => {
    const t = await signupTenant("mail-ui");
    const email = `${uniqueId("invitee")}@example.com`;
    await http("POST", "/api/v1/invitations", { token: t.token, body: { email, role: "VIEWER" } });
    const link = await mailedLink(email, "invitation");
    expect(link.startsWith(`${platformUrl()}/accept-invitation#token=`)).toBe(true);
    const page = await browser().newPage();
    const blocked: string[] = [];
    // The console's scripts must run under its Content-Security-Policy (no inline code).
    page.on("console", (m) => /Content Security Policy|Refused to/.test(m.text()) && blocked.push(m.text()));
    await page.goto(link);
    await page.fill("#accept-form input[name=password]", "invited person password");
    await page.click("#accept-form button[type=submit]");
    await page.waitForURL(`${platformUrl()}/`);
    await expect.poll(() => page.textContent("#tenant-name")).toBe(`E2E ${t.tenantId}`);
    expect(await page.isVisible("#devices-view")).toBe(true);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a bad invitation link says why", async () => {
    const page = await browser().newPage();
    await page.goto(`${platformUrl()}/accept-invitation#token=inv_nobody_000000000000_${"0".repeat(32)}`);
    await page.fill("#accept-form input[name=password]", "whatever password");
    await page.click("#accept-form button[type=submit]");
    await expect.poll(() => page.textContent("#accept-error")).toMatch(/invalid, expired or already used/);
    await page.close();
  });
});
