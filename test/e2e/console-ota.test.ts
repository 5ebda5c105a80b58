/**
 * Over-the-air updates in the console, in a real Chromium against wrangler dev: an ADMIN uploads
 * an artifact through the Firmware page (its SHA-256 as the platform computed it; the same version
 * again is refused with the API's reason), starts a rollout to two devices from the Rollouts page
 * (a bad number is named by the shared schema and nothing is sent), watches it complete wave by
 * wave on its page, and rolls it back. The devices are real MQTT.js clients that take the notice on
 * `…/ota`, download the image, check its SHA-256 and report each state on `…/ota/status`. A MEMBER
 * reads both pages without a single action; a VIEWER is offered neither. An upload past the
 * plan's artifact size shows the API's 413 and uploads again to the same registration; a tenant
 * requiring signatures names the missing one. A rollout whose updates fail pauses itself: its
 * page says why with the figures and resumes only once the failures are acknowledged; a person pauses a running rollout, resumes it and cancels it, and what the API does
 * to it meanwhile reaches the page over the live connection. Nothing may be refused by the CSP.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { OtaNotice } from "../../domain/schemas/rollouts";
import { logIn, member, openPage, SCREENSHOTS, useBrowser } from "./browser";
import { http, operatorToken, platformUrl } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, rest, type Device, type Tenant } from "./mqtt-helpers";

const browser = useBrowser();
beforeAll(() => {
  // The rollout pages re-read every 3 s while a rollout runs; this suite shares two cores with whole platforms.
  vi.setConfig({ expect: { poll: { timeout: 30_000, interval: 250 } } });
});
afterEach(closeClients);

const image = (seed: number, length: number) => Buffer.from(Uint8Array.from({ length }, (_, i) => (i * seed + 7) % 251));
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const asMember = (t: Tenant, role: "VIEWER" | "MEMBER" | "ADMIN") => member({ tenantId: t.id, token: t.token, email: t.email, password: t.password }, role);

/**
 * A device that updates itself as the protocol says: on each notice it downloads the image,
 * checks the SHA-256 and reports downloading → downloaded → verified → installing → succeeded with
 * the version it then runs (failed, naming the digest, if the bytes are not the announced ones).
 */
async function updatingDevice(t: Tenant, d: Device, behaviour: "succeed" | "fail" | "silent" = "succeed") {
  const client = await Client.open(t.id, deviceOpts(d, 5));
  const status = `t/${t.id}/devices/${d.id}/ota/status`;
  const seen = new Set<string>();
  const versions: string[] = [];
  client.mqtt.on("message", (topic, payload) => {
    if (topic !== `t/${t.id}/devices/${d.id}/ota` || payload.length === 0) return;
    const notice = JSON.parse(payload.toString("utf8")) as OtaNotice;
    const key = `${notice.rolloutId}/${notice.attempt}`;
    if (seen.has(key) || behaviour === "silent") return;
    seen.add(key);
    void (async () => {
      const report = (body: Record<string, unknown>) => client.pub(status, JSON.stringify({ rolloutId: notice.rolloutId, ...body }));
      await report({ state: "downloading", progress: 0 });
      const res = await fetch(new URL(notice.url, platformUrl()));
      const bytes = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || sha256(bytes) !== notice.sha256) return report({ state: "failed", error: `download ${res.status}, sha256 ${sha256(bytes)}` });
      await report({ state: "downloaded", progress: 100 });
      await report({ state: "verified" });
      await report({ state: "installing" });
      if (behaviour === "fail") return report({ state: "failed", error: "flash write error" });
      versions.push(notice.version);
      await report({ state: "succeeded", version: notice.version });
    })();
  });
  expect(await client.sub(`t/${t.id}/devices/${d.id}/ota`, { qos: 1 })).toEqual([1]);
  return { client, versions };
}

const rowOf = (page: Page, version: string) => page.locator("#firmware-rows tr", { has: page.locator(`td[data-label="Version"]`, { hasText: new RegExp(`^${version.replace(/\./g, "\\.")}$`) }) });

describe("console OTA", () => {
  it("an ADMIN uploads firmware, starts a rollout to two devices, watches it complete and rolls it back; a MEMBER only reads, a VIEWER sees neither page", { timeout: 240_000 }, async () => {
    const t = await newTenant("ui-ota");
    // The version the devices run now, uploaded through the API: what a rollback returns them to.
    const old = image(3, 20_000);
    await rest.ok(http("POST", "/api/v1/firmware", { token: t.token, body: { id: "fw-old", title: "Thermo", version: "1.0.0" } }), 201);
    const put = await fetch(new URL("/api/v1/firmware/fw-old/artifact", platformUrl()), { method: "PUT", headers: { authorization: `Bearer ${t.token}`, "content-type": "application/octet-stream" }, body: old });
    expect(put.status).toBe(200);
    const devices = [await registerDevice(t, "ota-1", { firmwareVersion: "1.0.0", tags: ["field"] }), await registerDevice(t, "ota-2", { firmwareVersion: "1.0.0", tags: ["field"] })];
    const sims = await Promise.all(devices.map((d) => updatingDevice(t, d)));
    const admin = await asMember(t, "ADMIN");

    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, admin.email, admin.password);

    // Firmware: register and upload through the page.
    await page.click('nav.sidenav a[href="/firmware"]');
    await page.waitForSelector("#firmware-upload");
    await expect.poll(() => rowOf(page, "1.0.0").getAttribute("data-status")).toBe("ready");
    const next = image(11, 300_000);
    await page.fill("#firmware-upload input[name=title]", "Thermo");
    await page.fill("#firmware-upload input[name=version]", "1.1.0");
    await page.fill("#firmware-upload input[name=tags]", "field");
    await page.fill("#firmware-upload textarea[name=releaseNotes]", "Faster sampling");
    await page.setInputFiles("#firmware-upload input[name=file]", { name: "thermo-1.1.0.bin", mimeType: "application/octet-stream", buffer: next });
    await page.click("#firmware-submit");
    await page.waitForSelector("#firmware-uploaded");
    expect(await page.textContent("#firmware-uploaded")).toContain(sha256(next));
    const row = rowOf(page, "1.1.0");
    await expect.poll(() => row.getAttribute("data-status")).toBe("ready");
    expect(await row.locator('td[data-label="SHA-256"] code').getAttribute("title")).toBe(sha256(next));
    expect(await row.locator('td[data-label="Size"]').textContent()).toBe("293.0 KiB");
    expect(await row.locator('td[data-label="Targets"]').textContent()).toBe("tag field");
    expect(await row.locator('td[data-label="Signed"]').textContent()).toBe("unsigned");
    expect(await page.textContent("#storage-used")).toBe(`${((old.length + next.length) / 1024).toFixed(1)} KiB`);
    // The same version again: the API's 409 in the form's words; what was typed stays.
    await page.fill("#firmware-upload input[name=title]", "Thermo again");
    await page.fill("#firmware-upload input[name=version]", "1.1.0");
    await page.setInputFiles("#firmware-upload input[name=file]", { name: "again.bin", mimeType: "application/octet-stream", buffer: next });
    await page.click("#firmware-submit");
    await expect.poll(() => page.textContent("#firmware-upload-error")).toContain("1.1.0");
    expect(await page.inputValue("#firmware-upload input[name=version]")).toBe("1.1.0");
    await page.locator("#firmware-view").screenshot({ path: join(SCREENSHOTS, "console-firmware.png") });

    // Rollouts: the shared schema names a bad field and nothing is sent; then the rollout starts.
    await page.click('nav.sidenav a[href="/rollouts"]');
    await page.waitForSelector("#rollouts-empty");
    await page.click("#new-rollout-button");
    await page.waitForSelector("#new-rollout select[name=firmwareId] option", { state: "attached" });
    let posted = 0;
    page.on("request", (r) => r.method() === "POST" && new URL(r.url()).pathname === "/api/v1/rollouts" && posted++);
    await page.selectOption("#new-rollout select[name=firmwareId]", { label: "Thermo 1.1.0" });
    await page.fill("#new-rollout input[name=id]", "spring");
    await page.fill("#new-rollout input[name=target]", "ota-1, ota-2");
    await page.selectOption("#phases-editor select", "halves");
    await page.fill("#phases-editor input[name=phase-0-wait]", "0");
    await page.fill('#new-rollout input[name="strategy.retries"]', "20");
    await page.fill('#new-rollout input[name="strategy.updateTimeoutMinutes"]', "1");
    await page.fill('#new-rollout input[name="strategy.gate.soakMinutes"]', "0");
    await page.fill('#new-rollout input[name="strategy.gate.minExecuted"]', "1");
    await page.fill('#new-rollout input[name="strategy.gate.minCohort"]', "1");
    await page.click("#start-rollout");
    await expect.poll(() => page.textContent("#new-rollout-error")).toContain("strategy.retries");
    expect(await page.getAttribute('#new-rollout input[name="strategy.retries"]', "aria-invalid")).toBe("true");
    expect(posted).toBe(0);
    await page.fill('#new-rollout input[name="strategy.retries"]', "0");
    await page.click("#start-rollout");
    await page.waitForSelector("#rollout-started");
    expect(posted).toBe(1);
    expect(await page.textContent("#rollout-started")).toContain("version 1.1.0 to 2 devices in 2 waves");
    expect(await page.textContent("#skipped-none")).toBe("No target device was left out.");

    // Its page: both waves complete, the gate continued after each, every device succeeded.
    await page.click('#rollout-started a[href="/rollouts/spring"]');
    await page.waitForSelector("#rollout-view");
    await expect.poll(() => page.getAttribute("#rollout-view", "data-status")).toBe("completed");
    await expect.poll(() => page.locator("#wave-bars li").count()).toBe(2);
    for (const wave of [0, 1]) expect(await page.locator(`#wave-bars li[data-wave="${wave}"] .bar-words`).textContent()).toBe("1 succeeded");
    expect(await page.locator("#rollout-total .bar-words").textContent()).toBe("2 succeeded");
    expect(await page.locator("#gates-table tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-verdict")))).toEqual(["continue", "continue"]);
    await expect.poll(() => page.locator('#rollout-device-rows tr[data-state="succeeded"]').count()).toBe(2);
    await page.click('#rollout-device-rows tr[data-device="ota-1"] button.expand');
    expect(await page.locator("#history-ota-1 li").evaluateAll((items) => items.map((i) => i.getAttribute("data-state")))).toEqual(["pending", "notified", "downloading", "downloaded", "verified", "installing", "succeeded"]);
    await page.selectOption("#device-state-filter", "failed");
    await page.waitForSelector("#rollout-devices-empty");
    await page.selectOption("#device-state-filter", "");
    await page.waitForSelector('#rollout-device-rows tr[data-device="ota-2"]');
    for (const sim of sims) expect(sim.versions).toEqual(["1.1.0"]);
    for (const d of devices) expect((await http("GET", `/api/v1/devices/${d.id}`, { token: t.token })).body.firmwareVersion).toBe("1.1.0");
    expect(await page.isVisible("#pause-rollout")).toBe(false);
    await page.locator("#rollout-view").screenshot({ path: join(SCREENSHOTS, "console-rollout.png") });

    // Roll back: asked in place, then the new rollout's page, which completes with the devices on 1.0.0.
    await page.click("#rollback-rollout");
    await page.click("#rollout-actions .confirm button.danger");
    await page.waitForSelector("#rollout-view a[href='/rollouts/spring']");
    await expect.poll(() => page.getAttribute("#rollout-view", "data-status")).toBe("completed");
    expect(await page.textContent("#page-title")).not.toContain("spring");
    for (const d of devices) await expect.poll(async () => (await http("GET", `/api/v1/devices/${d.id}`, { token: t.token })).body.firmwareVersion).toBe("1.0.0");
    expect(blocked).toEqual([]);
    await page.close();

    // A MEMBER reads everything and is offered no action.
    const m = await asMember(t, "MEMBER");
    const memberView = await openPage(browser(), "dark");
    const mp = memberView.page;
    await logIn(mp, t.id, m.email, m.password);
    await mp.click('nav.sidenav a[href="/firmware"]');
    await mp.waitForSelector("#firmware-rows tr");
    expect(await mp.locator("#firmware-rows tr").count()).toBe(2);
    expect(await mp.locator("#firmware-upload, #signing-form, #firmware-view button").count()).toBe(0);
    expect(await mp.textContent("#firmware-signing")).toContain("Unsigned firmware is accepted.");
    await mp.click('nav.sidenav a[href="/rollouts"]');
    await mp.waitForSelector('#rollout-rows tr[data-rollout="spring"]');
    expect(await mp.locator("#new-rollout-button").count()).toBe(0);
    await mp.click('#rollout-rows tr[data-rollout="spring"] a');
    await mp.waitForSelector("#rollout-device-rows tr");
    expect(await mp.locator("#rollout-actions").count()).toBe(0);
    // On a phone, in the dark scheme: nothing wider than the screen.
    await mp.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => mp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await mp.screenshot({ path: join(SCREENSHOTS, "console-rollout-phone-dark.png"), fullPage: true });
    expect(memberView.blocked).toEqual([]);
    await mp.close();

    // A VIEWER: the OTA APIs answer MEMBERs and up, so neither page is offered.
    const v = await asMember(t, "VIEWER");
    const viewerView = await openPage(browser());
    await logIn(viewerView.page, t.id, v.email, v.password);
    expect(await viewerView.page.locator('nav.sidenav a[href="/devices"]').count()).toBe(1);
    expect(await viewerView.page.locator('nav.sidenav a[href="/firmware"], nav.sidenav a[href="/rollouts"]').count()).toBe(0);
    await viewerView.page.close();
  });

  it("firmware errors in words (413 then upload again, a required signature); a rollout that paused itself shows why with the figures and resumes only acknowledged; a person pauses, resumes and cancels", { timeout: 180_000 }, async () => {
    const t = await newTenant("ui-ota-gate");
    await rest.ok(http("POST", "/api/v1/firmware", { token: t.token, body: { id: "fw-2", title: "Thermo", version: "2.0.0" } }), 201);
    const put = await fetch(new URL("/api/v1/firmware/fw-2/artifact", platformUrl()), { method: "PUT", headers: { authorization: `Bearer ${t.token}`, "content-type": "application/octet-stream" }, body: image(5, 10_000) });
    expect(put.status).toBe(200);
    const failing = [await registerDevice(t, "bad-1", { firmwareVersion: "1.0.0" }), await registerDevice(t, "bad-2", { firmwareVersion: "1.0.0" })];
    for (const d of failing) await updatingDevice(t, d, "fail");
    const quiet = await registerDevice(t, "quiet-1", { firmwareVersion: "1.0.0" });
    await updatingDevice(t, quiet, "silent");
    const strategy = (timeout: number) => ({
      kind: "phases",
      phases: [
        { percent: 50, waitMinutes: 0 },
        { percent: 100, waitMinutes: 0 },
      ],
      updateTimeoutMinutes: timeout,
      retries: 0,
      gate: { soakMinutes: 0, abortThresholdPercent: 10, minExecuted: 1, minCohort: 1 },
    });
    await rest.ok(http("POST", "/api/v1/rollouts", { token: t.token, body: { id: "shaky", firmwareId: "fw-2", target: { devices: failing.map((d) => d.id) }, strategy: strategy(1) } }), 201);

    const { page, blocked } = await openPage(browser());
    await logIn(page, t.id, t.email, t.password);

    // Firmware errors in the API's words: bytes past the artifact limit (413) keep the registration
    // and the form uploads again to it; a tenant that requires signatures names the field.
    await rest.ok(http("PATCH", `/api/v1/admin/tenants/${t.id}`, { token: operatorToken(), body: { limits: { maxArtifactBytes: 4096 } } }));
    await page.click('nav.sidenav a[href="/firmware"]');
    await page.waitForSelector("#firmware-upload");
    await page.fill("#firmware-upload input[name=title]", "Tiny");
    await page.fill("#firmware-upload input[name=version]", "3.0.0");
    await page.setInputFiles("#firmware-upload input[name=file]", { name: "big.bin", mimeType: "application/octet-stream", buffer: image(2, 8192) });
    await page.click("#firmware-submit");
    await expect.poll(() => page.textContent("#firmware-upload-error")).toContain("at most 4096 bytes");
    expect(await page.textContent("#firmware-retry")).toContain("Version 3.0.0 is registered");
    expect(await page.textContent("#firmware-submit")).toBe("Upload again");
    await page.setInputFiles("#firmware-upload input[name=file]", { name: "small.bin", mimeType: "application/octet-stream", buffer: image(2, 2048) });
    await page.click("#firmware-submit");
    await page.waitForSelector("#firmware-uploaded");
    await expect.poll(() => rowOf(page, "3.0.0").getAttribute("data-status")).toBe("ready");
    await page.check("#require-signed");
    await page.click("#signing-submit");
    await expect.poll(async () => (await http("GET", "/api/v1/firmware/signing", { token: t.token })).body.requireSigned).toBe(true);
    await page.fill("#firmware-upload input[name=title]", "Unsigned");
    await page.fill("#firmware-upload input[name=version]", "3.0.1");
    await page.setInputFiles("#firmware-upload input[name=file]", { name: "small.bin", mimeType: "application/octet-stream", buffer: image(4, 2048) });
    await page.click("#firmware-submit");
    await expect.poll(() => page.getAttribute("#firmware-upload input[name=signature]", "aria-invalid")).toBe("true");
    expect(await page.textContent("#firmware-upload-error")).toContain("signature");
    expect(await rowOf(page, "3.0.1").count()).toBe(0);

    await page.click('nav.sidenav a[href="/rollouts"]');
    await page.click('#rollout-rows tr[data-rollout="shaky"] a');
    await expect.poll(() => page.getAttribute("#rollout-view", "data-status")).toBe("paused");
    const why = await page.textContent("#paused-reason");
    expect(why).toContain("The rollout paused itself");
    expect(why).toContain("failed updates: 100 % of the updated devices (limit 10 %)");
    expect(why).toContain("1 of 1 finished updates failed after wave 1.");
    expect(await page.locator('#gates-table tbody tr[data-verdict="pause"]').count()).toBe(1);
    await expect.poll(() => page.locator('#rollout-device-rows tr[data-state="failed"]').count()).toBe(1);
    await page.click('#rollout-device-rows tr[data-state="failed"] button.expand');
    expect(await page.textContent(".history-row")).toContain("flash write error");
    await page.locator("#rollout-view").screenshot({ path: join(SCREENSHOTS, "console-rollout-paused.png") });
    // Resuming needs the acknowledgement.
    expect(await page.isDisabled("#resume-rollout")).toBe(true);
    await page.check("#acknowledge-failures");
    await page.click("#resume-rollout");
    await expect.poll(async () => (await http("GET", "/api/v1/audit?action=rollout.resumed", { token: t.token })).body.items.length).toBe(1);
    // Its second wave fails too; whatever it is doing now, cancel ends it.
    await page.click("#cancel-rollout");
    await page.click("#rollout-actions .confirm button.danger");
    await expect.poll(() => page.getAttribute("#rollout-view", "data-status")).toBe("canceled");
    expect(await page.locator("#rollout-actions button").count()).toBe(0);

    // A person pauses a running rollout whose device says nothing, resumes it without an acknowledgement, and cancels it.
    await rest.ok(http("POST", "/api/v1/rollouts", { token: t.token, body: { id: "slow", firmwareId: "fw-2", target: { devices: [quiet.id] }, strategy: strategy(10) } }), 201);
    await page.click("#rollout-view a[href='/rollouts']");
    await page.click('#rollout-rows tr[data-rollout="slow"] a');
    await page.waitForSelector("#pause-rollout");
    await page.click("#pause-rollout");
    await page.click("#rollout-actions .confirm button.danger");
    await expect.poll(() => page.getAttribute("#rollout-view", "data-status")).toBe("paused");
    expect(await page.textContent("#paused-reason")).toContain("Paused by user:");
    expect(await page.locator("#acknowledge-failures").count()).toBe(0);
    await page.click("#resume-rollout");
    await expect.poll(() => page.getAttribute("#rollout-view", "data-status")).toBe("running");
    // Changes made elsewhere reach the page through the live connection: a paused rollout is not
    // polled, so only the platform's retained rollout event can show that the API resumed it.
    await rest.ok(http("POST", "/api/v1/rollouts/slow/pause", { token: t.token }));
    await expect.poll(() => page.getAttribute("#rollout-view", "data-status")).toBe("paused");
    await rest.ok(http("POST", "/api/v1/rollouts/slow/resume", { token: t.token, body: {} }));
    await expect.poll(() => page.getAttribute("#rollout-view", "data-status"), { timeout: 10_000 }).toBe("running");
    await page.click("#cancel-rollout");
    await page.click("#rollout-actions .confirm button.danger");
    await expect.poll(() => page.getAttribute("#rollout-view", "data-status")).toBe("canceled");
    await expect.poll(() => page.locator('#rollout-device-rows tr[data-device="quiet-1"]').getAttribute("data-state")).toBe("canceled");
    expect(blocked).toEqual([]);
    await page.close();
  });
});
