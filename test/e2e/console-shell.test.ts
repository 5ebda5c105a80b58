/**
 * The hosted console in a real browser against wrangler dev: a tenant host's login page wears the
 * tenant's branding before anyone logs in; the owner sees the devices page and registers a device
 * whose secret is shown once; validation errors (the shared schema's and the API's problem+json)
 * name the field; a VIEWER sees no register button; a 403 reads as a message. The console runs
 * under its Content-Security-Policy (no inline code): nothing may be refused.
 */
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { logIn, member, openPage as open, SCREENSHOTS, tenantUrl, useBrowser } from "./browser";
import { http, platformUrl, signupTenant, uniqueId } from "./client";

const browser = useBrowser();
const openPage = (colorScheme: "light" | "dark" = "light") => open(browser(), colorScheme);

describe("console shell", () => {
  it("a tenant host's login page wears the tenant's branding before anyone logs in", async () => {
    const t = await signupTenant("ui-brand");
    const patched = await http("PATCH", "/api/v1/tenant", { token: t.token, body: { branding: { displayName: "Weather Co", primaryColor: "#0b6e4f", accentColor: "#ffd166" } } });
    expect(patched.status).toBe(200);
    const { page, blocked } = await openPage();
    await page.goto(tenantUrl(t.tenantId));
    await expect.poll(() => page.textContent("#brand-name")).toBe("Weather Co");
    expect(await page.textContent("#login-title")).toBe("Log in to Weather Co");
    await expect.poll(() => page.title()).toBe("Weather Co · Skylark");
    // The host names the tenant: no tenant field. Colours come through as custom properties.
    expect(await page.locator("#login-form input[name=tenant]").count()).toBe(0);
    await expect.poll(() => page.$eval(".topbar", (el) => getComputedStyle(el).backgroundColor)).toBe("rgb(11, 110, 79)");
    // Dark accent text on a light accent colour (contrast), white on the dark primary.
    expect(await page.$eval("#login-form button[type=submit]", (el) => getComputedStyle(el).color)).toBe("rgb(0, 0, 0)");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("the owner sees the devices page, registers a device and sees its secret once", async () => {
    const t = await signupTenant("ui-owner");
    const { page, blocked } = await openPage();
    await logIn(page, t.tenantId, t.email, t.password);
    await expect.poll(() => page.textContent("#tenant-name")).toBe(`E2E ${t.tenantId}`);
    expect(page.url()).toBe(tenantUrl(t.tenantId, "/devices"));
    expect(await page.getAttribute('nav a[href="/devices"]', "aria-current")).toBe("page");
    // Every page the navigation offers opens (its heading names it), and none of them is refused.
    const links = await page.locator("nav.sidenav a").evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href")!, label: a.textContent!.trim() })));
    expect(links.map((l) => l.label)).toEqual(expect.arrayContaining(["Overview", "Devices"]));
    for (const link of links) {
      await page.click(`nav.sidenav a[href="${link.href}"]`);
      await expect.poll(() => page.getAttribute(`nav.sidenav a[href="${link.href}"]`, "aria-current"), { message: link.href }).toBe("page");
      await expect.poll(() => page.textContent("#page-title"), { message: link.href }).toBeTruthy();
      expect(
        (await page.locator("[role=alert]").allTextContents()).filter((t) => t.trim()),
        link.href,
      ).toEqual([]);
    }
    await page.click('nav.sidenav a[href="/devices"]');

    await page.fill("#device-form input[name=id]", "ui-thermo-1");
    await page.fill("#device-form input[name=name]", "Greenhouse thermometer");
    await page.click("#register-device");
    await page.waitForSelector("#credentials");
    const secret = await page.textContent("#credentials-text");
    expect(secret).toMatch(/client id: ui-thermo-1/);
    const password = /password:\s+(\S+)/.exec(secret ?? "")?.[1];
    expect(password?.length).toBeGreaterThan(20);
    await expect.poll(() => page.locator("#device-rows tr").allTextContents()).toEqual([expect.stringContaining("ui-thermo-1")]);
    expect(await page.textContent("#device-rows")).toContain("provisioned");
    await page.screenshot({ path: join(SCREENSHOTS, "devices-owner.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, "devices-owner-phone.png"), fullPage: true });

    // Once: after "Done" the secret is gone from the page, and the API never shows it again.
    await page.click("#credentials button:has-text('Done')");
    expect(await page.locator("#credentials").count()).toBe(0);
    expect(await page.content()).not.toContain(password!);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a browser whose language tag Intl refuses (Chromium under a C locale: en-US@posix) still gets the console", async () => {
    const t = await signupTenant("ui-locale");
    const { page, blocked } = await openPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, "language", { get: () => "en-US@posix", configurable: true }));
    await logIn(page, t.tenantId, t.email, t.password);
    expect(errors).toEqual([]);
    // The browser did report the refused tag; the console read en-US instead.
    expect(await page.evaluate(() => [Object.getOwnPropertyDescriptor(Navigator.prototype, "language")!.get!.call(navigator), navigator.language])).toEqual(["en-US@posix", "en-US"]);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a tenant host whose branding cannot be fetched says so and retries; it never turns into the platform host", async () => {
    const t = await signupTenant("ui-host-err");
    const { page } = await openPage();
    await page.route("**/api/v1/branding", (route) => route.abort("connectionrefused"));
    await page.goto(tenantUrl(t.tenantId, "/operator"));
    await expect.poll(() => page.textContent("#host-error")).toMatch(/could not be reached/);
    // Neither the platform's login (with its tenant field) nor the operator console.
    expect(await page.locator("#login-form, #operator-sign-in").count()).toBe(0);
    await page.unroute("**/api/v1/branding");
    await page.click("button:has-text('Try again')");
    await page.waitForSelector("#login-form");
    expect(await page.textContent("#login-title")).toBe(`Log in to E2E ${t.tenantId}`);
    expect(await page.locator("#login-form input[name=tenant]").count()).toBe(0);
    await page.close();
  });

  it("a tenant's verified custom domain shows its branding on the login page, and logs in to that tenant only", async () => {
    const t = await signupTenant("ui-custom");
    expect((await http("PATCH", "/api/v1/tenant", { token: t.token, body: { branding: { displayName: "Harbour Sensors", primaryColor: "#123456" } } })).status).toBe(200);
    const hostname = `iot.${t.tenantId}.test`;
    const added = await http("POST", "/api/v1/domains", { token: t.token, body: { hostname } });
    expect(added.status).toBe(201);
    // What the tenant puts in its DNS: the records the API asked for.
    for (const r of added.body.dnsRecords.filter((r: { purpose: string }) => r.purpose !== "certificate")) {
      const put = await fetch(`${inject("dohUrl")}/records`, { method: "POST", body: JSON.stringify({ type: r.type, name: r.name, value: r.value }) });
      expect(put.status).toBe(204);
    }
    const verified = await http("POST", `/api/v1/domains/${hostname}/verify`, { token: t.token });
    expect(verified.body.domain?.status ?? verified.body.status, JSON.stringify(verified.body)).toBe("active");

    const { page, blocked } = await openPage();
    await page.goto(`http://${hostname}:${new URL(platformUrl()).port}/`);
    await expect.poll(() => page.textContent("#brand-name")).toBe("Harbour Sensors");
    expect(await page.textContent("#login-title")).toBe("Log in to Harbour Sensors");
    expect(await page.locator("#login-form input[name=tenant]").count()).toBe(0);
    await page.fill("#login-form input[name=email]", t.email);
    await page.fill("#login-form input[name=password]", t.password);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#devices-view");
    await expect.poll(() => page.textContent("#tenant-name")).toBe(`E2E ${t.tenantId}`);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("tenant A's user on tenant B's host is refused at the login and sees nothing of B", async () => {
    const a = await signupTenant("ui-iso-a");
    const b = await signupTenant("ui-iso-b");
    expect((await http("POST", "/api/v1/devices", { token: b.token, body: { id: "b-secret-device", name: "B only" } })).status).toBe(201);
    const { page, blocked } = await openPage();
    const answers: number[] = [];
    page.on("response", (r) => r.url().includes("/api/v1/") && !r.url().endsWith("/branding") && answers.push(r.status()));
    await page.goto(tenantUrl(b.tenantId));
    await page.fill("#login-form input[name=email]", a.email);
    await page.fill("#login-form input[name=password]", a.password);
    await page.click("#login-form button[type=submit]");
    await expect.poll(() => page.textContent("#login-error")).toBeTruthy();
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((s) => s >= 400)).toBe(true);
    expect(await page.locator("#devices-view, nav.sidenav").count()).toBe(0);
    expect(await page.content()).not.toContain("b-secret-device");
    // A's token is no key to B's host either: the API answers it with a refusal, never B's devices.
    const cross = await http("GET", "/api/v1/devices", { token: a.token, host: `${b.tenantId}.localhost` });
    expect([401, 403, 404]).toContain(cross.status);
    expect(JSON.stringify(cross.body)).not.toContain("b-secret-device");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("validation errors name the failing field: the shared schema's before sending, the API's problem+json after", async () => {
    const t = await signupTenant("ui-valid");
    const { page } = await openPage();
    await logIn(page, t.tenantId, t.email, t.password);

    // Checked in the browser by the API's own schema (CreateDevice): nothing is sent.
    let posted = 0;
    page.on("request", (r) => r.method() === "POST" && r.url().endsWith("/api/v1/devices") && posted++);
    await page.fill("#device-form input[name=id]", "bad id!");
    await page.click("#register-device");
    await expect.poll(() => page.textContent("#device-error")).toMatch(/^Please check id \(/);
    expect(await page.getAttribute("#device-form input[name=id]", "aria-invalid")).toBe("true");
    expect(posted).toBe(0);

    // What only the API can tell: its problem+json names the field (the body is altered on the way, past the browser's check).
    await page.route("**/api/v1/devices", (route) => route.continue({ postData: JSON.stringify({ id: "ok-id", name: "x".repeat(121) }) }));
    await page.fill("#device-form input[name=id]", "ok-id");
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/v1/devices") && r.request().method() === "POST"), page.click("#register-device")]);
    expect(response.status()).toBe(400);
    expect(response.headers()["content-type"]).toMatch(/application\/problem\+json/);
    expect((await response.json()).errors).toEqual([expect.objectContaining({ path: "body.name" })]);
    await expect.poll(() => page.textContent("#device-error")).toMatch(/^Please check name \(/);
    expect(await page.textContent("#device-form .field-error")).toMatch(/^Name: /);
    await page.close();
  });

  it("a VIEWER sees the devices but no register button (logged in by keyboard alone, in dark mode)", async () => {
    const t = await signupTenant("ui-viewer");
    await http("POST", "/api/v1/devices", { token: t.token, body: { id: "seen-1" } });
    const viewer = await member(t, "VIEWER");
    const { page, blocked } = await openPage("dark");
    await page.goto(tenantUrl(t.tenantId));
    await page.waitForSelector("#login-form");
    // Keyboard only: skip link, brand link, then the form's fields in order; Enter submits.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("email");
    await page.keyboard.type(viewer.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(viewer.password);
    await page.keyboard.press("Enter");
    await page.waitForSelector("#devices-view");
    // Focus lands on the new page's heading.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("page-title");
    expect(await page.$eval("body", (el) => getComputedStyle(el).backgroundColor)).toBe("rgb(15, 20, 26)");
    await expect.poll(() => page.locator("#device-rows tr").allTextContents()).toEqual([expect.stringContaining("seen-1")]);
    expect(await page.locator("#device-form").count()).toBe(0);
    expect(await page.locator("button:has-text('Register')").count()).toBe(0);
    expect(await page.textContent("#viewer-note")).toContain("VIEWER");
    expect(await page.textContent(".role")).toBe("VIEWER");
    await page.screenshot({ path: join(SCREENSHOTS, "devices-viewer-dark.png"), fullPage: true });
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("on the platform host a user with several workspaces logs in with the tenant field and switches between them", async () => {
    const a = await signupTenant("ui-ws-a");
    const bId = uniqueId("ui-ws-b");
    // The same address and password: the second workspace joins the same account.
    expect((await http("POST", "/api/v1/auth/signup", { body: { email: a.email, password: a.password, tenant: { id: bId, name: `E2E ${bId}` } } })).status).toBe(201);
    const { page, blocked } = await openPage();
    await page.goto(`${platformUrl()}/`);
    await expect.poll(() => page.textContent("#brand-name")).toBe("Skylark");
    await page.fill("#login-form input[name=email]", a.email);
    await page.fill("#login-form input[name=password]", a.password);
    await page.fill("#login-form input[name=tenant]", a.tenantId);
    await page.click("#login-form button[type=submit]");
    await expect.poll(() => page.textContent("#tenant-name")).toBe(`E2E ${a.tenantId}`);
    await page.waitForSelector("#workspace-switch");
    expect(await page.$$eval("#workspace-switch option", (os) => os.map((o) => (o as HTMLOptionElement).value).sort())).toEqual([a.tenantId, bId].sort());
    await page.selectOption("#workspace-switch", bId);
    await expect.poll(() => page.textContent("#tenant-name")).toBe(`E2E ${bId}`);
    expect(await page.inputValue("#workspace-switch")).toBe(bId);
    // Logging out forgets the session (memory only) and says nothing about a session that "ended".
    await page.click("#logout");
    await page.waitForSelector("#login-form");
    expect(await page.locator("#login-view .notice").count()).toBe(0);
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a member demoted while the page is open gets the API's 403 as a message, not a broken page", async () => {
    const t = await signupTenant("ui-403");
    const m = await member(t, "MEMBER");
    const { page } = await openPage();
    await logIn(page, t.tenantId, m.email, m.password);
    await page.waitForSelector("#device-form");
    const members = await http("GET", "/api/v1/members", { token: t.token });
    const userId = members.body.items.find((x: { email: string }) => x.email === m.email).userId;
    expect((await http("PATCH", `/api/v1/members/${userId}`, { token: t.token, body: { role: "VIEWER" } })).status).toBe(200);
    await page.fill("#device-form input[name=id]", "not-allowed-1");
    await page.click("#register-device");
    await expect.poll(() => page.textContent("#device-error")).toMatch(/^Your role may not do this/);
    expect(await page.isVisible("#devices-view")).toBe(true);
    await page.close();
  });
});
