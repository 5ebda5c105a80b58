/**
 * The endpoints the dashboards pages use: dashboards (with their ETags for optimistic
 * concurrency), and the telemetry, latest-value, device and rejected-message reads widgets need.
 * Requests are checked with the API's own schemas before they are sent.
 */
import type { z } from "zod";
import type { Page } from "../../../domain/schemas/common";
import { DashboardInput, StoredDashboard, type Dashboard, type DashboardSummary } from "../../../domain/schemas/dashboards";
import type { Device } from "../../../domain/schemas/devices";
import type { LatestValues } from "../../../domain/schemas/fleet";
import type { Aggregate, Bucket, Series } from "../../../domain/telemetry/query";
import type { RejectedMessage } from "../../../domain/telemetry/rejections";
import { check, query, request } from "../api";

export type Versioned = { dashboard: Dashboard; etag: string };
export type SeriesAnswer = { from: number; to: number; bucket: Bucket; agg: Aggregate; source: string; series: Series[] };
export type LatestAnswer = z.infer<typeof LatestValues>;

const path = (id: string) => `/dashboards/${encodeURIComponent(id)}`;

/** The dashboard with the ETag the API sent (falling back to the version it names, which is what the ETag encodes). */
async function versioned(method: string, url: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Versioned> {
  let etag: string | null = null;
  const dashboard = await request<Dashboard>(method, url, { ...opts, onHeaders: (h) => (etag = h.get("etag")) });
  return { dashboard, etag: etag ?? `"${dashboard.version}"` };
}

export const dashboardsApi = {
  list: (cursor?: string) => request<Page<DashboardSummary>>("GET", `/dashboards${query({ limit: 200, cursor })}`),
  get: (id: string) => versioned("GET", path(id)),
  create: (body: DashboardInput) => versioned("POST", "/dashboards", { body: check(DashboardInput, body) }),
  /** Full replace, only if nobody saved since `etag` (412 otherwise). */
  replace: (id: string, body: DashboardInput, etag: string) => versioned("PUT", path(id), { body: check(DashboardInput, body), headers: { "if-match": etag } }),
  remove: (id: string, etag?: string) => request<void>("DELETE", path(id), etag ? { headers: { "if-match": etag } } : {}),
  exportDocument: (id: string) => request<unknown>("GET", `${path(id)}/export`),
  /** An exported document of any known schema version; the API upgrades older ones. */
  importDocument: (doc: unknown) => versioned("POST", "/dashboards/import", { body: check(StoredDashboard, doc) }),
};

export const telemetryApi = {
  series: (q: { devices: string[]; metrics: string[]; from: number; to: number; bucket: Bucket; agg: Aggregate; limit?: number }) =>
    request<SeriesAnswer>("GET", `/telemetry${query({ device: q.devices.join(","), metric: q.metrics.join(","), from: q.from, to: q.to, bucket: q.bucket, agg: q.agg, limit: q.limit ?? 10_000 })}`),
  latest: (devices: string[], metrics: string[] = []) => request<LatestAnswer>("GET", `/telemetry/latest${query({ device: devices.join(","), metric: metrics.join(",") })}`),
  rejected: (q: { device?: string; limit: number }) => request<Page<RejectedMessage>>("GET", `/telemetry/rejected${query({ device: q.device, limit: Math.min(200, q.limit) })}`),
};

export const devicesApi = {
  /** Up to 200 devices (with the tag, when given); dashboards show small fleets whole. */
  list: (tag?: string) => request<Page<Device>>("GET", `/devices${query({ limit: 200, tag })}`),
};
