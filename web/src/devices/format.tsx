/** How the Devices area shows times, statuses and values. */
import type { Device } from "../../../domain/schemas/devices";

export const when = (ms: number | null | undefined) => (ms ? new Date(ms).toLocaleString() : "never");

export function StatusBadge({ device }: { device: Pick<Device, "status" | "disabled"> }) {
  return <span class={`status status-${device.status}${device.disabled ? " status-disabled" : ""}`}>{device.disabled ? `${device.status}, disabled` : device.status}</span>;
}

export const showValue = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
