/** The Health area's endpoints: a device's health, its connectivity history and its own policy. */
import type { z } from "zod";
import type { Device } from "../../../domain/schemas/devices";
import { UpdateDevice } from "../../../domain/schemas/devices";
import type { ConnectivityPage, DeviceHealth } from "../../../domain/schemas/health";
import { check, query, request } from "../api";

const dev = (id: string) => `/devices/${encodeURIComponent(id)}`;

export type PolicyInput = z.input<typeof UpdateDevice>["healthPolicy"];

export const healthApi = {
  device: (id: string) => request<DeviceHealth>("GET", `${dev(id)}/health`),
  connectivity: (id: string, q: { cursor?: string; limit?: number } = {}) => request<ConnectivityPage>("GET", `${dev(id)}/connectivity${query({ limit: q.limit ?? 20, cursor: q.cursor })}`),
  /** The device's own policy (null: its profile's), checked with the API's own schema before sending. */
  setPolicy: (id: string, healthPolicy: PolicyInput) => request<Device>("PATCH", dev(id), { body: check(UpdateDevice, { healthPolicy }) }),
};
