/**
 * The device SDK (sdk/) in a real Chromium, bundled for browsers by esbuild as a device web page
 * would bundle it: it connects with the browser's own WebSocket, sends each PUBLISH as one
 * frame (counted by a proxy), and its readings reach a subscriber of the running platform.
 */
import { build } from "esbuild";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBrowser } from "./browser";
import { platformUrl } from "./client";
import { startFrameProxy, type FrameProxy } from "./frame-proxy";
import { appOpts, Client, closeClients, newTenant, registerDevice, type Device, type Tenant } from "./mqtt-helpers";

const browser = useBrowser();
let tenant: Tenant;
let device: Device;
let proxy: FrameProxy;
let bundle = "";

beforeAll(async () => {
  tenant = await newTenant("sdkweb");
  device = await registerDevice(tenant, "web-dev");
  proxy = await startFrameProxy(platformUrl().replace(/^http/, "ws"));
  const out = await build({ entryPoints: ["sdk/index.ts"], bundle: true, platform: "browser", format: "iife", globalName: "SkylarkSdk", write: false, logLevel: "silent" });
  bundle = out.outputFiles[0]!.text;
});
afterAll(async () => {
  await closeClients();
  await proxy?.close();
});

type PageArgs = { url: string; tenant: string; deviceId: string; secret: string; topic: string };

/** Connects a device with the SDK inside the page; the client is kept on window for later steps. */
async function connectInPage(page: Page, args: PageArgs): Promise<void> {
  await page.evaluate(async (a) => {
    const w = window as any;
    w.device = w.SkylarkSdk.connectDevice({ url: a.url, tenant: a.tenant, deviceId: a.deviceId, secret: a.secret, mqtt: { reconnectPeriod: 0 } });
    await new Promise((resolve, reject) => (w.device.once("connect", resolve), w.device.once("error", (e: Error) => reject(String(e)))));
  }, args);
}

describe("device SDK in a browser", () => {
  it("publishes each reading as one frame and the platform delivers them in order", async () => {
    const page = await browser().newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto("about:blank");
    await page.addScriptTag({ content: bundle });
    const topic = `t/${tenant.id}/devices/${device.id}/telemetry`;
    const app = await Client.open(tenant.id, appOpts(tenant.token, 5));
    await app.sub(topic);

    await connectInPage(page, { url: proxy.origin, tenant: tenant.id, deviceId: device.id, secret: device.password, topic });
    proxy.reset();
    const readings = Array.from({ length: 8 }, (_, i) => JSON.stringify({ temp: 10 + i }));
    await page.evaluate(
      async ({ topic, readings }) => {
        const w = window as any;
        for (const r of readings) await w.device.publishAsync(topic, r, { qos: 1 });
      },
      { topic, readings },
    );
    expect(proxy.counts.up).toBe(readings.length);

    const got = await app.take(readings.length);
    expect(got.map((m) => m.text)).toEqual(readings);
    await page.evaluate(() => (window as any).device.endAsync());
    expect(errors).toEqual([]);
    await page.close();
  });
});
