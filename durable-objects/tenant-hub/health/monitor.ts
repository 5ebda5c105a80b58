/**
 * Fleet health in the hub: it owns each device's health record, moves it on what the broker
 * reports (connected, disconnected, heard, heartbeat) and on its deadlines (the hub's alarm
 * calls `tick` at `nextDeadline`), records connectivity events, and tells the registry about
 * changes through `HealthSink`. Every report names the device's connection sequence number: a
 * disconnect of an older connection, arriving after a newer one connected, changes nothing.
 *
 * Only connected devices are held in memory (rebuilt from SQLite when the hub wakes); a
 * disconnected device cannot change state by itself.
 */
import { assessHealth, type HealthAssessment } from "../../../domain/health/assess";
import { resolveHealthPolicy, type HealthPolicy } from "../../../domain/health/policy";
import type { DisconnectCause, HealthReason, HealthState } from "../../../domain/health/states";
import type { Vitals } from "../../../domain/health/vitals";
import type { ConnectivityEvent, DeviceHealth } from "../../../domain/schemas/health";
import { HealthStore, NO_INPUTS, toDeviceHealth, type HealthInputs, type HealthRecord } from "./store";

/** What the registry mirrors of a device's health. */
export type HealthMirror = { state: HealthState; reason: HealthReason; since: number; seq: number };
export type HealthSink = { changed(deviceId: string, mirror: HealthMirror): void; forgotten?(deviceId: string): void };

/** `last_heard_at` reaches SQLite at most this often per device (it only matters after a restart). */
const HEARD_PERSIST_MS = 10_000;
const PRUNE_EVERY_MS = 3_600_000;

type Live = HealthRecord & { heardPersistedAt: number };

export class HealthMonitor {
  readonly store: HealthStore;
  private liveDevices: Map<string, Live> | null = null;
  /** Never later than the earliest deadline of a live record (it may be earlier: `tick` then finds nothing due). */
  private nextDue: number | null = null;
  private lastPrune = 0;

  constructor(
    sql: SqlStorage,
    private readonly sink: HealthSink,
  ) {
    this.store = new HealthStore(sql);
  }

  // ---- reports from the broker ----

  /** A device completed CONNECT; returns this connection's sequence number. */
  connected(deviceId: string, inputs: HealthInputs, protocolLevel: number, now: number): number {
    const previous = this.live.get(deviceId) ?? this.store.get(deviceId);
    const seq = (previous?.seq ?? 0) + 1;
    this.store.appendEvent(deviceId, now, seq, "connected", { protocolLevel });
    const record: Live = {
      deviceId,
      seq,
      connected: true,
      connectedAt: now,
      lastCause: null,
      lastHeardAt: previous?.lastHeardAt ?? null,
      lastHeartbeatAt: previous?.lastHeartbeatAt ?? null,
      vitals: previous?.vitals ?? {},
      inputs,
      policy: resolveHealthPolicy(inputs.profilePolicy, inputs.devicePolicy),
      state: previous?.state ?? "never_seen",
      reason: previous?.reason ?? "never_connected",
      since: previous?.since ?? now,
      assessment: UNASSESSED,
      heardPersistedAt: now,
    };
    this.live.set(deviceId, record);
    this.update(record, now);
    return seq;
  }

  disconnected(deviceId: string, seq: number, cause: DisconnectCause, now: number): void {
    const record = this.live.get(deviceId) ?? this.withAssessment(this.store.get(deviceId), now);
    if (!record) return;
    const stale = !record.connected || seq !== record.seq;
    this.store.appendEvent(deviceId, now, seq, "disconnected", stale ? { cause, stale } : { cause });
    if (stale) return;
    this.live.delete(deviceId);
    record.connected = false;
    record.lastCause = cause;
    this.update(record, now);
  }

  /** The device published something (its application is alive, not just its MQTT library). */
  heard(deviceId: string, now: number): void {
    const record = this.live.get(deviceId);
    if (!record) return;
    record.lastHeardAt = now;
    if (record.state === "offline") return this.update(record, now);
    if (now - record.heardPersistedAt > HEARD_PERSIST_MS) {
      record.heardPersistedAt = now;
      this.store.saveHeard(deviceId, now);
    }
  }

  heartbeat(deviceId: string, vitals: Vitals, now: number): void {
    const record = this.live.get(deviceId);
    if (!record) return;
    record.lastHeardAt = now;
    record.lastHeartbeatAt = now;
    record.heardPersistedAt = now;
    // A heartbeat without numbers keeps the last known vitals.
    if (Object.keys(vitals).length > 0) record.vitals = vitals;
    this.update(record, now);
  }

  // ---- policy and registry changes ----

  /** The device's own settings or its profile changed. */
  inputsChanged(deviceId: string, inputs: HealthInputs, now: number): void {
    const record = this.live.get(deviceId) ?? this.withAssessment(this.store.get(deviceId), now);
    if (!record) return;
    record.inputs = inputs;
    record.policy = resolveHealthPolicy(inputs.profilePolicy, inputs.devicePolicy);
    this.update(record, now);
  }

  /** A profile's health policy changed: every device of it that the hub knows gets it. */
  profileChanged(profileId: string, policy: HealthPolicy | null, now: number): number {
    const ids = this.store.devicesOfProfile(profileId);
    for (const id of ids) {
      const record = this.live.get(id) ?? this.withAssessment(this.store.get(id), now);
      if (record) this.inputsChanged(id, { ...record.inputs, profilePolicy: policy }, now);
    }
    return ids.length;
  }

  forget(deviceId: string): void {
    this.live.delete(deviceId);
    this.store.forget(deviceId);
    this.sink.forgotten?.(deviceId);
  }

  // ---- reads ----

  /** The device's health now (a due transition is applied first); null if the hub never saw it connect. */
  device(deviceId: string, now: number): DeviceHealth | null {
    const live = this.live.get(deviceId);
    if (live) {
      if (live.assessment.nextCheckAt !== null && live.assessment.nextCheckAt <= now) this.update(live, now);
      return toDeviceHealth(live);
    }
    const stored = this.withAssessment(this.store.get(deviceId), now);
    return stored ? toDeviceHealth(stored) : null;
  }

  events(deviceId: string, from: number, to: number, limit: number, beforeId?: number): ConnectivityEvent[] {
    return this.store.events(deviceId, from, to, limit, beforeId);
  }

  // ---- deadlines (the hub's alarm) ----

  nextDeadline(): number | null {
    if (!this.liveDevices) this.load();
    return this.nextDue;
  }

  /**
   * After a restart: devices the records call connected whose sockets are gone (a deploy or
   * restart closes every WebSocket) get their disconnect now, not at the inactivity timeout.
   */
  reconcile(connectedDevices: Set<string>, now: number): void {
    // Every wake from hibernation comes here with its sockets intact: one count tells, without
    // loading every record, that no recorded connection lost its socket.
    if (!this.liveDevices && this.store.connectedCount() <= connectedDevices.size) return;
    for (const record of [...this.live.values()]) if (!connectedDevices.has(record.deviceId)) this.disconnected(record.deviceId, record.seq, "server", now);
  }

  tick(now: number): void {
    let next: number | null = null;
    for (const record of this.live.values()) {
      if (record.assessment.nextCheckAt !== null && record.assessment.nextCheckAt <= now) this.update(record, now);
      const at = record.assessment.nextCheckAt;
      if (at !== null && (next === null || at < next)) next = at;
    }
    this.nextDue = next;
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      this.store.prune(now);
    }
  }

  // ---- internals ----

  private get live(): Map<string, Live> {
    return this.liveDevices ?? this.load();
  }

  private load(): Map<string, Live> {
    const now = Date.now();
    this.liveDevices = new Map();
    for (const r of this.store.connectedDevices()) {
      // Looked at by the next tick, which comes at once: deadlines may have passed while the hub was away.
      this.liveDevices.set(r.deviceId, { ...r, assessment: { ...UNASSESSED, nextCheckAt: now }, heardPersistedAt: r.lastHeardAt ?? now });
      this.earlier(now);
    }
    return this.liveDevices;
  }

  private withAssessment(r: Omit<HealthRecord, "assessment"> | null, now: number): HealthRecord | null {
    return r ? { ...r, assessment: assessHealth(r, r.policy, now) } : null;
  }

  /** Re-assesses a record; a change of state or reason is recorded, saved and mirrored. */
  private update(record: HealthRecord, now: number): void {
    const assessment = assessHealth(record, record.policy, now);
    record.assessment = assessment;
    const changed = assessment.state !== record.state || assessment.reason !== record.reason;
    if (assessment.state !== record.state) {
      this.store.appendEvent(record.deviceId, now, record.seq, "health_changed", {
        from: record.state,
        to: assessment.state,
        reason: assessment.reason,
        ...(assessment.breaches.length ? { breaches: assessment.breaches } : {}),
      });
      record.since = now;
    }
    record.state = assessment.state;
    record.reason = assessment.reason;
    this.store.save(record);
    if (changed) this.sink.changed(record.deviceId, { state: record.state, reason: record.reason, since: record.since, seq: record.seq });
    if (record.connected) this.earlier(assessment.nextCheckAt);
  }

  private earlier(at: number | null): void {
    if (at !== null && (this.nextDue === null || at < this.nextDue)) this.nextDue = at;
  }
}

const UNASSESSED: HealthAssessment = { state: "never_seen", reason: "never_connected", breaches: [], nextCheckAt: null };
