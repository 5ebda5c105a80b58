/**
 * The MQTT edge relay: the Worker keeps the device's WebSocket and forwards its bytes to the
 * tenant's hub over a second WebSocket, instead of handing the device's socket to the hub.
 *
 * Why: each frame a Durable Object receives through the WebSocket Hibernation API is an event of
 * its own, and an expensive one (measured locally: ~550 µs per frame, against ~5 µs for a frame an
 * `accept()`ed socket hands to a listener, in a Worker or an object alike; `bench/ws-frame-cost.mjs`).
 * MQTT.js writes one PUBLISH as several frames, and a client flooding the hub queues frames
 * faster than the hub's events can drain them — workerd reads a socket with no backpressure, so
 * the backlog grows in memory and keeps the hub busy long after the sender stopped. Here:
 * - frames that arrive together go to the hub as one: MQTT over WebSocket is a byte stream (a
 *   frame may hold part of a packet or several, [MQTT-6.0.0-2]), so the hub's decoder needs no
 *   change and sees a fraction of the events;
 * - once the hub closes the connection (it condemned it: abuse, a protocol error), whatever the
 *   client still sends is dropped here, at the cost of a flag check;
 * - closes travel both ways (the hub's close code to the device; a device that vanished closes
 *   the hub's side, which fires its will as before).
 * - a client sending more frames than its plan could ever need (`domain/limits/relay-budget.ts`) is
 *   closed here (1008), before the runtime buffers more of it; the hub is told with a close code
 *   of its own, and holds it against the client like any abuse (cool-down at the edge).
 * The hub's side is still a hibernatable socket: the relay costs the hub nothing while idle.
 */
import { RELAY_OVER_BUDGET_CLOSE_CODE, type RelayFrameBudget } from "../../domain/limits/relay-budget";
import { TokenBucket } from "../../domain/limits/rate";

/** A relayed batch is sent once it holds this much, without waiting for the end of the turn. */
const RELAY_FLUSH_BYTES = 64 * 1024;

/** Close codes a peer may not send (RFC 6455 §7.4.1): a vanished peer is reported as "going away". */
const UNSENDABLE = new Set([1005, 1006, 1015]);
const sendableCode = (code: number) => (UNSENDABLE.has(code) || code < 1000 || code >= 5000 ? 1001 : code);

export type RelayCounters = { framesIn: number; batchesOut: number; framesDropped: number; overBudget: boolean };
export type RelayOptions = { budget?: RelayFrameBudget; now?: () => number };

/**
 * Joins `client` (the device's side, from a WebSocketPair) to `hub` (the hub's accepted socket).
 * Returns live counters, for tests and logs.
 */
export function relay(client: WebSocket, hub: WebSocket, { budget, now = Date.now }: RelayOptions = {}): RelayCounters {
  const counters: RelayCounters = { framesIn: 0, batchesOut: 0, framesDropped: 0, overBudget: false };
  const frames = budget ? new TokenBucket(budget.perSecond, budget.burst, now()) : null;
  // Bytes, not Blobs (the standard default): they are joined and forwarded at once.
  client.binaryType = "arraybuffer";
  hub.binaryType = "arraybuffer";
  let closed = false;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (closed || pendingBytes === 0) return;
    const batch = pending.length === 1 ? pending[0]! : concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    counters.batchesOut++;
    hub.send(batch);
  };

  const closeBoth = (code: number, reason: string, hubCode = code) => {
    if (closed) return;
    closed = true;
    pending = [];
    pendingBytes = 0;
    for (const [ws, c] of [
      [client, code],
      [hub, hubCode],
    ] as const) {
      try {
        ws.close(sendableCode(c), reason.slice(0, 120));
      } catch {
        // already closed
      }
    }
  };

  client.addEventListener("message", (e) => {
    // Condemned by the hub, or gone: nothing more is decoded, forwarded or kept.
    if (closed) return void counters.framesDropped++;
    counters.framesIn++;
    if (frames && !frames.take(now())) {
      counters.overBudget = true;
      return closeBoth(1008, `more than ${budget!.perSecond} WebSocket frames per second`, RELAY_OVER_BUDGET_CLOSE_CODE);
    }
    if (typeof e.data === "string") {
      // Not MQTT (binary frames only): the hub answers it as it always has, in order.
      flush();
      return void hub.send(e.data);
    }
    const bytes = new Uint8Array(e.data as ArrayBuffer);
    pending.push(bytes);
    pendingBytes += bytes.byteLength;
    if (pendingBytes >= RELAY_FLUSH_BYTES) flush();
    else if (!scheduled) {
      scheduled = true;
      // After the frames already read from the socket have been gathered (they are dispatched
      // before a timer), not after a fixed delay: latency stays at one turn.
      setTimeout(flush, 0);
    }
  });
  hub.addEventListener("message", (e) => {
    if (!closed) client.send(e.data);
  });
  client.addEventListener("close", (e) => {
    flush();
    closeBoth(e.code, "client connection closed");
  });
  hub.addEventListener("close", (e) => closeBoth(e.code, e.reason));
  client.addEventListener("error", () => closeBoth(1011, "client connection failed"));
  hub.addEventListener("error", () => closeBoth(1011, "hub connection failed"));
  return counters;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
