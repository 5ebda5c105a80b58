import { z } from "zod";
import { HealthPolicy } from "../health/policy";
import { DeviceId, ResourceId } from "../ids";
import { Attributes, DisplayName, Location, PageQuery, Timestamp } from "./common";

export const Asset = z.object({
  id: ResourceId,
  name: z.string(),
  type: z.string(),
  description: z.string(),
  location: Location.nullable(),
  attributes: Attributes,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Asset = z.infer<typeof Asset>;

const AssetType = z.string().trim().min(1).max(64);
export const CreateAsset = z.strictObject({
  id: ResourceId,
  name: DisplayName.optional(),
  type: AssetType,
  description: z.string().max(1000).default(""),
  location: Location.nullable().optional(),
  attributes: Attributes.default({}),
});
export type CreateAsset = z.infer<typeof CreateAsset>;
export const UpdateAsset = z
  .strictObject({
    name: DisplayName,
    type: AssetType,
    description: z.string().max(1000),
    location: Location.nullable(),
    attributes: Attributes,
  })
  .partial();
export type UpdateAsset = z.infer<typeof UpdateAsset>;
export const AssetListQuery = PageQuery.extend({ type: z.string().max(64).optional(), q: z.string().trim().min(1).max(100).optional() });
export type AssetListQuery = z.infer<typeof AssetListQuery>;

export const Sensor = z.object({
  id: ResourceId,
  assetId: ResourceId,
  name: z.string(),
  type: z.string(),
  unit: z.string(),
  deviceId: DeviceId.nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Sensor = z.infer<typeof Sensor>;
const SensorFields = {
  name: DisplayName,
  type: z.string().trim().min(1).max(64),
  unit: z.string().trim().max(32),
  deviceId: DeviceId.nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
};
export const CreateSensor = z.strictObject({
  id: ResourceId,
  ...SensorFields,
  name: DisplayName.optional(),
  unit: SensorFields.unit.default(""),
  deviceId: DeviceId.nullable().optional(),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
});
export type CreateSensor = z.infer<typeof CreateSensor>;
export const UpdateSensor = z.strictObject(SensorFields).partial();
export type UpdateSensor = z.infer<typeof UpdateSensor>;

const MetricRule = z.strictObject({
  type: z.enum(["number", "boolean", "string"]).optional(),
  unit: z.string().max(32).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
export const Mountpoint = z
  .string()
  .max(128)
  .regex(/^[^#+\u0000]*$/, "no wildcards or NUL")
  .describe("topic prefix, e.g. t/${tenant}/");

export const DeviceProfile = z.object({
  id: ResourceId,
  name: z.string(),
  description: z.string(),
  mountpoint: z.string().nullable(),
  metrics: z.record(z.string(), MetricRule),
  isDefault: z.boolean(),
  health: HealthPolicy.nullable().describe("fleet health expectations of its devices; each device may override them"),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type DeviceProfile = z.infer<typeof DeviceProfile>;
const MetricName = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/);
export const CreateDeviceProfile = z.strictObject({
  id: ResourceId,
  name: DisplayName.optional(),
  description: z.string().max(1000).default(""),
  mountpoint: Mountpoint.nullable().optional(),
  metrics: z.record(MetricName, MetricRule).default({}),
  isDefault: z.boolean().default(false),
  health: HealthPolicy.nullable().optional(),
});
export type CreateDeviceProfile = z.infer<typeof CreateDeviceProfile>;
export const UpdateDeviceProfile = z
  .strictObject({
    name: DisplayName,
    description: z.string().max(1000),
    mountpoint: Mountpoint.nullable(),
    metrics: z.record(MetricName, MetricRule),
    isDefault: z.boolean(),
    health: HealthPolicy.nullable(),
  })
  .partial();
export type UpdateDeviceProfile = z.infer<typeof UpdateDeviceProfile>;
