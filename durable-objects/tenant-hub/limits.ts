/**
 * The hub as its tenant's MQTT rate limiter. Token buckets per device (client) and for the whole
 * tenant (messages and data points), the monthly message quota, and counts of every limit hit
 * (per limit and device) that go to usage, `$SYS` stats and a sampled audit trail. Checks run
 * before the payload is looked at, so a flood is refused cheaply.
 */
import { limitHitCounter, type LimitName } from "../../domain/limits/names";
import { countDataPoints, TokenBucket } from "../../domain/limits/rate";
import type { PlanLimits } from "../../domain/plans";

/**
 * A refused PUBLISH is acknowledged with 0x97 Quota exceeded: v5 allows 0x96 (Message rate too
 * high) only in DISCONNECT, which is what persistent abusers get.
 */
export type PublishVerdict = { ok: true; points: number } | { ok: false; limit: LimitName; reasonCode: 0x97 };

/** Refusals in a row (within this window) after which a client counts as abusive and is disconnected. */
const ABUSE_WINDOW_MS = 10_000;
const ABUSE_THRESHOLD = 100;

/**
 * Fair shedding: once the tenant's bucket is below this share of its capacity, a client sending
 * more than its fair share (the tenant's rate over the clients publishing lately) is refused, so
 * the remaining tokens go to the quiet devices of the tenant rather than to the noisiest one.
 */
const SHED_BELOW_SHARE = 0.5;
/** Clients that published within this window count as active (for the fair share). */
const ACTIVE_WINDOW_MS = 2_000;
const ACTIVE_RECOUNT_MS = 250;
/**
 * Client states kept at most (at least twice the plan's connections, so there is always room for
 * every connected client); idle ones with a full bucket go first, since dropping them loses nothing. A sweep frees a tenth of the room at once, so its
 * cost is spread over many new clients rather than paid by each.
 */
const MIN_CLIENT_STATES = 20_000;

/** Clients whose limit hits the hub remembers at least (the busiest are kept), and how many `$SYS` names. */
const MAX_CLIENT_TOTALS = 1_000;
const TOP_CLIENTS = 10;
type ClientHits = { total: number; byLimit: Partial<Record<LimitName, number>> };

type ClientState = {
  bucket: TokenBucket;
  refusals: number;
  windowStart: number;
  /** PUBLISHes offered in the current and the previous second (accepted or not): the client's recent rate. */
  offered: number;
  offeredPrev: number;
  offeredSecond: number;
  lastOfferAt: number;
};

export class HubLimiter {
  private limits: PlanLimits;
  private tenantMessages: TokenBucket;
  private tenantPoints: TokenBucket;
  private readonly clients = new Map<string, ClientState>();
  /** Messages accepted this month, and which month that is (`YYYY-MM`). */
  monthCount: number;
  month: string;
  private monthEndsAt = 0;
  /** Limit hits since the last flush: limit → device/client → count. */
  hits = new Map<LimitName, Map<string, number>>();
  /** Totals since the hub started, for `$SYS`. */
  readonly totals = new Map<LimitName, number>();
  /** The same totals per client (bounded: see countClientHit), for `$SYS`'s top clients. */
  private readonly clientTotals = new Map<string, ClientHits>();
  /** Called on every hit, so the owner can schedule writing them out. */
  onHit: () => void = () => {};
  /** Clients that published lately (recounted at most every ACTIVE_RECOUNT_MS). */
  private activeClients = 1;
  private activeCountedAt = 0;

  constructor(limits: PlanLimits, now: number, month: { month: string; count: number }) {
    this.limits = limits;
    this.tenantMessages = new TokenBucket(limits.messagesPerSecond, limits.messagesPerSecond * limits.burstSeconds, now);
    this.tenantPoints = new TokenBucket(limits.dataPointsPerSecond, limits.dataPointsPerSecond * limits.burstSeconds, now);
    this.month = month.month;
    this.monthCount = month.count;
  }

  get current(): PlanLimits {
    return this.limits;
  }

  configure(limits: PlanLimits): void {
    this.limits = limits;
    this.tenantMessages.reconfigure(limits.messagesPerSecond, limits.messagesPerSecond * limits.burstSeconds);
    this.tenantPoints.reconfigure(limits.dataPointsPerSecond, limits.dataPointsPerSecond * limits.burstSeconds);
    for (const c of this.clients.values()) c.bucket.reconfigure(limits.messagesPerSecondPerDevice, limits.messagesPerSecondPerDevice * limits.burstSeconds);
  }

  private client(clientId: string, now: number): ClientState {
    let c = this.clients.get(clientId);
    if (!c) {
      const l = this.limits;
      c = { bucket: new TokenBucket(l.messagesPerSecondPerDevice, l.messagesPerSecondPerDevice * l.burstSeconds, now), refusals: 0, windowStart: now, offered: 0, offeredPrev: 0, offeredSecond: Math.floor(now / 1000), lastOfferAt: now };
      this.clients.set(clientId, c);
      if (this.clients.size > this.maxClientStates) this.dropIdleClients(now);
    }
    return c;
  }

  /**
   * The client disconnected. Its state is kept while it still matters — a drained bucket or recent
   * refusals — so reconnecting does not buy a fresh burst or a clean record.
   */
  forget(clientId: string, now: number): void {
    const c = this.clients.get(clientId);
    if (c && c.refusals === 0 && c.bucket.waitMs(now, c.bucket.capacity) === 0) this.clients.delete(clientId);
  }

  private get maxClientStates(): number {
    return Math.max(MIN_CLIENT_STATES, 2 * this.limits.maxConnections);
  }

  private dropIdleClients(now: number): void {
    const target = Math.floor(this.maxClientStates * 0.9);
    for (const [id, c] of this.clients) {
      if (this.clients.size <= target) return;
      if (now - c.lastOfferAt > ACTIVE_WINDOW_MS && c.bucket.waitMs(now, c.bucket.capacity) === 0) this.clients.delete(id);
    }
    // Still too many (a flood of client ids): the oldest go, whatever their state.
    for (const id of this.clients.keys()) {
      if (this.clients.size <= target) return;
      this.clients.delete(id);
    }
  }

  /** Counts an offered PUBLISH; returns the client's recent rate (messages in the last full or current second, whichever is more). */
  private offer(c: ClientState, now: number): number {
    const second = Math.floor(now / 1000);
    if (second !== c.offeredSecond) {
      c.offeredPrev = second === c.offeredSecond + 1 ? c.offered : 0;
      c.offered = 0;
      c.offeredSecond = second;
    }
    c.offered++;
    c.lastOfferAt = now;
    return Math.max(c.offered, c.offeredPrev);
  }

  /** The tenant's rate divided among the clients that published lately. */
  private fairShare(now: number): number {
    if (now - this.activeCountedAt >= ACTIVE_RECOUNT_MS) {
      let n = 0;
      for (const c of this.clients.values()) if (now - c.lastOfferAt <= ACTIVE_WINDOW_MS) n++;
      this.activeClients = Math.max(1, n);
      this.activeCountedAt = now;
    }
    return this.limits.messagesPerSecond / this.activeClients;
  }

  /** Decides one PUBLISH. `telemetry` payloads are metered as data points (a backlog array counts each reading). */
  checkPublish(clientId: string, payload: Uint8Array, telemetry: boolean, now: number): PublishVerdict {
    // The month string is recomputed only when a month boundary passes, not per message.
    if (now >= this.monthEndsAt) {
      const month = new Date(now).toISOString().slice(0, 7);
      if (month !== this.month) {
        this.month = month;
        this.monthCount = 0;
      }
      const d = new Date(now);
      this.monthEndsAt = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    // Checked first, from the length alone: a message that can never be accepted takes no tokens.
    if (payload.byteLength > this.limits.maxPayloadBytes) return this.refuse(clientId, "maxPayloadBytes", now);
    if (this.monthCount >= this.limits.monthlyMessageQuota) return this.refuse(clientId, "monthlyMessageQuota", now);
    const client = this.client(clientId, now);
    const recentRate = this.offer(client, now);
    if (!client.bucket.take(now)) return this.refuse(clientId, "messagesPerSecondPerDevice", now);
    // Under pressure the noisiest clients are shed first: the quiet ones keep the rest of the bucket.
    const pressed = this.tenantMessages.available(now) < this.tenantMessages.capacity * SHED_BELOW_SHARE;
    if (pressed && recentRate > this.fairShare(now)) return this.refuse(clientId, "messagesPerSecond", now);
    if (!this.tenantMessages.take(now)) return this.refuse(clientId, "messagesPerSecond", now);
    const points = telemetry ? countDataPoints(payload) : 0;
    if (points > 0 && !this.tenantPoints.take(now, Math.min(points, this.limits.dataPointsPerSecond * this.limits.burstSeconds))) {
      return this.refuse(clientId, "dataPointsPerSecond", now);
    }
    this.monthCount++;
    client.refusals = 0;
    return { ok: true, points };
  }

  /** Counts a limit hit that is not about publishing (connections, subscriptions, payload size, queue). */
  hit(limit: LimitName, clientId: string): void {
    const perClient = this.hits.get(limit) ?? new Map<string, number>();
    perClient.set(clientId, (perClient.get(clientId) ?? 0) + 1);
    this.hits.set(limit, perClient);
    this.totals.set(limit, (this.totals.get(limit) ?? 0) + 1);
    this.countClientHit(limit, clientId);
    this.onHit();
  }

  /**
   * A flood of fresh client ids must not grow the hub without bound: past twice the room, only
   * the clients with the most hits are kept (sorting once per MAX_CLIENT_TOTALS new clients).
   */
  private countClientHit(limit: LimitName, clientId: string): void {
    let c = this.clientTotals.get(clientId);
    if (!c) {
      this.clientTotals.set(clientId, (c = { total: 0, byLimit: {} }));
      if (this.clientTotals.size > 2 * MAX_CLIENT_TOTALS) {
        const keep = [...this.clientTotals].sort((a, b) => b[1].total - a[1].total).slice(0, MAX_CLIENT_TOTALS);
        this.clientTotals.clear();
        for (const [id, hits] of keep) this.clientTotals.set(id, hits);
        this.clientTotals.set(clientId, c);
      }
    }
    c.total++;
    c.byLimit[limit] = (c.byLimit[limit] ?? 0) + 1;
  }

  /** The clients with the most limit hits since the hub started, most first, each with its hits per limit. */
  topClients(n = TOP_CLIENTS): { clientId: string; total: number; byLimit: Partial<Record<LimitName, number>> }[] {
    return [...this.clientTotals]
      .sort((a, b) => b[1].total - a[1].total)
      .slice(0, n)
      .map(([clientId, hits]) => ({ clientId, total: hits.total, byLimit: { ...hits.byLimit } }));
  }

  /** True when the client has been refused so often lately that it should be disconnected. */
  abusive(clientId: string): boolean {
    return (this.clients.get(clientId)?.refusals ?? 0) >= ABUSE_THRESHOLD;
  }

  private refuse(clientId: string, limit: LimitName, now: number): PublishVerdict {
    this.hit(limit, clientId);
    const client = this.client(clientId, now);
    if (now - client.windowStart > ABUSE_WINDOW_MS) {
      client.windowStart = now;
      client.refusals = 0;
    }
    client.refusals++;
    return { ok: false, limit, reasonCode: 0x97 };
  }

  /** Takes the hits since the last call, as usage counters and one audit sample per limit. */
  drainHits(): { counters: Record<string, number>; samples: { limit: LimitName; total: number; top: [string, number][] }[] } {
    const counters: Record<string, number> = {};
    const samples: { limit: LimitName; total: number; top: [string, number][] }[] = [];
    for (const [limit, perClient] of this.hits) {
      const total = [...perClient.values()].reduce((a, b) => a + b, 0);
      counters[limitHitCounter(limit)] = total;
      samples.push({ limit, total, top: [...perClient].sort((a, b) => b[1] - a[1]).slice(0, 5) });
    }
    this.hits = new Map();
    return { counters, samples };
  }
}
