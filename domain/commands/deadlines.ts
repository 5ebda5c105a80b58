/**
 * Time arithmetic of commands: when one expires, how much of its expiry remains when it is sent,
 * when it stops holding its device's in-flight slot, and the one next deadline the hub's alarm
 * must wake for.
 */
/** Commands a device may have in flight (PUBLISHed and unfinished) unless its settings say otherwise. */
export const DEFAULT_MAX_IN_FLIGHT = 1;
export const MAX_IN_FLIGHT = 100;

export const COMMAND_TIMING = {
  /** Expiry when the request names none. */
  defaultExpiresInSeconds: 24 * 3600,
  /** Longest expiry: a persistent session's longest life. */
  maxExpiresInSeconds: 7 * 24 * 3600,
  defaultResponseTimeoutSeconds: 60,
  maxResponseTimeoutSeconds: 3600,
  /**
   * Head of line: a command PUBLISHed but not acknowledged gives up its device's in-flight slot
   * after this long, so the ones behind it are not blocked (it stays `sent` until a PUBACK or its expiry).
   */
  headOfLineTimeoutSeconds: 30,
  /** An idempotency key returns the first command for this long. */
  idempotencyWindowMs: 24 * 3600 * 1000,
  /** Finished commands are kept this long for reading, then pruned. */
  retentionMs: 7 * 24 * 3600 * 1000,
} as const;

/** The absolute expiry of a new command, from `expiresAt` or `expiresInSeconds` (validated by the schema). */
export function expiryOf(input: { expiresAt?: number | undefined; expiresInSeconds?: number | undefined }, now: number): number {
  if (input.expiresAt !== undefined) return input.expiresAt;
  return now + (input.expiresInSeconds ?? COMMAND_TIMING.defaultExpiresInSeconds) * 1000;
}

/** Whole seconds of expiry left, for MQTT 5 Message Expiry Interval (never 0 for an unexpired command). */
export function remainingSeconds(expiresAt: number, now: number): number {
  return Math.max(1, Math.ceil((expiresAt - now) / 1000));
}

export type Deadlines = { status: string; expiresAt: number; holUntil: number | null; respondBy: number | null };

/**
 * The next moment something happens to a command by itself, or null when nothing will:
 * queued → its expiry; sent → its expiry or the head-of-line release; delivered and awaiting an
 * answer → the response timeout.
 */
export function nextDeadline(c: Deadlines): number | null {
  switch (c.status) {
    case "queued":
      return c.expiresAt;
    case "sent":
      return c.holUntil === null ? c.expiresAt : Math.min(c.expiresAt, c.holUntil);
    case "delivered":
      return c.respondBy;
    default:
      return null;
  }
}
