/**
 * The console's administration pages in a real Chromium against wrangler dev: members and
 * invitations, API keys (shown once, usable, revoked), custom domains (the DNS records), the audit
 * log with a filter, rejected messages from a real MQTT publish, dead letters, settings (branding
 * preview, then the whole console wears it), the danger zone's typed confirmation and offboarding,
 * and a VIEWER who sees none of the mutating controls. Nothing may be refused by the CSP.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { logIn, member, openPage as open, SCREENSHOTS, tenantUrl, useBrowser } from "./browser";
import { http, signupTenant, uniqueId } from "./client";
import { Client, closeClients, deviceOpts, registerDevice } from "./mqtt-helpers";
import { plantDeadLetter } from "./registry-rows";

const browser = useBrowser();
afterEach(async () => {
  await closeClients();
});
/** A page whose uncaught script errors fail the test that opened it (reported with the page's own words). */
async function openPage(colorScheme: "light" | "dark" = "light") {
  const opened = await open(browser(), colorScheme);
  opened.page.on("pageerror", (err) => opened.blocked.push(`uncaught: ${err.message}`));
  return opened;
}

/** Opens a page from the navigation, as a user would. */
async function go(page: Page, path: string, view: string) {
  await page.click(`nav.sidenav a[href="${path}"]`);
  await page.waitForSelector(view);
}

const userIdOf = async (token: string, email: string): Promise<string> => (await http("GET", "/api/v1/members", { token })).body.items.find((m: { email: string }) => m.email === email).userId;

describe("console administration", () => {
  it("members: invite someone with a role, change a member's role, remove them", async () => {
    const t = await signupTenant("ui-members");
    const { page, blocked } = await openPage();
    await logIn(page, t.tenantId, t.email, t.password);
    await go(page, "/members", "#members-view");
    await expect.poll(() => page.locator("#member-rows tr").allTextContents()).toEqual([expect.stringContaining(t.email)]);

    const invited = `${uniqueId("invitee")}@example.com`;
    await page.fill("#invite-form input[name=email]", invited);
    await page.selectOption("#invite-form select[name=role]", "VIEWER");
    await page.click("#send-invitation");
    await expect.poll(() => page.textContent("#invite-status")).toBe(`An invitation was mailed to ${invited} (VIEWER).`);
    await expect.poll(() => page.locator("#invitation-rows tr").allTextContents()).toEqual([expect.stringMatching(new RegExp(`${invited}VIEWER`))]);
    // The mail went to the address (and only there): accept it the way the invitee would.
    const mail = await http("GET", `/api/v1/dev/outbox?to=${encodeURIComponent(invited)}&kind=invitation`);
    const token = new URLSearchParams(new URL(mail.body.items[0].link).hash.slice(1)).get("token");
    expect((await http("POST", "/api/v1/auth/invitations/accept", { body: { token, password: "invitee password" } })).status).toBe(200);

    // A bad address is named before anything is sent.
    await page.fill("#invite-form input[name=email]", "not-an-address");
    await page.click("#send-invitation");
    await expect.poll(() => page.textContent("#invite-error")).toMatch(/^Please check email \(/);

    // Opening the page again reads the members again.
    await go(page, "/usage", "#usage-view");
    await go(page, "/members", "#members-view");
    const userId = await userIdOf(t.token, invited);
    const roleSelect = `#member-rows tr[data-user="${userId}"] select.member-role`;
    await expect.poll(() => page.inputValue(roleSelect)).toBe("VIEWER");
    await page.selectOption(roleSelect, "ADMIN");
    await expect.poll(() => page.textContent("#member-status")).toBe(`${invited} is now ADMIN.`);
    expect((await http("GET", `/api/v1/members/${userId}`, { token: t.token })).body.role).toBe("ADMIN");
    await expect.poll(() => page.inputValue(roleSelect)).toBe("ADMIN");
    expect(await page.locator("#invitation-rows tr").allTextContents()).toEqual(["No pending invitations."]);

    // Removing asks first, then the member is gone (and the API agrees).
    await page.click(`#member-rows tr[data-user="${userId}"] button:has-text('Remove')`);
    await page.click(`#member-rows tr[data-user="${userId}"] .confirm button.danger`);
    await expect.poll(() => page.textContent("#member-status")).toBe(`${invited} was removed.`);
    await expect.poll(() => page.locator("#member-rows tr").count()).toBe(1);
    expect((await http("GET", `/api/v1/members/${userId}`, { token: t.token })).status).toBe(404);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("API keys: the key is shown once and works; revoked through the UI, the API refuses it; the audit log shows both, filtered", async () => {
    const t = await signupTenant("ui-keys");
    expect((await http("POST", "/api/v1/devices", { token: t.token, body: { id: "audited-1" } })).status).toBe(201);
    expect((await http("POST", "/api/v1/devices", { token: t.token, body: { id: "unaudited-2" } })).status).toBe(201);
    const { page, blocked } = await openPage();
    await logIn(page, t.tenantId, t.email, t.password);
    await go(page, "/api-keys", "#api-keys-view");
    await expect.poll(() => page.locator("#api-key-rows tr").allTextContents()).toEqual(["No API keys yet."]);

    await page.fill("#api-key-form input[name=name]", "billing export");
    await page.selectOption("#api-key-form select[name=role]", "MEMBER");
    await page.fill("#api-key-form input[name=expiresInDays]", "30");
    await page.click("#create-api-key");
    await page.waitForSelector("#new-api-key");
    const key = (await page.textContent("#new-api-key-value"))!.trim();
    expect(key).toMatch(new RegExp(`^sky_${t.tenantId}_`));
    await expect.poll(() => page.locator("#api-key-rows tr").allTextContents()).toEqual([expect.stringContaining("billing export")]);
    expect(await page.textContent("#api-key-rows")).toContain("MEMBER");
    await page.screenshot({ path: join(SCREENSHOTS, "admin-api-keys.png"), fullPage: true });

    // The key works against the API, with its role.
    const asKey = await http("GET", "/api/v1/tenant", { token: key });
    expect(asKey.status).toBe(200);
    expect(asKey.body.role).toBe("MEMBER");

    // Shown once: after "Done" it is nowhere on the page.
    await page.click("#api-key-done");
    expect(await page.locator("#new-api-key").count()).toBe(0);
    expect(await page.content()).not.toContain(key);

    // Revoking asks first; Cancel leaves it alone.
    await page.click("#api-key-rows button:has-text('Revoke')");
    await page.click("#api-key-rows button:has-text('Cancel')");
    expect((await http("GET", "/api/v1/tenant", { token: key })).status).toBe(200);
    await page.click("#api-key-rows button:has-text('Revoke')");
    await page.click("#api-key-rows .confirm button.danger");
    await expect.poll(() => page.textContent("#api-key-status")).toContain('"billing export" was revoked');
    await expect.poll(() => page.locator("#api-key-rows tr").allTextContents()).toEqual(["No API keys yet."]);
    expect((await http("GET", "/api/v1/tenant", { token: key })).status).toBe(401);

    // The audit log: everything, then only the revocation.
    await go(page, "/audit", "#audit-view");
    await expect.poll(async () => (await page.locator("#audit-rows tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")))).filter(Boolean)).toEqual(expect.arrayContaining(["api_key.create", "api_key.revoke"]));
    await page.fill("#audit-action", "api_key.revoke");
    await page.click("#apply-audit-filter");
    await expect.poll(() => page.locator("#audit-rows tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")))).toEqual(["api_key.revoke"]);
    expect(await page.textContent("#audit-rows")).toContain("success");
    await page.selectOption("#audit-outcome", "denied");
    await page.click("#apply-audit-filter");
    await expect.poll(() => page.locator("#audit-rows tr").allTextContents()).toEqual(["No entries match."]);
    // By device: only the rows about it; a malformed id is named before anything is sent.
    await page.selectOption("#audit-outcome", "");
    await page.fill("#audit-action", "");
    await page.fill("#audit-device", "bad id!");
    await page.click("#apply-audit-filter");
    await expect.poll(() => page.locator("#audit-view [role=alert]").allTextContents()).toEqual([expect.stringMatching(/^Please check device \(/)]);
    await page.fill("#audit-device", "audited-1");
    await page.click("#apply-audit-filter");
    await expect.poll(() => page.locator("#audit-rows tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")))).toEqual(["device.credentials_issued", "device.create"]);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("custom domains: adding a hostname shows the exact DNS records; verify reports why it is not active; remove", async () => {
    const t = await signupTenant("ui-domains");
    const hostname = `iot.${t.tenantId}.example.com`;
    const { page, blocked } = await openPage();
    await logIn(page, t.tenantId, t.email, t.password);
    await go(page, "/domains", "#domains-view");
    await page.fill("#domain-form input[name=hostname]", "not a hostname");
    await page.click("#add-domain");
    await expect.poll(() => page.textContent("#add-domain-error")).toMatch(/^Please check hostname \(/);

    await page.fill("#domain-form input[name=hostname]", hostname.toUpperCase());
    await page.click("#add-domain");
    const card = `article[data-hostname="${hostname}"]`;
    await page.waitForSelector(card);
    // The records on the page are the API's, name for name and value for value.
    const api = await http("GET", `/api/v1/domains/${hostname}`, { token: t.token });
    expect(api.status).toBe(200);
    const shown = await page
      .locator(`${card} .dns-records tbody tr`)
      .evaluateAll((rows) => rows.map((r) => ({ type: r.children[0]!.textContent, name: r.querySelector(".dns-name")!.textContent, value: r.querySelector(".dns-value")!.textContent })));
    expect(shown).toEqual(api.body.dnsRecords.map((r: { type: string; name: string; value: string }) => ({ type: r.type, name: r.name, value: r.value })));
    expect(shown).toEqual(
      expect.arrayContaining([
        { type: "CNAME", name: hostname, value: expect.any(String) },
        { type: "TXT", name: `_skylark-challenge.${hostname}`, value: expect.stringMatching(/^sky-/) },
      ]),
    );
    expect(await page.textContent(`${card} [data-status]`)).toBe("pending");

    // Nothing is in DNS for this name: verification cannot pass, and the page says why.
    await page.click(`${card} .verify-domain`);
    // (The test platform's resolver is test/e2e/doh-server.ts, whose zone has nothing for this name.)
    const said = async () => [...(await page.locator("#domain-error").allTextContents()), ...(await page.locator(`${card} .failure-reason`).allTextContents())].join(" ");
    await expect.poll(said, { timeout: 20_000 }).toMatch(/no CNAME record.*no TXT record/);
    expect((await http("GET", `/api/v1/domains/${hostname}`, { token: t.token })).body.status).not.toBe("active");

    await page.click(`${card} button:has-text('Remove')`);
    await page.click(`${card} .confirm button.danger`);
    await expect.poll(() => page.textContent("#domain-status")).toBe(`${hostname} was removed.`);
    expect((await http("GET", `/api/v1/domains/${hostname}`, { token: t.token })).status).toBe(404);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("a message a device publishes with a bad payload appears among the rejected messages; dead letters; usage with rejections and limit hits", async () => {
    const t = await signupTenant("ui-rejected");
    const device = await registerDevice({ id: t.tenantId, token: t.token, email: t.email, password: t.password }, "sensor-7");
    const client = await Client.open(t.tenantId, deviceOpts(device, 5));
    await client.pub(`t/${t.tenantId}/devices/sensor-7/telemetry`, "temp=21.5 not json");
    await client.pub(`t/${t.tenantId}/devices/sensor-7/telemetry`, JSON.stringify({ values: { temp: { nested: [1] } } }));
    // Another device sends faster than the plan lets one device (10/s after a 5 s burst): the refusals are limit hits.
    const chatty = await registerDevice({ id: t.tenantId, token: t.token, email: t.email, password: t.password }, "chatty-8");
    const burst = await Client.open(t.tenantId, deviceOpts(chatty, 5));
    for (let i = 0; i < 90; i++) burst.mqtt.publish(`t/${t.tenantId}/devices/chatty-8/telemetry`, JSON.stringify({ n: i }), { qos: 0 });

    const { page, blocked } = await openPage();
    await logIn(page, t.tenantId, t.email, t.password);
    await go(page, "/rejected", "#rejected-view");
    await expect
      .poll(
        async () => {
          await page.click("#refresh-rejected");
          return page.locator("#rejected-rows tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-reason")));
        },
        { timeout: 15_000 },
      )
      .toEqual(["invalid_payload", "invalid_json"]);
    const json = page.locator('#rejected-rows tr[data-reason="invalid_json"]');
    expect(await json.locator("td[data-label=Device]").textContent()).toBe("sensor-7");
    expect(await json.locator("td[data-label=Topic]").textContent()).toBe(`t/${t.tenantId}/devices/sensor-7/telemetry`);
    expect(await json.locator("td[data-label=Payload]").textContent()).toBe("temp=21.5 not json");
    // Filtered by reason, as the API filters.
    await page.selectOption("#rejected-reason", "invalid_json");
    await page.click("#rejected-filter button[type=submit]");
    await expect.poll(() => page.locator("#rejected-rows tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-reason")))).toEqual(["invalid_json"]);

    // Nothing failed every retry here, so the dead letters are empty, and re-driving has nothing to do.
    await go(page, "/dead-letters", "#dead-letters-view");
    await expect.poll(() => page.locator("#dead-letter-rows tr").allTextContents()).toEqual(["No dead letters."]);
    expect(await page.isDisabled("#redrive-all")).toBe(true);

    // Usage counts the two rejections by reason.
    await go(page, "/usage", "#usage-view");
    await expect.poll(() => page.locator("#rejected-by-reason tbody tr").allTextContents(), { timeout: 10_000 }).toEqual(expect.arrayContaining(["invalid_json1", "invalid_payload1"]));
    expect(await page.textContent("#meter-devices")).toMatch(/2 of 50/);
    await expect.poll(() => page.locator("#limit-hits tbody tr").allTextContents(), { timeout: 10_000 }).toEqual([expect.stringMatching(/^messagesPerSecondPerDevice\d+$/)]);
    await page.waitForSelector("#usage-history-table");
    // The months as a chart: six months of two series, this month's two rejections among them.
    await expect.poll(() => page.getAttribute("#usage-chart", "data-points")).toBe("12");
    expect(await page.locator("#usage-chart canvas").count()).toBeGreaterThan(0);
    const thisMonth = await page.locator("#usage-history-table tbody tr").last().locator("th, td").allTextContents();
    expect([thisMonth[0], thisMonth[3]]).toEqual([new Date().toISOString().slice(0, 7), "2"]);
    expect(Number(thisMonth[5])).toBeGreaterThan(0);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("dead letters: a MEMBER re-drives one through the real queue (its reading then stored once), discards another, and sees each outcome", { timeout: 120_000 }, async () => {
    const t = await signupTenant("ui-dead");
    const tenant = { id: t.tenantId, token: t.token, email: t.email, password: t.password };
    await registerDevice(tenant, "boiler-3");
    const topic = `t/${t.tenantId}/devices/boiler-3/telemetry`;
    const envelope = (msgId: string, temp: number) => ({
      v: 1,
      tenant: t.tenantId,
      msgId,
      traceId: msgId,
      receivedAt: Date.now() - 60_000,
      source: { kind: "device", device: "boiler-3", channel: "telemetry" },
      publisher: "boiler-3",
      topic,
      payload: JSON.stringify({ temp }),
      bytes: 12,
    });
    // As the dead-letter consumer records a message that failed every delivery (planted: that takes minutes).
    // Ids as the consumer makes them: 26 lowercase base-32 characters.
    const [keep, drop] = ["0keep", "0drop"].map((tag) => `${Date.now().toString(32).padStart(10, "0")}${tag.padEnd(16, "0")}`);
    plantDeadLetter(t.tenantId, { id: keep!, msgId: "msg-keep", topic, envelope: envelope("msg-keep", 71.5) });
    plantDeadLetter(t.tenantId, { id: drop!, msgId: "msg-drop", topic, envelope: envelope("msg-drop", 99) });
    const m = await member(t, "MEMBER");
    const { page, blocked } = await openPage();
    await logIn(page, t.tenantId, m.email, m.password);
    await go(page, "/dead-letters", "#dead-letters-view");
    await expect.poll(() => page.locator("#dead-letter-rows tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id")).sort())).toEqual([drop, keep].sort());
    expect(await page.textContent(`#dead-letter-rows tr[data-id="${keep}"]`)).toContain("71.5");

    await page.click(`#dead-letter-rows tr[data-id="${keep}"] button.redrive`);
    await expect.poll(() => page.textContent("#redrive-results")).toContain("msg-keep: re-driven");
    await page.click(`#dead-letter-rows tr[data-id="${drop}"] button.danger-link`);
    await page.click(`#dead-letter-rows tr[data-id="${drop}"] .confirm button.danger`);
    await expect.poll(() => page.textContent("#redrive-results")).toContain("msg-drop: discarded");
    await expect.poll(() => page.locator("#dead-letter-rows tr").allTextContents()).toEqual(["No dead letters."]);
    // The re-driven message went through the queue into the hot store, once; the discarded one nowhere.
    const temps = async () => (await http("GET", `/api/v1/telemetry?device=boiler-3&metric=temp&from=0`, { token: t.token })).body.series[0]?.points.map((p: { value: number }) => p.value) ?? [];
    await expect.poll(temps, { timeout: 15_000 }).toEqual([71.5]);
    const letters = (await http("GET", "/api/v1/telemetry/dead-letters?status=redriven", { token: t.token })).body.items;
    expect(letters.map((l: { id: string; status: string }) => [l.id, l.status])).toEqual([[keep, "redriven"]]);
    // A re-driven letter is listed under its status and offers no second re-drive.
    await page.selectOption("#dead-letter-status", "redriven");
    await expect.poll(() => page.locator("#dead-letter-rows tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id")))).toEqual([keep]);
    expect(await page.locator(`#dead-letter-rows tr[data-id="${keep}"] button.redrive`).count()).toBe(0);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("settings: the preview wears the draft branding; after saving, the whole console does", async () => {
    const t = await signupTenant("ui-settings");
    const { page, blocked } = await openPage();
    await logIn(page, t.tenantId, t.email, t.password);
    await go(page, "/settings", "#settings-view");
    const headerBg = (sel: string) => page.$eval(sel, (el) => getComputedStyle(el).backgroundColor);
    const before = await headerBg(".topbar");

    await page.fill('#settings-form input[name="branding.displayName"]', "Harbour Sensors");
    await page.fill('#settings-form input[name="branding.primaryColor"]', "#0b6e4f");
    await page.fill('#settings-form input[name="branding.accentColor"]', "#ffd166");
    // The preview changes at once; the console itself not yet.
    await expect.poll(() => page.textContent("#preview-name")).toBe("Harbour Sensors");
    await expect.poll(() => headerBg("#preview-header")).toBe("rgb(11, 110, 79)");
    expect(await headerBg("#preview-button")).toBe("rgb(255, 209, 102)");
    expect(await page.$eval("#preview-button", (el) => getComputedStyle(el).color)).toBe("rgb(0, 0, 0)");
    expect(await headerBg(".topbar")).toBe(before);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-settings.png"), fullPage: true });

    // A bad colour is named, and nothing is saved.
    await page.fill('#settings-form input[name="branding.primaryColor"]', "green");
    await page.click("#save-settings");
    await expect.poll(() => page.textContent("#settings-error")).toMatch(/branding\.primaryColor/);
    expect((await http("GET", "/api/v1/tenant", { token: t.token })).body.tenant.branding).toEqual({});

    await page.fill('#settings-form input[name="branding.primaryColor"]', "#0b6e4f");
    await page.click("#save-settings");
    await expect.poll(() => page.textContent("#settings-status")).toContain("Saved");
    await expect.poll(() => headerBg(".topbar")).toBe("rgb(11, 110, 79)");
    await expect.poll(() => page.textContent("#brand-name")).toBe("Harbour Sensors");
    await expect.poll(() => page.title()).toBe("Harbour Sensors · Skylark");
    // The form re-read the saved tenant (its fields show the stored values); the confirmation stays.
    expect(await page.textContent("#settings-status")).toContain("Saved");
    expect((await http("GET", "/api/v1/tenant", { token: t.token })).body.tenant.branding).toEqual({ displayName: "Harbour Sensors", primaryColor: "#0b6e4f", accentColor: "#ffd166" });
    // And the login page, after logging out.
    await page.click("#logout");
    await expect.poll(() => page.textContent("#login-title")).toBe("Log in to Harbour Sensors");
    expect(await headerBg(".topbar")).toBe("rgb(11, 110, 79)");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("danger zone: offboarding is enabled only once the confirmation matches; a throwaway workspace is frozen and its export listed", async () => {
    const t = await signupTenant("ui-offboard");
    await http("POST", "/api/v1/devices", { token: t.token, body: { id: "leaving-1" } });
    const { page, blocked } = await openPage();
    await logIn(page, t.tenantId, t.email, t.password);
    await go(page, "/danger-zone", "#danger-zone-view");
    await expect.poll(() => page.textContent("#exports")).toContain("No exports yet");
    expect(await page.isDisabled("#offboard")).toBe(true);
    await page.fill("#offboard-form input[name=confirm]", t.tenantId.slice(0, -1));
    expect(await page.isDisabled("#offboard")).toBe(true);
    await page.fill("#offboard-form input[name=confirm]", `${t.tenantId}x`);
    expect(await page.isDisabled("#offboard")).toBe(true);
    await page.fill("#offboard-form input[name=confirm]", t.tenantId);
    expect(await page.isEnabled("#offboard")).toBe(true);
    await page.fill("#offboard-form input[name=downloadWindowHours]", "1");
    await page.click("#offboard");
    await page.waitForSelector("#offboarding-started");
    expect(await page.textContent("#offboarding-workflow")).toBeTruthy();
    expect(await page.textContent("#offboarding-notice")).toContain("for 1 hours");

    // Frozen at once: the API refuses the workspace; the owner's export becomes downloadable.
    await expect.poll(async () => (await http("GET", "/api/v1/devices", { token: t.token })).status, { timeout: 10_000 }).toBe(403);
    await page.waitForSelector("button.download-file", { timeout: 45_000 });
    const files = await page.locator("button.download-file").evaluateAll((bs) => bs.map((b) => b.getAttribute("data-file")));
    expect(files.length).toBeGreaterThan(0);
    const devicesFile = files.find((f) => /^registry\.devices\./.test(f ?? ""));
    expect(devicesFile).toBeTruthy();
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(`button.download-file[data-file="${devicesFile}"]`)]);
    expect(download.suggestedFilename()).toBe(devicesFile);
    const path = await download.path();
    expect(readFileSync(path, "utf8")).toContain("leaving-1");
    expect(blocked).toEqual([]);
    await page.close();
  }, 90_000);

  it("a VIEWER sees read-only pages and none of the mutating controls; the admin pages are not in its navigation", async () => {
    const t = await signupTenant("ui-admin-viewer");
    const viewer = await member(t, "VIEWER");
    const { page, blocked } = await openPage("dark");
    await logIn(page, t.tenantId, viewer.email, viewer.password);
    const links = await page.locator("nav.sidenav a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(links).toEqual(expect.arrayContaining(["/members", "/usage", "/rejected", "/dead-letters", "/settings"]));
    for (const hidden of ["/api-keys", "/domains", "/audit", "/danger-zone"]) expect(links).not.toContain(hidden);
    // Typing the address does not open them either.
    await page.goto(tenantUrl(t.tenantId, "/api-keys"));
    await logIn(page, t.tenantId, viewer.email, viewer.password);
    expect(await page.locator("#api-keys-view").count()).toBe(0);

    await go(page, "/members", "#members-view");
    await expect.poll(() => page.locator("#member-rows tr").count()).toBe(2);
    expect(await page.locator("#members-view select, #invite-form, #members-view button").count()).toBe(0);
    expect(await page.textContent("#read-only-note")).toContain("VIEWER");
    // On a phone the table folds into labelled rows: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.$eval("#member-table thead", (el) => el.getBoundingClientRect().height)).toBeLessThanOrEqual(1);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-members-viewer-phone-dark.png"), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 800 });

    await go(page, "/dead-letters", "#dead-letters-view");
    await expect.poll(() => page.locator("#dead-letter-rows tr").allTextContents()).toEqual(["No dead letters."]);
    expect(await page.locator("#redrive-all, button.redrive").count()).toBe(0);

    await go(page, "/settings", "#settings-view");
    expect(await page.locator("#save-settings").count()).toBe(0);
    expect(await page.isDisabled('#settings-form input[name="name"]')).toBe(true);
    expect(await page.textContent("#read-only-note")).toContain("ADMIN");
    expect((await page.locator("[role=alert]").allTextContents()).filter((x) => x.trim())).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "admin-settings-viewer-dark.png"), fullPage: true });
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("an admin demoted while the API keys page is open gets the 403 as a message", async () => {
    const t = await signupTenant("ui-admin-403");
    const admin = await member(t, "ADMIN");
    const { page } = await openPage();
    await logIn(page, t.tenantId, admin.email, admin.password);
    await go(page, "/api-keys", "#api-keys-view");
    expect((await http("PATCH", `/api/v1/members/${await userIdOf(t.token, admin.email)}`, { token: t.token, body: { role: "MEMBER" } })).status).toBe(200);
    await page.fill("#api-key-form input[name=name]", "too late");
    await page.click("#create-api-key");
    await expect.poll(() => page.textContent("#create-key-error")).toMatch(/^Your role may not do this/);
    expect(await page.locator("#new-api-key").count()).toBe(0);
    await page.close();
  });
});
