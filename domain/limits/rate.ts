/**
 * Rate-limiting primitives (pure, clock passed in). A token bucket allows `rate` per second on
 * average with bursts of up to `capacity`; a fixed window allows `limit` per window and resets
 * at the window's end, which is what the HTTP RateLimit headers describe.
 */

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private rate: number,
    private maxTokens: number,
    now: number,
  ) {
    this.tokens = maxTokens;
    this.last = now;
  }

  /** Changes the rate and capacity, keeping the current fill (capped). */
  reconfigure(rate: number, capacity: number): void {
    this.rate = rate;
    this.maxTokens = capacity;
    this.tokens = Math.min(this.tokens, capacity);
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.maxTokens, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
    }
  }

  get capacity(): number {
    return this.maxTokens;
  }

  /** Tokens available now. */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Takes `n` tokens if all are available; nothing is taken otherwise. */
  take(now: number, n = 1): boolean {
    this.refill(now);
    if (this.tokens + 1e-9 < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Milliseconds until `n` tokens will be available. */
  waitMs(now: number, n = 1): number {
    this.refill(now);
    return this.tokens >= n ? 0 : Math.ceil(((n - this.tokens) / this.rate) * 1000);
  }
}

export type WindowDecision = { allowed: boolean; limit: number; remaining: number; resetMs: number };

export class FixedWindow {
  private start = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(private readonly windowMs: number) {}

  take(now: number, limit: number): WindowDecision {
    if (now >= this.start + this.windowMs) {
      this.start = now;
      this.used = 0;
    }
    const resetMs = this.start + this.windowMs - now;
    if (this.used >= limit) return { allowed: false, limit, remaining: 0, resetMs };
    this.used++;
    return { allowed: true, limit, remaining: limit - this.used, resetMs };
  }
}

/** Counts top-level elements of a JSON array payload without parsing it (1 for anything else). */
export function countDataPoints(payload: Uint8Array): number {
  let i = 0;
  while (i < payload.length && (payload[i] === 0x20 || payload[i] === 0x0a || payload[i] === 0x0d || payload[i] === 0x09)) i++;
  if (payload[i] !== 0x5b /* [ */) return 1;
  let depth = 0;
  let inString = false;
  let count = 0;
  let sawValue = false;
  for (; i < payload.length; i++) {
    const b = payload[i]!;
    if (inString) {
      if (b === 0x5c /* \ */) i++;
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x22) {
      inString = true;
      if (depth === 1) sawValue = true;
    } else if (b === 0x5b || b === 0x7b) {
      if (depth === 1) sawValue = true;
      depth++;
    } else if (b === 0x5d || b === 0x7d) {
      depth--;
      if (depth === 0) break;
    } else if (b === 0x2c && depth === 1) {
      count++;
    } else if (depth === 1 && b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
      sawValue = true;
    }
  }
  return sawValue ? count + 1 : 0;
}
