/**
 * Devices' reports on `…/ota/status`. The hub checks them (zod), takes a finished device's
 * update notice off its retained `…/ota` topic at once, and writes the reports to the registry in
 * order, a batch at a time (domain/data/repos/rollout-executions.ts decides what each changes).
 * A report that cannot be written now is kept for the next write: a device says `succeeded` once.
 */
import { DeviceOtaStatus, TERMINAL_STATES } from "../../../domain/ota/rollout";
import { deviceTopic } from "../../../domain/topics";
import type { TenantData } from "../../../domain/data/tenant-scope";
import { createLogger, errorFields } from "../../../domain/log";
import type { Broker } from "../broker";
import { currentNotice, publishNotice } from "./notices";

const log = createLogger({ component: "hub.ota" });
const WRITE_DELAY_MS = 250;
/** Reports held while the registry cannot be written; beyond this the oldest are dropped and logged. */
const MAX_PENDING = 50_000;

type Pending = { deviceId: string; report: DeviceOtaStatus; at: number };

export class OtaReports {
  private pending: Pending[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly broker: Broker,
    private readonly data: TenantData,
  ) {}

  reported(deviceId: string, payload: Uint8Array): void {
    let parsed: ReturnType<typeof DeviceOtaStatus.safeParse>;
    try {
      parsed = DeviceOtaStatus.safeParse(JSON.parse(new TextDecoder().decode(payload)));
    } catch {
      parsed = DeviceOtaStatus.safeParse(undefined);
    }
    if (!parsed.success) {
      this.broker.effects.audit({
        actorType: "device",
        actorId: deviceId,
        action: "ota.report",
        outcome: "denied",
        targetType: "device",
        targetId: deviceId,
        details: { reason: "not an OTA status report", issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`) },
      });
      return;
    }
    const report = parsed.data;
    // The device is done with this notice: a reconnect must not hand it the same update again.
    if (TERMINAL_STATES.has(report.state) && currentNotice(this.broker, deviceId)?.rolloutId === report.rolloutId) publishNotice(this.broker, deviceId, null);
    if (this.pending.length >= MAX_PENDING) log.warn("OTA reports dropped: the registry has not been writable", { tenant: this.broker.tenantId, dropped: this.pending.splice(0, 1).length });
    this.pending.push({ deviceId, report, at: this.broker.effects.now() });
    this.timer ??= setTimeout(() => void this.write(), WRITE_DELAY_MS);
  }

  /** Writes what is pending now and waits for any write in flight (offboarding, tests). */
  drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    return this.write();
  }

  private write(): Promise<void> {
    this.timer = null;
    this.writing = this.writing.then(() => this.writeOnce());
    return this.writing;
  }

  private async writeOnce(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    for (let i = 0; i < batch.length; i++) {
      const { deviceId, report, at } = batch[i]!;
      try {
        await this.data.rolloutExecutions.applyReport(deviceId, report, at);
      } catch (err) {
        // Kept in order, ahead of anything reported meanwhile; tried again shortly.
        this.pending = [...batch.slice(i), ...this.pending];
        log.warn("OTA report write failed; retrying", { tenant: this.broker.tenantId, ...errorFields(err) });
        this.timer ??= setTimeout(() => void this.write(), 5_000);
        return;
      }
    }
  }
}

export const otaStatusTopic = (tenant: string, device: string) => deviceTopic(tenant, device, "ota/status");
