/** What every widget is given by the dashboard around it, and the rules they share. */
import { resolveTimeRange, type DeviceFilter, type Thresholds, type TimeRange } from "../../../../domain/schemas/dashboards";
import type { Device } from "../../../../domain/schemas/devices";

export type WidgetEnv = {
  /** The dashboard's time range as the viewer has it (the picker may differ from the saved one). */
  timeRange: TimeRange;
  /** The dashboard's device filter as the viewer has it. */
  filter: DeviceFilter;
  /** The tenant's devices (null while loading). */
  devices: Device[] | null;
  /** The clock the dashboard ticks with, so relative ranges move together. */
  now: number;
};

/** A range as numbers, at the dashboard's clock. */
export const rangeAt = (range: TimeRange, now: number) => resolveTimeRange(range, now);
/** Whether a range reaches the present (live points belong on it). */
export const reachesNow = (range: TimeRange, now: number) => "relative" in range || resolveTimeRange(range, now).to >= now;
/** A stable key of a range's definition (not of its moving numbers). */
export const rangeKey = (range: TimeRange) => ("relative" in range ? range.relative : `${range.from}/${range.to}`);

/** The devices a filter selects, in the order listed (ids) or the registry's; empty filter: all. */
export function selectDevices(devices: Device[], filter: DeviceFilter | undefined): Device[] {
  let chosen = devices;
  if (filter?.deviceIds?.length) {
    const byId = new Map(devices.map((d) => [d.id, d]));
    chosen = filter.deviceIds.map((id) => byId.get(id)).filter((d): d is Device => d !== undefined);
  }
  if (filter?.tag) chosen = chosen.filter((d) => d.tags.includes(filter.tag!));
  return chosen;
}

/** Whether a device passes the dashboard's filter (unknown device lists pass: nothing to judge by yet). */
export function deviceAllowed(env: WidgetEnv, deviceId: string): boolean {
  const f = env.filter;
  if (f.deviceIds?.length && !f.deviceIds.includes(deviceId)) return false;
  if (f.tag && env.devices) return env.devices.some((d) => d.id === deviceId && d.tags.includes(f.tag!));
  return true;
}

/** The band a value falls in: the last threshold at or below it (null below the first). */
export function band(thresholds: Thresholds, value: number): Thresholds[number] | null {
  let hit: Thresholds[number] | null = null;
  for (const t of thresholds) if (value >= t.value) hit = t;
  return hit;
}
