/**
 * Buffers what the hub reports to the registry (device presence and audit events) and writes
 * it in batches: one D1 batch per flush, never one write per MQTT message. Audit events are
 * capped per flush; the excess is summarized in one event with the count.
 */
import { openRegistry } from "../../domain/data/db";
import type { AuditEvent } from "../../domain/data/repos/audit";
import { forTenant, type TenantData } from "../../domain/data/tenant-scope";
import type { HubAuditEvent } from "./effects";
import type { HealthMirror } from "./health/monitor";

const MAX_AUDIT_PER_FLUSH = 50;

export class RegistryWriter {
  private readonly data: TenantData;
  private presence = new Map<string, { status?: "online" | "offline"; lastSeenAt: number }>();
  private audits: HubAuditEvent[] = [];
  private suppressed = 0;
  private usage: Record<string, number> = {};
  private healthChanges = new Map<string, HealthMirror>();

  constructor(env: Env, tenantId: string) {
    this.data = forTenant(openRegistry(env.REGISTRY), tenantId);
  }

  get pending(): boolean {
    return this.presence.size > 0 || this.healthChanges.size > 0 || this.audits.length > 0 || this.suppressed > 0 || Object.keys(this.usage).length > 0;
  }

  touch(deviceId: string, status: "online" | "offline" | null, now: number): void {
    const entry = this.presence.get(deviceId);
    // A status change must not be overwritten by a later plain touch.
    this.presence.set(deviceId, { ...(status ? { status } : entry?.status ? { status: entry.status } : {}), lastSeenAt: now });
  }

  /** The newest state per device wins; the registry also refuses a state of an older connection. */
  health(deviceId: string, mirror: HealthMirror): void {
    this.healthChanges.set(deviceId, mirror);
  }

  audit(event: HubAuditEvent): void {
    if (this.audits.length >= MAX_AUDIT_PER_FLUSH) this.suppressed++;
    else this.audits.push(event);
  }

  addUsage(counters: Record<string, number>): void {
    for (const [k, v] of Object.entries(counters)) this.usage[k] = (this.usage[k] ?? 0) + v;
  }

  async flush(): Promise<void> {
    const presence = [...this.presence].map(([id, p]) => ({ id, ...p }));
    const audits: AuditEvent[] = this.audits.map((e) => ({ ...e, outcome: e.outcome }));
    if (this.suppressed) audits.push({ actorType: "system", action: "mqtt.audit_sampled", outcome: "denied", details: { suppressedEvents: this.suppressed } });
    this.presence = new Map();
    this.audits = [];
    this.suppressed = 0;
    const usage = this.usage;
    this.usage = {};
    const healthChanges = this.healthChanges;
    this.healthChanges = new Map();
    try {
      await Promise.all([this.data.devices.recordPresence(presence), this.data.devices.recordHealth([...healthChanges].map(([id, h]) => ({ id, ...h }))), this.data.audit.record(audits), this.data.usage.add(usage)]);
    } catch (err) {
      // Health states are kept for the next flush (a newer one reported meanwhile wins): the
      // registry's filters and counts must not stay wrong until the device changes again.
      for (const [id, h] of healthChanges) if (!this.healthChanges.has(id)) this.healthChanges.set(id, h);
      throw err;
    }
  }
}
