/** Reads and writes of the hub's health tables (schema.ts); no decisions here. */
import type { HealthAssessment, HealthSignals } from "../../../domain/health/assess";
import { resolveHealthPolicy, type HealthPolicy, type ResolvedHealthPolicy } from "../../../domain/health/policy";
import type { DisconnectCause, HealthReason, HealthState } from "../../../domain/health/states";
import type { Vitals } from "../../../domain/health/vitals";
import type { ConnectivityEvent, DeviceHealth } from "../../../domain/schemas/health";
import { CONNECTIVITY_MAX_EVENTS, CONNECTIVITY_RETENTION_MS } from "./schema";

/** Where a device's policy comes from; kept so a profile's change can be applied without the registry. */
export type HealthInputs = { profileId: string | null; profilePolicy: HealthPolicy | null; devicePolicy: HealthPolicy | null };
export const NO_INPUTS: HealthInputs = { profileId: null, profilePolicy: null, devicePolicy: null };

/** What the assessment reads (`HealthSignals`) plus who, which connection, the policy's sources and the state it gave. */
export type HealthRecord = HealthSignals & {
  deviceId: string;
  seq: number;
  inputs: HealthInputs;
  policy: ResolvedHealthPolicy;
  state: HealthState;
  reason: HealthReason;
  since: number;
  assessment: HealthAssessment;
};

type Row = {
  device_id: string;
  seq: number;
  connected: number;
  connected_at: number | null;
  last_cause: string | null;
  last_heard_at: number | null;
  last_heartbeat_at: number | null;
  vitals: string;
  inputs: string;
  state: string;
  reason: string;
  since: number;
};

export type EventDetail = Pick<ConnectivityEvent, "cause" | "stale" | "protocolLevel" | "from" | "to" | "reason" | "breaches">;
type EventRow = { id: number; device_id: string; at: number; seq: number; type: string; detail: string };

export class HealthStore {
  constructor(private readonly sql: SqlStorage) {}

  get(deviceId: string): Omit<HealthRecord, "assessment"> | null {
    const row = this.sql.exec<Row>("SELECT * FROM device_health WHERE device_id = ?", deviceId).toArray()[0];
    return row ? fromRow(row) : null;
  }

  connectedCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM device_health WHERE connected = 1").one().n;
  }

  connectedDevices(): Omit<HealthRecord, "assessment">[] {
    return this.sql.exec<Row>("SELECT * FROM device_health WHERE connected = 1").toArray().map(fromRow);
  }

  save(r: HealthRecord): void {
    this.sql.exec(
      `INSERT INTO device_health (device_id, seq, connected, connected_at, last_cause, last_heard_at, last_heartbeat_at, vitals, inputs, state, reason, since)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, connected = excluded.connected, connected_at = excluded.connected_at,
         last_cause = excluded.last_cause, last_heard_at = excluded.last_heard_at, last_heartbeat_at = excluded.last_heartbeat_at,
         vitals = excluded.vitals, inputs = excluded.inputs, state = excluded.state, reason = excluded.reason, since = excluded.since`,
      r.deviceId,
      r.seq,
      r.connected ? 1 : 0,
      r.connectedAt,
      r.lastCause,
      r.lastHeardAt,
      r.lastHeartbeatAt,
      JSON.stringify(r.vitals),
      JSON.stringify(r.inputs),
      r.state,
      r.reason,
      r.since,
    );
  }

  saveHeard(deviceId: string, at: number): void {
    this.sql.exec("UPDATE device_health SET last_heard_at = ? WHERE device_id = ?", at, deviceId);
  }

  /** A profile's policy changed: every device of that profile carries the new one. */
  devicesOfProfile(profileId: string): string[] {
    return this.sql
      .exec<{ device_id: string }>("SELECT device_id FROM device_health WHERE json_extract(inputs, '$.profileId') = ?", profileId)
      .toArray()
      .map((r) => r.device_id);
  }

  appendEvent(deviceId: string, at: number, seq: number, type: ConnectivityEvent["type"], detail: EventDetail): void {
    this.sql.exec("INSERT INTO connectivity_events (device_id, at, seq, type, detail) VALUES (?, ?, ?, ?, ?)", deviceId, at, seq, type, JSON.stringify(detail));
  }

  /** How many of these devices connected at or after `since` (a reconnect after a crash or a reboot loop). */
  reconnectedSince(deviceIds: readonly string[], since: number): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(DISTINCT device_id) AS n FROM connectivity_events WHERE type = 'connected' AND at >= ? AND device_id IN (SELECT value FROM json_each(?))", since, JSON.stringify(deviceIds)).one().n;
  }

  /** Newest first, within [from, to), before the event id `beforeId` (the cursor). */
  events(deviceId: string, from: number, to: number, limit: number, beforeId?: number): ConnectivityEvent[] {
    const rows = this.sql.exec<EventRow>("SELECT * FROM connectivity_events WHERE device_id = ? AND at >= ? AND at < ? AND id < ? ORDER BY at DESC, id DESC LIMIT ?", deviceId, from, to, beforeId ?? Number.MAX_SAFE_INTEGER, limit).toArray();
    return rows.map((r) => ({ id: r.id, deviceId: r.device_id, at: r.at, connectionSeq: r.seq, type: r.type as ConnectivityEvent["type"], ...(JSON.parse(r.detail) as EventDetail) }));
  }

  /** Old history goes, and a flapping fleet cannot grow it without bound. */
  prune(now: number): void {
    this.sql.exec("DELETE FROM connectivity_events WHERE at < ?", now - CONNECTIVITY_RETENTION_MS);
    this.sql.exec("DELETE FROM connectivity_events WHERE id <= (SELECT MAX(id) FROM connectivity_events) - ?", CONNECTIVITY_MAX_EVENTS);
  }

  /** A deleted device: a new one with the same id starts with no history. */
  forget(deviceId: string): void {
    this.sql.exec("DELETE FROM device_health WHERE device_id = ?", deviceId);
    this.sql.exec("DELETE FROM connectivity_events WHERE device_id = ?", deviceId);
  }
}

function fromRow(r: Row): Omit<HealthRecord, "assessment"> {
  const inputs = JSON.parse(r.inputs) as HealthInputs;
  return {
    deviceId: r.device_id,
    seq: r.seq,
    connected: r.connected === 1,
    connectedAt: r.connected_at,
    lastCause: r.last_cause as DisconnectCause | null,
    lastHeardAt: r.last_heard_at,
    lastHeartbeatAt: r.last_heartbeat_at,
    vitals: JSON.parse(r.vitals) as Vitals,
    inputs,
    policy: resolveHealthPolicy(inputs.profilePolicy, inputs.devicePolicy),
    state: r.state as HealthState,
    reason: r.reason as HealthReason,
    since: r.since,
  };
}

export function toDeviceHealth(r: HealthRecord): DeviceHealth {
  return {
    deviceId: r.deviceId,
    state: r.state,
    reason: r.reason,
    since: r.since,
    connected: r.connected,
    connectionSeq: r.seq,
    connectedAt: r.connectedAt,
    lastHeardAt: r.lastHeardAt,
    lastHeartbeatAt: r.lastHeartbeatAt,
    vitals: r.vitals,
    breaches: r.assessment.breaches,
    policy: r.policy,
    nextCheckAt: r.assessment.nextCheckAt,
  };
}
