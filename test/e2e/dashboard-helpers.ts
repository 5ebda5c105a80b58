/**
 * What the console's dashboard tests share: dashboards made through the API, opening one as a
 * user would, and reading what a chart shows (TimeSeriesChart's point count and summary table).
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { http } from "./client";
import type { Tenant } from "./mqtt-helpers";

/** Browser tests wait on a shared 2-core machine: generous per test, strict where the issue sets a bound (2 s). */
export const SLOW = 90_000;

export const telemetry = (t: Tenant, device: string) => `t/${t.id}/devices/${device}/telemetry`;

export async function createDashboard(t: Tenant, doc: Record<string, unknown>): Promise<string> {
  const r = await http("POST", "/api/v1/dashboards", { token: t.token, body: doc });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

/** Waits until the pipeline stored a reading (what a dashboard opened afterwards reads as history). */
export async function stored(t: Tenant, device: string, metric: string, value: number) {
  await expect.poll(async () => (await http("GET", `/api/v1/telemetry/latest?device=${device}&metric=${metric}`, { token: t.token })).body.items?.[0]?.values?.[metric]?.value, { timeout: 10_000, interval: 100 }).toBe(value);
}

/** Opens a dashboard from the navigation, as a user would (a reload would end the in-memory session). */
export async function openDashboard(page: Page, name: string) {
  await page.click('nav.sidenav a[href="/dashboards"]');
  await page.click(`#dashboard-rows a:has-text("${name}")`);
  await page.waitForSelector("#dashboard-grid");
}

/** Logs in again on the page it is on (after a reload the login form shows; the path is kept). */
export async function logInHere(page: Page, t: { email: string; password: string }) {
  await page.fill("#login-form input[name=email]", t.email);
  await page.fill("#login-form input[name=password]", t.password);
  await page.click("#login-form button[type=submit]");
}

/** How many points the chart draws in its range. */
export const chartPoints = (page: Page, widget: string) => page.getAttribute(`#chart-${widget}`, "data-points").then(Number);
/** The first series' latest value as the chart's summary reads it ("4.26 at 10:31:02"). */
export const latestCell = (page: Page, widget: string) => page.textContent(`#chart-${widget} .ts-chart-latest`);

/** Every WebSocket the page opens, and whether it has closed. */
export function trackSockets(page: Page): { url: string; closed: boolean }[] {
  const sockets: { url: string; closed: boolean }[] = [];
  page.on("websocket", (ws) => {
    const s = { url: ws.url(), closed: false };
    sockets.push(s);
    ws.on("close", () => (s.closed = true));
  });
  return sockets;
}
