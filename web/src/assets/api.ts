/** The assets area's endpoints: assets and the sensors on them. */
import type { z } from "zod";
import type { Page } from "../../../domain/schemas/common";
import { CreateAsset, CreateSensor, UpdateAsset, UpdateSensor, type Asset, type Sensor } from "../../../domain/schemas/assets";
import { check, request } from "../api";

const asset = (id: string) => `/assets/${encodeURIComponent(id)}`;
const sensor = (assetId: string, id: string) => `${asset(assetId)}/sensors/${encodeURIComponent(id)}`;
const after = (cursor?: string) => (cursor ? `&cursor=${encodeURIComponent(cursor)}` : "");

export const assetsApi = {
  list: (cursor?: string) => request<Page<Asset>>("GET", `/assets?limit=100${after(cursor)}`),
  create: (body: z.input<typeof CreateAsset>) => request<Asset>("POST", "/assets", { body: check(CreateAsset, body) }),
  update: (id: string, body: z.input<typeof UpdateAsset>) => request<Asset>("PATCH", asset(id), { body: check(UpdateAsset, body) }),
  remove: (id: string) => request<void>("DELETE", asset(id)),
  sensors: (assetId: string, cursor?: string) => request<Page<Sensor>>("GET", `${asset(assetId)}/sensors?limit=200${after(cursor)}`),
  createSensor: (assetId: string, body: z.input<typeof CreateSensor>) => request<Sensor>("POST", `${asset(assetId)}/sensors`, { body: check(CreateSensor, body) }),
  updateSensor: (assetId: string, id: string, body: z.input<typeof UpdateSensor>) => request<Sensor>("PATCH", sensor(assetId, id), { body: check(UpdateSensor, body) }),
  removeSensor: (assetId: string, id: string) => request<void>("DELETE", sensor(assetId, id)),
};
