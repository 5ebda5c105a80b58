/**
 * What the hub sends one connection, gathered into as few WebSocket frames as order allows.
 *
 * Why: every frame costs an event at the edge relay and at the client, and on Cloudflare each
 * frame a Durable Object exchanges is billed work. MQTT over WebSocket is a byte stream: one
 * frame may carry several control packets [MQTT-6.0.0-2], and MQTT.js, mqtt-packet and the
 * hub's own decoder all read them. So packets written in one turn (the PUBACKs of a burst, a
 * SUBACK and its retained messages, a drained queue) leave as one frame:
 * - while the connection's own task runs (`whileHeld`, see Connection.enqueue), the frame is sent
 *   when the task ends, even if the task awaited in between;
 * - what that task sends other connections (a PUBLISH fanned out to subscribers) is held until
 *   the task ends too, so a burst of PUBLISHes in one frame reaches each subscriber as one frame;
 * - otherwise (a delivery caused by another client, a timer) at the end of the current
 *   microtask turn, never on a timer: nothing can slip between the bytes and a later close;
 * - before the buffer would pass MAX_FRAME_BYTES, at once, so a frame stays bounded (a single
 *   larger packet is a frame of its own);
 * - before any close (Connection.close/markClosed call `flush`), so nothing is lost or reordered.
 */

import { AsyncLocalStorage } from "node:async_hooks";

/** A frame is sent as soon as it holds this much (the edge relay uses the same bound inbound). */
export const MAX_FRAME_BYTES = 64 * 1024;

export type FrameSink = { send(frame: Uint8Array): void };

/** The connection whose task is running, so that what it sends others is held with it. */
const runningTask = new AsyncLocalStorage<OutboundFrames>();

export class OutboundFrames {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private holds = 0;
  /** Other connections' frames held until this connection's task ends. */
  private adopted: OutboundFrames[] = [];

  constructor(
    private readonly sink: FrameSink,
    /** Called when the socket refuses a frame (it is gone). */
    private readonly onFailure: () => void,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {}

  /**
   * Queues one encoded packet. The bytes are copied: the hub's encoder carves packets out of
   * blocks it reuses for later packets of the same connection.
   */
  write(packet: Uint8Array): void {
    // A frame stays within the bound unless one packet alone is larger.
    if (this.pendingBytes > 0 && this.pendingBytes + packet.byteLength > this.maxFrameBytes) this.flush();
    this.pending.push(packet.slice());
    this.pendingBytes += packet.byteLength;
    if (this.pendingBytes >= this.maxFrameBytes) return this.flush();
    if (this.holds > 0) return;
    const task = runningTask.getStore();
    // Promise callbacks and timers started by a task keep its context after it ended: only a
    // task still running (held) adopts.
    if (task && task !== this && task.holds > 0) {
      this.hold();
      task.adopted.push(this);
      return;
    }
    this.scheduleFlush();
  }

  /** Runs the connection's task: what it sends, to this connection or others, leaves when it ends. */
  async whileHeld(task: () => Promise<void>): Promise<void> {
    this.hold();
    try {
      await runningTask.run(this, task);
    } finally {
      this.release();
    }
  }

  /** The connection's task began: keep packets until `release`. Nested holds count. */
  hold(): void {
    this.holds++;
  }

  /** The task ended: send what it wrote, unless another hold is still open. */
  release(): void {
    if (this.holds > 0) this.holds--;
    if (this.holds > 0) return;
    this.flush();
    const adopted = this.adopted;
    this.adopted = [];
    for (const other of adopted) other.release();
  }

  /** Sends everything queued as one frame now. */
  flush(): void {
    if (this.pendingBytes === 0) return;
    const frame = this.pending.length === 1 ? this.pending[0]! : join(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      this.sink.send(frame);
    } catch {
      // The socket is gone; the close event cleans up.
      this.onFailure();
    }
  }

  private scheduleFlush(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      // A hold taken since (the connection's own task) flushes at its release instead.
      if (this.holds === 0) this.flush();
    });
  }
}

function join(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
