/** The Devices area's endpoints: the registry, a device's twin, telemetry, rejected messages and audit trail. */
import { saveBlob } from "../download";
import type { z } from "zod";
import type { Page } from "../../../domain/schemas/common";
import { CreateDevice, UpdateDevice, type Device, type DeviceListQuery, type DeviceWithCredentials } from "../../../domain/schemas/devices";
import { Attributes } from "../../../domain/schemas/common";
import type { DeviceProfile } from "../../../domain/schemas/assets";
import type { DeviceLatest } from "../../../domain/schemas/fleet";
import type { AuditEntry } from "../../../domain/schemas/identity";
import type { DeviceTwin } from "../../../domain/telemetry/twin";
import type { Aggregate, Bucket, Series } from "../../../domain/telemetry/query";
import type { RejectedMessage } from "../../../domain/telemetry/rejections";
import { ApiError, check, currentSession, query, request } from "../api";

export type DeviceCreated = z.infer<typeof DeviceWithCredentials>;
export type Credentials = DeviceCreated["credentials"];
export type DeviceFilters = Partial<Pick<DeviceListQuery, "status" | "health" | "kind" | "type" | "firmware" | "tag" | "profile" | "parent" | "q">>;
export type SeriesAnswer = { from: number; to: number; bucket: Bucket; agg: Aggregate; source: string; series: Series[] };
export type SeriesRequest = { device: string; from: number; to: number; bucket: Bucket; agg: Aggregate; limit?: number };

const dev = (id: string) => `/devices/${encodeURIComponent(id)}`;

export const devicesApi = {
  list: (q: DeviceFilters & { limit?: number; cursor?: string }) => request<Page<Device>>("GET", `/devices${query(q)}`),
  get: (id: string) => request<Device>("GET", dev(id)),
  create: (body: z.input<typeof CreateDevice>) => request<DeviceCreated>("POST", "/devices", { body: check(CreateDevice, body) }),
  update: (id: string, body: z.input<typeof UpdateDevice>) => request<Device>("PATCH", dev(id), { body: check(UpdateDevice, body) }),
  remove: (id: string) => request<void>("DELETE", dev(id)),
  rotateSecret: (id: string) => request<DeviceCreated>("POST", `${dev(id)}/credentials/rotate`),
  twin: (id: string) => request<DeviceTwin>("GET", `${dev(id)}/attributes`),
  /** Replaces the desired attributes; the body is checked as an attribute map before sending. */
  setDesired: (id: string, desired: Record<string, unknown>) => request<DeviceTwin & { published: boolean }>("PUT", `${dev(id)}/attributes/desired`, { body: check(Attributes, desired) }),
  latest: (id: string) => request<DeviceLatest>("GET", `${dev(id)}/telemetry/latest`),
  series: (r: SeriesRequest) => request<SeriesAnswer>("GET", `/telemetry${query({ device: r.device, from: r.from, to: r.to, bucket: r.bucket, agg: r.agg, limit: r.limit ?? 5000 })}`),
  rejected: (device: string) => request<Page<RejectedMessage>>("GET", `/telemetry/rejected${query({ device, limit: 20 })}`),
  audit: (device: string, cursor?: string) => request<Page<AuditEntry>>("GET", `/audit${query({ device, limit: 20, cursor })}`),
  profiles: () => request<Page<DeviceProfile>>("GET", "/device-profiles?limit=200"),
};

/**
 * Downloads a telemetry export. The API wants the bearer token, which never goes into a URL, so
 * the file is fetched here and handed to the browser as a blob.
 */
export async function downloadExport(r: { device: string; from: number; to: number; format: "csv" | "ndjson" }): Promise<string> {
  const token = currentSession()?.token;
  const res = await fetch(`/api/v1/telemetry/export${query(r)}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, credentials: "omit", cache: "no-store" });
  if (!res.ok) {
    const problem = (await res.json().catch(() => null)) as { code?: ApiError["code"]; detail?: string } | null;
    throw new ApiError(res.status, problem?.code ?? "internal", problem?.detail ?? res.statusText);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `telemetry-${r.device}.${r.format}`;
  saveBlob(await res.blob(), name);
  return name;
}
