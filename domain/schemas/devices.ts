import { z } from "zod";
import { HealthPolicy } from "../health/policy";
import { HealthReason, HealthState } from "../health/states";
import { DeviceId, ResourceId } from "../ids";
import { Attributes, DisplayName, Location, PageQuery, Tags, Timestamp } from "./common";

export const DeviceKind = z.enum(["INTERNAL", "INTEGRATION", "EXTERNAL"]);
export const DeviceType = z.enum(["device", "gateway"]);
export const DeviceStatus = z.enum(["provisioned", "online", "offline"]);

export const Device = z.object({
  id: DeviceId,
  name: z.string(),
  kind: DeviceKind,
  type: DeviceType,
  parentId: DeviceId.nullable(),
  profileId: ResourceId.nullable(),
  location: Location.nullable(),
  tags: z.array(z.string()),
  firmwareVersion: z.string().nullable(),
  hardwareRevision: z.string().nullable(),
  status: DeviceStatus,
  disabled: z.boolean(),
  lastSeenAt: Timestamp.nullable(),
  health: HealthState.describe("computed by the tenant's hub, read-only: online, degraded, offline, never_seen (GET /devices/{id}/health says why)"),
  healthReason: HealthReason.nullable(),
  healthSince: Timestamp.nullable(),
  healthPolicy: HealthPolicy.nullable().describe("this device's own health settings, over its profile's"),
  clientAttributes: Attributes,
  sharedAttributes: Attributes,
  credentialsRotatedAt: Timestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Device = z.infer<typeof Device>;

const Version = z.string().trim().min(1).max(64);

export const CreateDevice = z.strictObject({
  id: DeviceId,
  name: DisplayName.optional(),
  kind: DeviceKind.default("INTERNAL"),
  type: DeviceType.default("device"),
  parentId: DeviceId.nullable().optional(),
  profileId: ResourceId.nullable().optional(),
  location: Location.nullable().optional(),
  tags: Tags.default([]),
  firmwareVersion: Version.nullable().optional(),
  hardwareRevision: Version.nullable().optional(),
  sharedAttributes: Attributes.default({}),
  healthPolicy: HealthPolicy.nullable().optional(),
});
export type CreateDevice = z.infer<typeof CreateDevice>;

export const UpdateDevice = z
  .strictObject({
    name: DisplayName,
    kind: DeviceKind,
    parentId: DeviceId.nullable(),
    profileId: ResourceId.nullable(),
    location: Location.nullable(),
    tags: Tags,
    firmwareVersion: Version.nullable(),
    hardwareRevision: Version.nullable(),
    disabled: z.boolean(),
    sharedAttributes: Attributes,
    healthPolicy: HealthPolicy.nullable(),
  })
  .partial();
export type UpdateDevice = z.infer<typeof UpdateDevice>;

export const DeviceListQuery = PageQuery.extend({
  status: DeviceStatus.optional(),
  health: HealthState.optional(),
  kind: DeviceKind.optional(),
  type: DeviceType.optional(),
  firmware: z.string().max(64).optional(),
  tag: z.string().max(64).optional(),
  profile: ResourceId.optional(),
  parent: DeviceId.optional(),
  q: z.string().trim().min(1).max(100).optional().describe("text search in id and name"),
  certExpiresBefore: z.coerce.number().int().optional().describe("devices with an active certificate whose notAfter is before this time (ms since the epoch)"),
});
export type DeviceListQuery = z.infer<typeof DeviceListQuery>;

/** MQTT connection details; `password` is the device secret, shown only once. */
const DeviceCredentials = z.object({ clientId: z.string(), username: z.string(), password: z.string() });
export const DeviceWithCredentials = z.object({ device: Device, credentials: DeviceCredentials });
