/**
 * Envelope + parsed payload + what the registry says → normalized points, attribute updates,
 * an event, or a rejection. Pure: the registry arrives as a pre-loaded view, so the consumer
 * can load everything a batch needs in a few queries and this stays testable without storage.
 *
 * Timestamps are judged against the hub's receive time (not the consumer's clock), so a message
 * redelivered hours later gets exactly the same verdict and the same points as the first time.
 */
import type { TelemetryEnvelope } from "./envelope";
import type { ParsedMessage, Reading } from "./payload";
import { EARLIEST_TIMESTAMP_MS, MAX_FUTURE_SKEW_MS, MAX_POINTS_PER_MESSAGE, type TelemetryPoint } from "./points";
import { reject, type Rejection } from "./rejections";
import { checkAgainstProfile, checkAgainstSensor, type MetricRule, type SensorRule } from "./rules";

/** `profileId` and `tags` decide which alarm rules watch the device (the hot store evaluates them). */
export type DeviceFacts = { id: string; type: "device" | "gateway"; parentId: string | null; disabled: boolean; metrics: Record<string, MetricRule> | null; profileId?: string | null; tags?: string[] };
export type SensorFacts = SensorRule & { assetId: string; id: string; deviceId: string | null };

/** Registry facts for one tenant, loaded for a batch before normalization. */
export interface RegistryView {
  device(id: string): DeviceFacts | null;
  sensor(asset: string, sensor: string): SensorFacts | null;
}

export type Outcome = { kind: "points"; points: TelemetryPoint[] } | { kind: "attributes"; updates: { device: string; attributes: Record<string, unknown> }[] } | { kind: "event"; device: string } | Rejection;

/** The device ids and sensors a parsed message needs from the registry. */
export function registryNeeds(envelope: TelemetryEnvelope, parsed: ParsedMessage): { devices: string[]; sensors: [string, string][] } {
  const s = envelope.source;
  const devices = new Set<string>([s.kind === "gateway" ? s.gateway : s.device]);
  if (parsed.kind === "telemetry") for (const r of parsed.readings) devices.add(r.device);
  if (parsed.kind === "attributes") for (const u of parsed.updates) devices.add(u.device);
  return { devices: [...devices], sensors: s.kind === "sensor" ? [[s.asset, s.sensor]] : [] };
}

function usableDevice(registry: RegistryView, id: string, gateway: string | undefined): DeviceFacts | Rejection {
  const device = registry.device(id);
  if (gateway && id !== gateway && device?.parentId !== gateway) return reject("not_gateway_child", `'${id}' is not a registered child of gateway '${gateway}'`, id);
  if (!device) return reject("unknown_device", `device '${id}' is not registered`, id);
  if (device.disabled) return reject("device_disabled", `device '${id}' is disabled`, id);
  return device;
}

function checkPublisher(envelope: TelemetryEnvelope, registry: RegistryView): Rejection | null {
  const s = envelope.source;
  const id = s.kind === "gateway" ? s.gateway : s.device;
  const device = usableDevice(registry, id, undefined);
  if ("kind" in device) return device;
  if (s.kind === "gateway" && device.type !== "gateway") return reject("unknown_device", `'${id}' is not a gateway`, id);
  return null;
}

function readingTime(reading: Reading, receivedAt: number): number | Rejection {
  const ts = reading.ts ?? receivedAt;
  if (ts < EARLIEST_TIMESTAMP_MS) return reject("invalid_timestamp", `ts ${ts} is before 2000-01-01; timestamps are milliseconds`, reading.device);
  if (ts > receivedAt + MAX_FUTURE_SKEW_MS) return reject("future_timestamp", `ts ${ts} is ${Math.round((ts - receivedAt) / 1000)} s ahead of the hub's clock`, reading.device);
  return ts;
}

function telemetryPoints(envelope: TelemetryEnvelope, parsed: Extract<ParsedMessage, { kind: "telemetry" }>, registry: RegistryView): Outcome {
  const total = parsed.readings.reduce((n, r) => n + Object.keys(r.values).length, 0);
  if (total > MAX_POINTS_PER_MESSAGE) return reject("too_many_points", `${total} points in one message; the limit is ${MAX_POINTS_PER_MESSAGE}`);

  let sensor: SensorFacts | null = null;
  if (parsed.sensor) {
    sensor = registry.sensor(parsed.sensor.asset, parsed.sensor.sensor);
    const publisher = envelope.source.kind === "sensor" ? envelope.source.device : "";
    if (!sensor) return reject("unknown_sensor", `sensor '${parsed.sensor.sensor}' of asset '${parsed.sensor.asset}' is not registered`, publisher);
    if (sensor.deviceId && sensor.deviceId !== publisher) return reject("sensor_device_mismatch", `sensor '${sensor.id}' is bound to device '${sensor.deviceId}'`, publisher);
  }

  // A heartbeat's vitals are judged by the health policy, not the profile's metric schema: a
  // profile listing only `temp` must not turn every heartbeat into a rejection.
  const vitals = envelope.source.kind === "device" && envelope.source.channel === "heartbeat";
  const points: TelemetryPoint[] = [];
  for (const reading of parsed.readings) {
    const device = usableDevice(registry, reading.device, parsed.gateway);
    if ("kind" in device) return device;
    const ts = readingTime(reading, envelope.receivedAt);
    if (typeof ts !== "number") return ts;
    for (const [metric, v] of Object.entries(reading.values)) {
      const checked = sensor ? checkAgainstSensor(metric, v, sensor, device.id) : checkAgainstProfile(metric, v, vitals ? null : device.metrics, device.id);
      if ("kind" in checked) return checked;
      points.push({ tenant: envelope.tenant, device: device.id, metric, ts, value: v.value, unit: checked.unit, msgId: envelope.msgId, traceId: envelope.traceId, seq: points.length });
    }
  }
  return { kind: "points", points };
}

export function normalize(envelope: TelemetryEnvelope, parsed: ParsedMessage, registry: RegistryView): Outcome {
  const publisher = checkPublisher(envelope, registry);
  if (publisher) return publisher;
  switch (parsed.kind) {
    case "event":
      return parsed;
    case "attributes": {
      for (const u of parsed.updates) {
        const device = usableDevice(registry, u.device, parsed.gateway);
        if ("kind" in device) return device;
      }
      return { kind: "attributes", updates: parsed.updates };
    }
    case "telemetry":
      return telemetryPoints(envelope, parsed, registry);
  }
}
