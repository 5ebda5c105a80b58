/**
 * A device's health from what the hub knows about it, and when that answer can next change by
 * itself (a heartbeat falling due, the inactivity timeout): the hub sets a Durable Object alarm
 * for that moment, so transitions happen at their deadline, not at the next sweep.
 */
import { HEARTBEAT_GRACE, type ResolvedHealthPolicy } from "./policy";
import type { DisconnectCause, HealthReason, HealthState } from "./states";
import type { Vitals } from "./vitals";

export type HealthSignals = {
  connected: boolean;
  /** Null for a device the hub never saw connect. */
  connectedAt: number | null;
  lastCause: DisconnectCause | null;
  /** The device's last PUBLISH (pings do not count: a hung application's MQTT library still answers them). */
  lastHeardAt: number | null;
  lastHeartbeatAt: number | null;
  vitals: Vitals;
};

type VitalBreach = { vital: string; value: number; min?: number; max?: number };
export type HealthAssessment = { state: HealthState; reason: HealthReason; breaches: VitalBreach[]; nextCheckAt: number | null };

function vitalBreaches(vitals: Vitals, policy: ResolvedHealthPolicy): VitalBreach[] {
  const out: VitalBreach[] = [];
  for (const [vital, bounds] of Object.entries(policy.vitals)) {
    const value = vitals[vital];
    if (value === undefined) continue;
    if ((bounds.min !== undefined && value < bounds.min) || (bounds.max !== undefined && value > bounds.max)) out.push({ vital, value, ...bounds });
  }
  return out;
}

export function assessHealth(s: HealthSignals, policy: ResolvedHealthPolicy, now: number): HealthAssessment {
  if (s.connectedAt === null) return { state: "never_seen", reason: "never_connected", breaches: [], nextCheckAt: null };
  if (!s.connected) return { state: "offline", reason: s.lastCause ?? "connection_lost", breaches: [], nextCheckAt: null };
  // Silence is measured from the last message, or from the connection when none came yet.
  const silentUntil = Math.max(s.lastHeardAt ?? 0, s.connectedAt) + policy.inactivityTimeoutSeconds * 1000;
  if (now >= silentUntil) return { state: "offline", reason: "silent", breaches: [], nextCheckAt: null };
  const deadlines = [silentUntil];
  if (policy.heartbeatIntervalSeconds !== null) {
    const dueBy = Math.max(s.lastHeartbeatAt ?? 0, s.connectedAt) + policy.heartbeatIntervalSeconds * 1000 * HEARTBEAT_GRACE;
    if (now >= dueBy) return { state: "degraded", reason: "heartbeat_late", breaches: vitalBreaches(s.vitals, policy), nextCheckAt: silentUntil };
    deadlines.push(dueBy);
  }
  const breaches = vitalBreaches(s.vitals, policy);
  const nextCheckAt = Math.min(...deadlines);
  if (breaches.length > 0) return { state: "degraded", reason: "vitals_out_of_bounds", breaches, nextCheckAt };
  return { state: "online", reason: "connected", breaches: [], nextCheckAt };
}
