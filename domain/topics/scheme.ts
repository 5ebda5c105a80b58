/**
 * The Skylark topic scheme: canonical topics inside a tenant's hub.
 *
 *   t/{tenant}/devices/{device}/telemetry            device → platform
 *   t/{tenant}/devices/{device}/heartbeat            device → platform
 *   t/{tenant}/devices/{device}/attributes           device → platform (reported)
 *   t/{tenant}/devices/{device}/attributes/set       platform → device (desired)
 *   t/{tenant}/devices/{device}/cmd/{commandId}      platform → device
 *   t/{tenant}/devices/{device}/cmd/{commandId}/response   device → platform
 *   t/{tenant}/devices/{device}/ota                  platform → device
 *   t/{tenant}/devices/{device}/ota/status           device → platform
 *   t/{tenant}/devices/{device}/events               device → platform
 *   t/{tenant}/gateways/{gateway}/telemetry|attributes     gateway → platform (children's data)
 *   tenants/{tenant}/assets/{asset}/sensors/{sensor}/telemetry   device → platform
 *   t/{tenant}/alarms/{device}                       platform → application clients (alarm events;
 *                                                    an "other" topic: devices may neither subscribe nor publish)
 *   t/{tenant}/health/{device}                       platform → application clients (a device's health,
 *                                                    retained; an "other" topic like alarms)
 *   t/{tenant}/rollouts/{rollout}                    platform → application clients (a firmware rollout's
 *                                                    status, retained; an "other" topic like alarms)
 *   $SYS/t/{tenant}/stats[/{metric...}]              hub → application clients, read-only
 *
 * The tenant's namespace is `t/{tenant}` and `tenants/{tenant}` with everything below them,
 * plus `$SYS/t/{tenant}/stats` and everything below it. The stats topics mirror the `t/` root
 * under `$SYS` so that `$SYS/t/{tenant}/stats/#` is one subscription, and sit under `$` so that
 * `#` subscriptions never receive them [MQTT-4.7.2-1].
 */
import { validateTopicName } from "./validate";
import { SPEC_TOPIC_LIMITS } from "./limits";
import { isDeviceId, isResourceId, isTenantId } from "./topic-ids";

export const TENANT_ROOT = "t";
export const ASSET_ROOT = "tenants";
export const SYS_ROOT = "$SYS";
export const STATS_LEVEL = "stats";

export const DEVICE_CHANNELS = ["telemetry", "heartbeat", "attributes", "attributes/set", "cmd", "cmd/response", "ota", "ota/status", "events"] as const;
export type DeviceChannel = (typeof DEVICE_CHANNELS)[number];

/** Channels a device publishes on. */
export const DEVICE_UPLINK_CHANNELS: ReadonlySet<DeviceChannel> = new Set<DeviceChannel>(["telemetry", "heartbeat", "attributes", "cmd/response", "ota/status", "events"]);

const GATEWAY_CHANNELS = ["telemetry", "attributes"] as const;
export type GatewayChannel = (typeof GATEWAY_CHANNELS)[number];

type DeviceTopic = {
  kind: "device";
  tenant: string;
  device: string;
  channel: DeviceChannel;
  /** Present exactly for the `cmd` and `cmd/response` channels. */
  commandId?: string;
};
type GatewayTopic = { kind: "gateway"; tenant: string; gateway: string; channel: GatewayChannel };
type SensorTopic = { kind: "sensor"; tenant: string; asset: string; sensor: string };
/** `$SYS/t/{tenant}/stats` (no `metric`) or `$SYS/t/{tenant}/stats/{metric}`. */
type TenantStatsTopic = { kind: "sys"; tenant: string; metric?: string };
/** Any other topic in the tenant's `t/` or `tenants/` tree (free-form application topics). */
type OtherTenantTopic = { kind: "other"; tenant: string; root: typeof TENANT_ROOT | typeof ASSET_ROOT };

export type SkylarkTopic = DeviceTopic | GatewayTopic | SensorTopic | TenantStatsTopic | OtherTenantTopic;
/** Topics that carry everything needed to rebuild them. */
export type StructuredSkylarkTopic = Exclude<SkylarkTopic, OtherTenantTopic>;

/**
 * Classify a topic name. Returns null when the topic is outside every tenant's namespace
 * (including `t/{x}` where `x` is not a valid tenant id, and `$SYS` topics other than stats).
 */
export function parseSkylarkTopic(topic: string): SkylarkTopic | null {
  return parseSkylarkTopicLevels(topic.split("/"));
}

/** `parseSkylarkTopic` for a topic already split into levels (saves a split on hot paths). */
export function parseSkylarkTopicLevels(levels: readonly string[]): SkylarkTopic | null {
  switch (levels[0]) {
    case TENANT_ROOT:
      return parseTenantTree(levels);
    case ASSET_ROOT:
      return parseAssetTree(levels);
    case SYS_ROOT:
      return parseStats(levels);
    default:
      return null;
  }
}

function parseTenantTree(levels: readonly string[]): SkylarkTopic | null {
  const tenant = levels[1];
  if (tenant === undefined || !isTenantId(tenant)) return null;
  const other: OtherTenantTopic = { kind: "other", tenant, root: TENANT_ROOT };
  const [, , collection, id] = levels;
  if (id === undefined) return other;
  if (collection === "devices" && isDeviceId(id)) return parseDeviceChannel(tenant, id, levels.slice(4)) ?? other;
  if (collection === "gateways" && isDeviceId(id) && levels.length === 5) {
    const channel = levels[4];
    if (channel === "telemetry" || channel === "attributes") return { kind: "gateway", tenant, gateway: id, channel };
  }
  return other;
}

function parseDeviceChannel(tenant: string, device: string, rest: readonly string[]): DeviceTopic | null {
  const [first, second, third] = rest;
  const topic = (channel: DeviceChannel): DeviceTopic => ({ kind: "device", tenant, device, channel });
  switch (rest.length) {
    case 1:
      if (first === "telemetry" || first === "heartbeat" || first === "attributes" || first === "ota" || first === "events") {
        return topic(first);
      }
      return null;
    case 2:
      if (first === "attributes" && second === "set") return topic("attributes/set");
      if (first === "ota" && second === "status") return topic("ota/status");
      if (first === "cmd" && second !== undefined && isResourceId(second)) return { ...topic("cmd"), commandId: second };
      return null;
    case 3:
      if (first === "cmd" && second !== undefined && isResourceId(second) && third === "response") {
        return { ...topic("cmd/response"), commandId: second };
      }
      return null;
    default:
      return null;
  }
}

function parseAssetTree(levels: readonly string[]): SkylarkTopic | null {
  const tenant = levels[1];
  if (tenant === undefined || !isTenantId(tenant)) return null;
  const [, , assets, asset, sensors, sensor, telemetry] = levels;
  if (levels.length === 7 && assets === "assets" && sensors === "sensors" && telemetry === "telemetry" && asset !== undefined && isResourceId(asset) && sensor !== undefined && isResourceId(sensor)) {
    return { kind: "sensor", tenant, asset, sensor };
  }
  return { kind: "other", tenant, root: ASSET_ROOT };
}

function parseStats(levels: readonly string[]): TenantStatsTopic | null {
  const [, root, tenant, stats] = levels;
  if (root !== TENANT_ROOT || tenant === undefined || !isTenantId(tenant) || stats !== STATS_LEVEL) return null;
  if (levels.length === 4) return { kind: "sys", tenant };
  return { kind: "sys", tenant, metric: levels.slice(4).join("/") };
}

// ---------------------------------------------------------------------------------------------
// Builders. They throw on ids that are not valid: a builder must never produce a topic whose
// id levels could be read as wildcards or extra levels.

function requireId(label: string, value: string, valid: (v: string) => boolean): string {
  if (!valid(value)) throw new RangeError(`invalid ${label}: ${JSON.stringify(value)}`);
  return value;
}

function tenantPrefix(tenant: string): string {
  return `${TENANT_ROOT}/${requireId("tenant id", tenant, isTenantId)}`;
}

const COMMAND_CHANNELS: ReadonlySet<DeviceChannel> = new Set<DeviceChannel>(["cmd", "cmd/response"]);

export function deviceTopic(tenant: string, device: string, channel: DeviceChannel, commandId?: string): string {
  const prefix = `${tenantPrefix(tenant)}/devices/${requireId("device id", device, isDeviceId)}`;
  if (COMMAND_CHANNELS.has(channel) !== (commandId !== undefined)) {
    throw new RangeError(`channel ${channel} ${commandId === undefined ? "needs" : "takes no"} command id`);
  }
  if (commandId === undefined) return `${prefix}/${channel}`;
  const command = `${prefix}/cmd/${requireId("command id", commandId, isResourceId)}`;
  return channel === "cmd" ? command : `${command}/response`;
}

export function gatewayTopic(tenant: string, gateway: string, channel: GatewayChannel): string {
  return `${tenantPrefix(tenant)}/gateways/${requireId("gateway id", gateway, isDeviceId)}/${channel}`;
}

export function sensorTelemetryTopic(tenant: string, asset: string, sensor: string): string {
  const tenantId = requireId("tenant id", tenant, isTenantId);
  const assetId = requireId("asset id", asset, isResourceId);
  const sensorId = requireId("sensor id", sensor, isResourceId);
  return `${ASSET_ROOT}/${tenantId}/assets/${assetId}/sensors/${sensorId}/telemetry`;
}

/** `$SYS/t/{tenant}/stats`, or a metric below it (which may span several levels). */
export function tenantStatsTopic(tenant: string, metric?: string): string {
  const root = `${SYS_ROOT}/${tenantPrefix(tenant)}/${STATS_LEVEL}`;
  if (metric === undefined) return root;
  const topic = `${root}/${metric}`;
  if (!validateTopicName(topic, SPEC_TOPIC_LIMITS).ok) throw new RangeError(`invalid stats metric: ${JSON.stringify(metric)}`);
  return topic;
}

/** Inverse of `parseSkylarkTopic` for the structured kinds. */
export function formatSkylarkTopic(topic: StructuredSkylarkTopic): string {
  switch (topic.kind) {
    case "device":
      return deviceTopic(topic.tenant, topic.device, topic.channel, topic.commandId);
    case "gateway":
      return gatewayTopic(topic.tenant, topic.gateway, topic.channel);
    case "sensor":
      return sensorTelemetryTopic(topic.tenant, topic.asset, topic.sensor);
    case "sys":
      return tenantStatsTopic(topic.tenant, topic.metric);
  }
}

/** The subscriptions a device needs to receive everything addressed to it. */
export function deviceDownlinkFilters(tenant: string, device: string): string[] {
  const prefix = `${tenantPrefix(tenant)}/devices/${requireId("device id", device, isDeviceId)}`;
  return [`${prefix}/attributes/set`, `${prefix}/cmd/+`, `${prefix}/ota`];
}

/** Filters that together cover exactly the tenant's namespace. */
export function tenantNamespaceFilters(tenant: string): string[] {
  const id = requireId("tenant id", tenant, isTenantId);
  return [`${TENANT_ROOT}/${id}/#`, `${ASSET_ROOT}/${id}/#`, `${SYS_ROOT}/${TENANT_ROOT}/${id}/${STATS_LEVEL}/#`];
}
