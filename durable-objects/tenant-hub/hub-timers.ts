/**
 * Everything the hub does later rather than now: writing presence, audit events and limit hits
 * to the registry (batched), publishing `$SYS` stats, and the single Durable Object alarm that
 * wakes the hub for broker deadlines (keep-alive timeouts, delayed wills, session expiry) and as
 * a backstop for unwritten work.
 */
import { tenantStatsTopic } from "../../domain/topics";
import type { Broker } from "./broker";
import { publishMessage } from "./delivery";
import type { HubAuditEvent } from "./effects";
import type { HealthMirror } from "./health/monitor";
import { RegistryWriter } from "./registry-writer";
import { writeMeta } from "./store/schema";
import { createLogger, errorFields } from "../../domain/log";

const log = createLogger({ component: "hub.registry-writer" });

const WRITER_DELAY_MS = 1_000;
const RETRY_MS = 5_000;
const STATS_EVERY_MS = 10_000;

export class HubTimers {
  private readonly writer: RegistryWriter;
  private writerTimer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private alarmAt: number | null = null;
  private lastStats = 0;
  private lastCounters = { messagesIn: 0, messagesOut: 0, at: Date.now() };

  constructor(
    private readonly ctx: DurableObjectState,
    env: Env,
    private readonly tenantId: string,
    private readonly broker: Broker,
  ) {
    this.writer = new RegistryWriter(env, tenantId);
  }

  audit(event: HubAuditEvent): void {
    this.writer.audit(event);
    this.scheduleWriter();
  }

  /** A limit tripped: make sure the hits get written soon. */
  limitHit(): void {
    this.scheduleWriter();
  }

  presence(deviceId: string, status: "online" | "offline" | null): void {
    this.writer.touch(deviceId, status, Date.now());
    this.scheduleWriter();
  }

  health(deviceId: string, mirror: HealthMirror): void {
    this.writer.health(deviceId, mirror);
    this.scheduleWriter();
  }

  private scheduleWriter(): void {
    this.writerTimer ??= setTimeout(() => void this.runWriter(), WRITER_DELAY_MS);
  }

  /** Limit hits go to usage counters and one sampled audit event per limit per flush. */
  collectLimitHits(): void {
    const { counters, samples } = this.broker.limiter.drainHits();
    if (samples.length === 0) return;
    this.writer.addUsage(counters);
    for (const s of samples) {
      this.writer.audit({ actorType: "anonymous", actorId: null, action: "limit.hit", outcome: "denied", targetType: "limit", targetId: s.limit, details: { hits: s.total, topClients: Object.fromEntries(s.top) } });
    }
    writeMeta(this.ctx.storage.sql, "month-count", JSON.stringify({ month: this.broker.limiter.month, count: this.broker.limiter.monthCount }));
  }

  private runWriter(): Promise<void> {
    this.writerTimer = null;
    // One write after another, so `drain` can wait for one already in flight.
    this.writing = this.writing.then(() => this.writeOnce());
    return this.writing;
  }

  private async writeOnce(): Promise<void> {
    this.collectLimitHits();
    try {
      await this.writer.flush();
    } catch (err) {
      log.warn("registry write failed", { tenant: this.tenantId, ...errorFields(err) });
    }
  }

  /** Offboarding: the scheduled write happens now, and any write in flight has landed when this returns. */
  async drain(): Promise<void> {
    if (this.writerTimer) clearTimeout(this.writerTimer);
    await this.runWriter();
  }

  private statsWanted(): boolean {
    return this.broker.index.match(tenantStatsTopic(this.tenantId)).size > 0;
  }

  /** Publishes the tenant's stats topic (retained, so new subscribers see the latest). */
  publishStats(now = Date.now()): void {
    const s = this.broker.stats;
    const seconds = Math.max(1, (now - this.lastCounters.at) / 1000);
    const body = {
      ts: now,
      connectedClients: this.broker.connections.size,
      preConnect: this.broker.preConnect.stats,
      messagesInPerSecond: Math.round(((s.messagesIn - this.lastCounters.messagesIn) / seconds) * 100) / 100,
      messagesOutPerSecond: Math.round(((s.messagesOut - this.lastCounters.messagesOut) / seconds) * 100) / 100,
      messagesIn: s.messagesIn,
      messagesOut: s.messagesOut,
      droppedMessages: s.dropped,
      framesDropped: s.framesDropped,
      deniedRequests: s.denied,
      limitHits: Object.fromEntries(this.broker.limiter.totals),
      // Per client too: the ten clients with the most hits since the hub woke, each by limit.
      limitHitsByClient: this.broker.limiter.topClients(),
    };
    this.lastCounters = { messagesIn: s.messagesIn, messagesOut: s.messagesOut, at: now };
    this.lastStats = now;
    const message = { topic: tenantStatsTopic(this.tenantId), payload: new TextEncoder().encode(JSON.stringify(body)), qos: 0 as const, retain: true, properties: { contentType: "application/json" }, publisher: "" };
    this.broker.retained.put(message, now);
    publishMessage(this.broker, message);
  }

  /** Sets the alarm to the earliest pending deadline (only ever moving it earlier while one is set). */
  reschedule(extra?: number): void {
    const now = Date.now();
    const candidates = [this.broker.nextDeadline(), this.broker.commands.nextDeadline(), extra ?? null, this.writer.pending ? now + RETRY_MS : null, this.statsWanted() ? this.lastStats + STATS_EVERY_MS : null].filter(
      (t): t is number => t !== null,
    );
    if (candidates.length === 0) return;
    const next = Math.max(now + 10, Math.min(...candidates));
    if (this.alarmAt !== null && this.alarmAt > now && this.alarmAt <= next) return;
    this.alarmAt = next;
    void this.ctx.storage.setAlarm(next);
  }

  async onAlarm(): Promise<void> {
    this.alarmAt = null;
    const now = Date.now();
    this.broker.tick();
    this.broker.commands.tick(now);
    if (this.statsWanted() && now - this.lastStats >= STATS_EVERY_MS - 50) this.publishStats(now);
    await this.runWriter();
    // The month's message count survives restarts (the quota spans them).
    writeMeta(this.ctx.storage.sql, "month-count", JSON.stringify({ month: this.broker.limiter.month, count: this.broker.limiter.monthCount }));
    this.reschedule();
  }
}
