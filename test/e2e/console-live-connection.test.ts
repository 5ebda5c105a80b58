/**
 * The console's live connection in a real Chromium: a chart of 10 series × 10 000 points stays
 * responsive while live points stream in, and a workspace switch moves the one connection to the
 * other tenant's hub with the new token.
 */
import { afterEach, describe, expect, it } from "vitest";
import { logIn, openPage as open, useBrowser } from "./browser";
import { http, platformUrl, uniqueId } from "./client";
import { chartPoints, createDashboard, openDashboard, SLOW, telemetry, trackSockets } from "./dashboard-helpers";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, type Tenant } from "./mqtt-helpers";

const browser = useBrowser();
afterEach(async () => {
  await closeClients();
});

describe("console live connection", () => {
  it(
    "a chart of 10 series × 10 000 points stays responsive while live points stream in",
    async () => {
      const t = await newTenant("ui-dash-big");
      const devices = await Promise.all(Array.from({ length: 10 }, (_, i) => registerDevice(t, `big-${i}`)));
      await createDashboard(t, {
        name: "Big",
        timeRange: { relative: "24h" },
        widgets: [{ id: "big", type: "timeseries", x: 0, y: 0, w: 12, h: 6, bucket: "raw", series: devices.map((d) => ({ deviceId: d.id, metric: "v" })) }],
      });
      const { page, blocked } = await open(browser());
      // The history is synthesized in the browser (the pipeline is measured by bench:telemetry): every
      // series its own 10 000 timestamps, so the chart merges 100 000 distinct instants.
      const now = Date.now();
      const history = JSON.stringify({
        from: now - 86_400_000,
        to: now,
        bucket: "raw",
        agg: "avg",
        source: "hot-store",
        series: devices.map((d, s) => ({ device: d.id, metric: "v", truncated: false, points: Array.from({ length: 10_000 }, (_, i) => ({ ts: now - 86_000_000 + i * 8_600 + s * 7, value: s * 10 + Math.sin(i / 200) * 4 })) })),
      });
      await page.route(/\/api\/v1\/telemetry\?/, (route) => route.fulfill({ status: 200, contentType: "application/json", body: history }));
      await page.addInitScript(() => {
        const w = window as unknown as { longTasks: number[] };
        w.longTasks = [];
        new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: "longtask", buffered: true });
      });
      await logIn(page, t.id, t.email, t.password);
      const opened = Date.now();
      await openDashboard(page, "Big");
      await expect.poll(() => chartPoints(page, "big"), { timeout: 10_000 }).toBe(100_000);
      const firstDraw = Date.now() - opened;
      await page.waitForSelector('#live-status[data-status="live"]');
      await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks = []));

      // Live points for every series, one message every 100 ms, each drawn promptly.
      const clients = await Promise.all(devices.map((d) => Client.open(t.id, deviceOpts(d, 4))));
      for (let i = 0; i < 20; i++) {
        const c = clients[i % 10]!;
        await c.pub(telemetry(t, devices[i % 10]!.id), JSON.stringify({ ts: Date.now(), values: { v: 100 + i } }), { qos: 0 });
        await new Promise((r) => setTimeout(r, 100));
      }
      await expect.poll(() => chartPoints(page, "big"), { timeout: 2000 }).toBe(100_020);
      const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
      console.log(`10 × 10 000 points: drawn ${firstDraw} ms after opening; longest main-thread task while live: ${Math.round(Math.max(0, ...longTasks))} ms (${longTasks.length} tasks over 50 ms)`);
      // Responsive: no frame-blocking work anywhere near a second while points stream in.
      // (Measured 59–244 ms on the 2-core machine; a chart drawing 100 000 points as SVG elements takes seconds.)
      expect(Math.max(0, ...longTasks)).toBeLessThan(1000);
      expect(blocked).toEqual([]);
      await page.close();
    },
    SLOW,
  );

  it(
    "switching workspaces moves the live connection to the other tenant's hub, with the new token",
    async () => {
      const a = await newTenant("ui-dash-ws-a");
      const bId = uniqueId("ui-dash-ws-b");
      // The same address and password: the second workspace joins the same account.
      const signup = await http("POST", "/api/v1/auth/signup", { body: { email: a.email, password: a.password, tenant: { id: bId, name: `E2E ${bId}` } } });
      expect(signup.status).toBe(201);
      const b: Tenant = { id: bId, token: signup.body.token.token, email: a.email, password: a.password };
      const card = (deviceId: string) => [{ id: "v", type: "value", title: "Probe", x: 0, y: 0, w: 4, h: 2, deviceId, metric: "temp" }];
      const probes = { a: await registerDevice(a, "probe-a"), b: await registerDevice(b, "probe-b") };
      await createDashboard(a, { name: "Board A", widgets: card("probe-a") });
      await createDashboard(b, { name: "Board B", widgets: card("probe-b") });

      const { page, blocked } = await open(browser());
      const sockets = trackSockets(page);
      await page.goto(`${platformUrl()}/`);
      await page.fill("#login-form input[name=email]", a.email);
      await page.fill("#login-form input[name=password]", a.password);
      await page.fill("#login-form input[name=tenant]", a.id);
      await page.click("#login-form button[type=submit]");
      await openDashboard(page, "Board A");
      await page.waitForSelector('#live-status[data-status="live"]');
      const sensorA = await Client.open(a.id, deviceOpts(probes.a, 4));
      await sensorA.pub(telemetry(a, "probe-a"), JSON.stringify({ temp: 1.5 }));
      await expect.poll(() => page.textContent("#widget-v .value-text"), { timeout: 2000 }).toBe("1.5");

      await page.selectOption("#workspace-switch", bId);
      await expect.poll(() => page.textContent("#tenant-name")).toBe(`E2E ${bId}`);
      await openDashboard(page, "Board B");
      await page.waitForSelector('#live-status[data-status="live"]');
      const sensorB = await Client.open(b.id, deviceOpts(probes.b, 4));
      await sensorB.pub(telemetry(b, "probe-b"), JSON.stringify({ temp: 2.5 }));
      await expect.poll(() => page.textContent("#widget-v .value-text"), { timeout: 2000 }).toBe("2.5");
      // A's connection ended at the switch; the one open now is B's.
      expect(sockets.map((s) => [new URL(s.url).pathname, s.closed])).toEqual([
        [`/t/${a.id}/mqtt`, true],
        [`/t/${bId}/mqtt`, false],
      ]);
      expect(blocked).toEqual([]);
      await page.close();
    },
    SLOW,
  );
});
