/**
 * The hub's hand-off to the telemetry queue, against the real queue binding (watched on the way
 * in): batches form like a group commit, in order, and each hand-off resolves only once its
 * batch is in the queue.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TelemetryEnvelope } from "../../../domain/telemetry/envelope";
import { TelemetryBatcher } from "../../../durable-objects/tenant-hub/telemetry-batcher";

/** The real queue, recording each sendBatch's bodies; `gate` holds sends until opened. */
function watchedQueue() {
  const batches: string[][] = [];
  let open!: () => void;
  let gate: Promise<void> | null = null;
  const queue = {
    sendBatch: async (msgs: Iterable<MessageSendRequest>) => {
      const list = [...msgs];
      batches.push(list.map((m) => (m.body as TelemetryEnvelope).msgId));
      if (gate) await gate;
      return env.TELEMETRY_QUEUE.sendBatch(list);
    },
  } as Queue;
  return {
    queue,
    batches,
    hold: () => void (gate = new Promise((r) => (open = r))),
    release: () => ((gate = null), open()),
  };
}

// A tenant that does not exist: the consumer drops these envelopes when the queue delivers them.
const envelope = (msgId: string): TelemetryEnvelope => ({
  v: 1,
  tenant: "no-such-tenant",
  msgId,
  traceId: msgId,
  receivedAt: Date.now(),
  source: { kind: "device", device: "d1", channel: "telemetry" },
  publisher: "d1",
  topic: "t/no-such-tenant/devices/d1/telemetry",
  payload: "{}",
  bytes: 2,
});

describe("telemetry batcher", () => {
  it("sends a lone message on its own, without waiting for company that does not come", async () => {
    const q = watchedQueue();
    const batcher = new TelemetryBatcher(q.queue, () => {});
    await batcher.add(envelope("a"), 100);
    expect(q.batches).toEqual([["a"]]);
    expect([batcher.pending, batcher.sent]).toEqual([0, 1]);
  });

  it("gathers what arrives during a send into the next batch, sent as soon as that send completes", async () => {
    const q = watchedQueue();
    const batcher = new TelemetryBatcher(q.queue, () => {});
    q.hold();
    const first = batcher.add(envelope("a"), 100);
    await new Promise((r) => setTimeout(r, 50)); // the first batch is sealed and in flight, held
    expect(q.batches).toEqual([["a"]]);
    const later = ["b", "c", "d"].map((id) => batcher.add(envelope(id), 100));
    expect(batcher.pending).toBe(4);
    q.release();
    await Promise.all([first, ...later]);
    expect(q.batches).toEqual([["a"], ["b", "c", "d"]]);
    expect(batcher.sent).toBe(4);
  });

  it("seals at 100 messages at once, keeping order across batches", async () => {
    const q = watchedQueue();
    const batcher = new TelemetryBatcher(q.queue, () => {});
    const ids = Array.from({ length: 150 }, (_, i) => `m${i}`);
    await Promise.all(ids.map((id) => batcher.add(envelope(id), 100)));
    expect(q.batches.map((b) => b.length)).toEqual([100, 50]);
    expect(q.batches.flat()).toEqual(ids);
  });
});
