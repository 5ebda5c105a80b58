/** The device-profiles area's endpoints. */
import type { z } from "zod";
import type { Page } from "../../../domain/schemas/common";
import { CreateDeviceProfile, UpdateDeviceProfile, type DeviceProfile } from "../../../domain/schemas/assets";
import { check, request } from "../api";

const one = (id: string) => `/device-profiles/${encodeURIComponent(id)}`;

export const profilesApi = {
  list: (cursor?: string) => request<Page<DeviceProfile>>("GET", `/device-profiles?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
  create: (body: z.input<typeof CreateDeviceProfile>) => request<DeviceProfile>("POST", "/device-profiles", { body: check(CreateDeviceProfile, body) }),
  update: (id: string, body: z.input<typeof UpdateDeviceProfile>) => request<DeviceProfile>("PATCH", one(id), { body: check(UpdateDeviceProfile, body) }),
  remove: (id: string) => request<void>("DELETE", one(id)),
};
