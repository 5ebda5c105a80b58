/** Fleet health in words: states, the reasons a device is in one, and how long ago something was. */
import type { DeviceHealth, HealthReason, HealthState } from "../../../domain/schemas/health";

export const STATE_LABEL: Record<HealthState, string> = { online: "online", degraded: "degraded", offline: "offline", never_seen: "never seen" };

const REASON: Record<HealthReason, string> = {
  never_connected: "never connected",
  connected: "connected and heard from in time",
  heartbeat_late: "heartbeat late",
  vitals_out_of_bounds: "vitals out of bounds",
  silent: "connected but silent",
  client: "the device disconnected",
  connection_lost: "connection lost",
  keep_alive_timeout: "keep-alive timeout",
  takeover: "taken over by a newer connection",
  credentials_revoked: "credentials revoked or device disabled",
  limit: "disconnected for breaking a limit",
  protocol_error: "protocol error",
  server: "ended by the platform",
};

export const reasonWords = (reason: HealthReason | null | undefined) => (reason ? REASON[reason] : "");

type Breach = DeviceHealth["breaches"][number];

/** "battery 12 below 20", "temp 90 above 80". */
export function breachWords(b: Breach): string {
  if (b.min !== undefined && b.value < b.min) return `${b.vital} ${b.value} below ${b.min}`;
  if (b.max !== undefined && b.value > b.max) return `${b.vital} ${b.value} above ${b.max}`;
  return `${b.vital} ${b.value} out of bounds`;
}

/** Why, as a sentence fragment: the breaches themselves when the vitals are the reason. */
export function whyWords(h: Pick<DeviceHealth, "reason" | "breaches">): string {
  if (h.reason === "vitals_out_of_bounds" && h.breaches.length > 0) return h.breaches.map(breachWords).join(", ");
  return reasonWords(h.reason);
}

const UNITS: [number, string][] = [
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "min"],
  [1000, "s"],
];

/** "3 min ago", "in 20 s"; coarse on purpose (the absolute time sits beside it). */
export function relative(ms: number, now = Date.now()): string {
  const diff = now - ms;
  const abs = Math.abs(diff);
  if (abs < 1000) return "just now";
  const [size, unit] = UNITS.find(([s]) => abs >= s)!;
  const n = Math.floor(abs / size);
  return diff >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

export const absolute = (ms: number) => new Date(ms).toLocaleString();

/** "120 s", "10 min", "2 h", "1 d" for a policy's seconds. */
export function seconds(s: number): string {
  if (s % 86_400 === 0) return `${s / 86_400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
