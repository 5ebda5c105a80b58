/**
 * Sockets that are open but have not completed CONNECT yet. Until then a socket has no client id,
 * no keep-alive and no limits of its own, so nothing else would ever close it: this module gives
 * each one a deadline counted from the upgrade (kept in the socket's attachment, so it survives
 * hibernation) and caps how many may wait at once (the upgrade past the cap is answered 503 with
 * Retry-After, which MQTT clients treat like any failed connection attempt: they retry later).
 *
 * Nothing here runs per frame: a socket is tracked at the upgrade (or when the hub wakes), and the
 * set drops the ones that connected or closed whenever it is looked at (at the next upgrade, the
 * alarm, or stats), so completing CONNECT needs no hook.
 */
import { AppError, toProblem } from "../../domain/errors";
import type { Connection } from "./connection";

const PRE_CONNECT = {
  /** How long a socket may take from the upgrade to a complete CONNECT, like the keep-alive machinery's 1.5× for connected clients. */
  deadlineMs: 10_000,
  /** Sockets per hub that may wait for their CONNECT at once; the next upgrade is refused (503). */
  maxSockets: 100,
  /** Retry-After of that refusal: long enough for waiting sockets to connect or time out. */
  retryAfterSeconds: 5,
  /** WebSocket close code for a socket that missed its deadline (policy violation); MQTT has no packet to say it before CONNECT. */
  closeCode: 1008,
} as const;

export type PreConnectStats = { waiting: number; refused: number; timedOut: number };

/** When a socket was accepted; attachments written before `acceptedAt` existed fall back to `connectedAt`, which equals it until CONNECT. */
const acceptedAt = (conn: Connection) => conn.state.acceptedAt ?? conn.state.connectedAt;

export class PreConnectSockets {
  private readonly waiting = new Set<Connection>();
  /** Counters since the hub woke (like the broker's), for `$SYS` and `stats()`. */
  private refused = 0;
  private timedOut = 0;

  /** Tracks a socket that has not completed CONNECT (does nothing for one that has). */
  track(conn: Connection): void {
    if (!conn.state.connected && !conn.closed) this.waiting.add(conn);
  }

  /**
   * Whether another socket may be accepted; counts the refusal when not. Call right before
   * accepting (no await in between), so concurrent upgrades cannot overshoot the cap.
   */
  admit(): boolean {
    this.prune();
    if (this.waiting.size < PRE_CONNECT.maxSockets) return true;
    this.refused++;
    return false;
  }

  /** Closes the sockets whose deadline has passed. */
  expire(now: number): void {
    this.prune();
    for (const conn of this.waiting) {
      if (now - acceptedAt(conn) < PRE_CONNECT.deadlineMs) continue;
      this.waiting.delete(conn);
      this.timedOut++;
      conn.markClosed();
      try {
        conn.ws.close(PRE_CONNECT.closeCode, `no CONNECT within ${PRE_CONNECT.deadlineMs / 1000} s`);
      } catch {
        // already closed
      }
    }
  }

  /** The earliest deadline among waiting sockets, or null. */
  nextDeadline(): number | null {
    this.prune();
    let earliest: number | null = null;
    for (const conn of this.waiting) {
      const at = acceptedAt(conn) + PRE_CONNECT.deadlineMs + 50;
      if (earliest === null || at < earliest) earliest = at;
    }
    return earliest;
  }

  get stats(): PreConnectStats {
    this.prune();
    return { waiting: this.waiting.size, refused: this.refused, timedOut: this.timedOut };
  }

  /** Forgets sockets that completed CONNECT or closed since they were tracked. */
  private prune(): void {
    for (const conn of this.waiting) if (conn.state.connected || conn.closed) this.waiting.delete(conn);
  }
}

/** The upgrade refused because too many sockets already wait for their CONNECT: the client retries later. */
export function tooManyWaiting(): Response {
  const err = new AppError("unavailable", `${PRE_CONNECT.maxSockets} MQTT connections are already waiting to send CONNECT to this tenant's hub; retry later`, {
    limit: "preConnectSockets",
    max: PRE_CONNECT.maxSockets,
    retryAfterSeconds: PRE_CONNECT.retryAfterSeconds,
  });
  return new Response(JSON.stringify(toProblem(err)), { status: err.status, headers: { "content-type": "application/problem+json", "retry-after": String(PRE_CONNECT.retryAfterSeconds) } });
}
