/**
 * ApiLimiter: one Durable Object per tenant guarding the REST API (the MQTT hub limits MQTT
 * itself and stays free for it). A fixed one-minute window per tenant, sized by the plan's
 * `apiRequestsPerMinute`. It also meters API requests and limit hits, written to the usage table
 * in batches (at most every 10 s), never once per request. Offboarding closes it before the final
 * count: what is pending is written, and nothing is metered or written for the tenant again.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { openRegistry } from "../../domain/data/db";
import { forTenant } from "../../domain/data/tenant-scope";
import { TenantId } from "../../domain/ids";
import { isWriterClosed, WRITER_CLOSED_KEY, writerClosedUntil } from "../../domain/lifecycle/closed-writers";
import { limitHitCounter } from "../../domain/limits/names";
import { FixedWindow, type WindowDecision } from "../../domain/limits/rate";

const WINDOW_MS = 60_000;
const FLUSH_MS = 10_000;

const TakeArgs = z.object({ tenantId: TenantId, limit: z.number().int().positive() });

export class ApiLimiter extends DurableObject<Env> {
  private readonly window = new FixedWindow(WINDOW_MS);
  private requests = 0;
  private hits = 0;
  private tenantId: string | null = null;
  /** Flushes one after another: `close` must be able to wait for a write already in flight. */
  private flushing: Promise<void> = Promise.resolve();

  /** Counts one request against the tenant's window. */
  async take(args: z.input<typeof TakeArgs>): Promise<WindowDecision> {
    const { tenantId, limit } = TakeArgs.parse(args);
    this.tenantId = tenantId;
    const decision = this.window.take(Date.now(), limit);
    if (this.closed()) return decision;
    if (decision.allowed) this.requests++;
    else this.hits++;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + FLUSH_MS);
    return decision;
  }

  /**
   * Offboarding, before the final count: waits for a write in flight, writes what is pending, then
   * never meters or writes for this tenant again (a usage row after the deletion certificate's
   * count would make the certificate false).
   */
  async close(tenantId: string): Promise<void> {
    this.tenantId ??= TenantId.parse(tenantId);
    await this.flush();
    // In the object's storage, so it outlives an eviction.
    this.ctx.storage.kv.put(WRITER_CLOSED_KEY, writerClosedUntil(Date.now()));
    this.requests = 0;
    this.hits = 0;
    await this.ctx.storage.deleteAlarm();
  }

  private closed(): boolean {
    return isWriterClosed(this.ctx.storage.kv.get<number>(WRITER_CLOSED_KEY), Date.now());
  }

  override async alarm(): Promise<void> {
    await this.flush();
  }

  /** Writes the metered counts to the tenant's usage (also called by tests and the usage route). */
  async flush(): Promise<void> {
    const next = this.flushing.then(
      () => this.writePending(),
      () => this.writePending(),
    );
    this.flushing = next;
    return next;
  }

  private async writePending(): Promise<void> {
    if (!this.tenantId || this.closed() || (this.requests === 0 && this.hits === 0)) return;
    const counters = { api_requests: this.requests, [limitHitCounter("apiRequestsPerMinute")]: this.hits };
    this.requests = 0;
    this.hits = 0;
    await forTenant(openRegistry(this.env.REGISTRY), this.tenantId).usage.add(counters);
  }
}
