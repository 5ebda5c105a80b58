/**
 * AuthAuditSampler: one object per tenant (named by the tenant id) that bounds the audit rows
 * unauthenticated callers can cause in that tenant (policy in domain/limits/audit-sampling.ts).
 * The Worker asks `admit` before writing such a row; the object counts the rest and, when a
 * window is due, writes the aggregate row itself. The open windows live in the object's storage,
 * so an eviction mid-window loses no count. Offboarding closes it before its final count: open
 * windows are written at once, and nothing is admitted or written for the tenant afterwards.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { openRegistry } from "../../domain/data/db";
import { forTenant } from "../../domain/data/tenant-scope";
import { TenantId } from "../../domain/ids";
import { isWriterClosed, WRITER_CLOSED_KEY, writerClosedUntil } from "../../domain/lifecycle/closed-writers";
import { admitEvent, AuditSample, AuditSamplingPolicy, closeWindows, DEFAULT_AUDIT_SAMPLING, nextClose, type SamplingState } from "../../domain/limits/audit-sampling";

const STATE_KEY = "windows";
const TENANT_KEY = "tenant";

const AuditOutcome = z.enum(["success", "denied", "failure"]);
const AdmitArgs = z.object({ tenantId: TenantId, action: z.string().min(1).max(64), outcome: AuditOutcome, sample: AuditSample, policy: AuditSamplingPolicy.optional() });

export class AuthAuditSampler extends DurableObject<Env> {
  /** `true`: write this event as its own row now; `false`: it is counted into the window's aggregate. */
  async admit(args: z.input<typeof AdmitArgs>): Promise<boolean> {
    const { tenantId, action, outcome, sample, policy = DEFAULT_AUDIT_SAMPLING } = AdmitArgs.parse(args);
    // A deleted tenant gets no audit row, individual or aggregated: its log was counted and purged.
    if (this.closed()) return false;
    const state = this.ctx.storage.kv.get<SamplingState>(STATE_KEY) ?? {};
    const individually = admitEvent(state, action, outcome, sample, policy, Date.now());
    this.ctx.storage.kv.put(STATE_KEY, state);
    if (this.ctx.storage.kv.get<string>(TENANT_KEY) !== tenantId) this.ctx.storage.kv.put(TENANT_KEY, tenantId);
    const due = nextClose(state);
    if (due !== null && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(due);
    return individually;
  }

  /** Offboarding, before the final count: writes every open window now, then admits and writes nothing more. */
  async close(tenantId: string): Promise<void> {
    TenantId.parse(tenantId);
    await this.writeWindows(true);
    this.ctx.storage.kv.put(WRITER_CLOSED_KEY, writerClosedUntil(Date.now()));
    await this.ctx.storage.deleteAlarm();
  }

  private closed(): boolean {
    return isWriterClosed(this.ctx.storage.kv.get<number>(WRITER_CLOSED_KEY), Date.now());
  }

  /** Closes the open windows into aggregate rows in the tenant's audit log. */
  override async alarm(): Promise<void> {
    await this.writeWindows(false);
  }

  private async writeWindows(closing: boolean): Promise<void> {
    // No admit may run while the rows are written (a D1 call lets other events in): its count
    // would be lost when the closed windows are stored.
    await this.ctx.blockConcurrencyWhile(async () => {
      const state = this.ctx.storage.kv.get<SamplingState>(STATE_KEY) ?? {};
      const tenantId = this.ctx.storage.kv.get<string>(TENANT_KEY);
      const rows = closeWindows(state, Date.now());
      if (tenantId && rows.length && (closing || !this.closed())) {
        // Written before the windows are forgotten: a failed write throws, and the alarm is retried with the counts intact.
        const events = rows.map((r) => ({ actorType: "system" as const, actorId: null, action: r.action, outcome: AuditOutcome.parse(r.outcome), details: r.details }));
        await forTenant(openRegistry(this.env.REGISTRY), tenantId).audit.record(events);
      }
      this.ctx.storage.kv.put(STATE_KEY, state);
    });
  }
}
