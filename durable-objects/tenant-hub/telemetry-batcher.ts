/**
 * Hands telemetry envelopes to the `telemetry` Queue in batches (≤ 100 messages / 240 KB), in
 * order, one send at a time. `add` returns a promise of the hand-off: the hub acknowledges a
 * QoS≥1 PUBLISH only once its envelope is in the queue, so nothing acknowledged can be lost, and
 * telemetry costs the hub no storage write (which would also hold every outgoing frame behind
 * the storage commit).
 *
 * Batches form like a group commit: while a send is in flight, arrivals wait for it and go
 * together the moment it completes; with nothing in flight, a batch waits at most COALESCE_MS
 * for company. So a busy hub sends big batches, and a device publishing QoS 1 one message at a
 * time (many embedded clients allow one message in flight) waits milliseconds for its PUBACK,
 * not a fixed batching delay.
 */
import type { TelemetryEnvelope } from "../../domain/telemetry/envelope";

const MAX_MESSAGES = 100;
const MAX_BYTES = 240 * 1024;
const COALESCE_MS = 20;
/** Retry delays for a failed send before the batch's messages are refused. */
const RETRY_DELAYS_MS = [200, 1_000, 4_000];

type Batch = { bodies: TelemetryEnvelope[]; bytes: number; done: Promise<void>; resolve: () => void; reject: (err: unknown) => void };

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  done.catch(() => undefined); // QoS 0 messages do not wait on it
  return { bodies: [], bytes: 0, done, resolve, reject };
}

export class TelemetryBatcher {
  private open: Batch | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> = Promise.resolve();
  /** Sealed batches not yet sent (or failed). */
  private inFlight = 0;
  /** Envelopes accepted but not yet in the queue. */
  pending = 0;
  /** Envelopes handed to the queue since the hub started. */
  sent = 0;

  constructor(
    private readonly queue: Queue,
    private readonly log: (message: string) => void,
  ) {}

  add(envelope: TelemetryEnvelope, size: number): Promise<void> {
    if (this.open && (this.open.bodies.length >= MAX_MESSAGES || this.open.bytes + size > MAX_BYTES)) this.seal();
    const batch = (this.open ??= newBatch());
    batch.bodies.push(envelope);
    batch.bytes += size;
    this.pending++;
    if (batch.bodies.length >= MAX_MESSAGES) this.seal();
    // With a send in flight, its completion seals this batch.
    else if (this.inFlight === 0) this.timer ??= setTimeout(() => this.seal(), COALESCE_MS);
    return batch.done;
  }

  private seal(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.open;
    this.open = null;
    if (!batch || batch.bodies.length === 0) return;
    this.inFlight++;
    this.sending = this.sending
      .then(() => this.send(batch))
      .finally(() => {
        if (--this.inFlight === 0 && this.open) this.seal();
      });
  }

  private async send(batch: Batch): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.queue.sendBatch(batch.bodies.map((body) => ({ body, contentType: "json" as const })));
        this.pending -= batch.bodies.length;
        this.sent += batch.bodies.length;
        return batch.resolve();
      } catch (err) {
        const delay = RETRY_DELAYS_MS[attempt];
        this.log(`telemetry hand-off failed (attempt ${attempt + 1}): ${String(err)}`);
        if (delay === undefined) {
          this.pending -= batch.bodies.length;
          return batch.reject(err);
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
