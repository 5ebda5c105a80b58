/**
 * Moves telemetry envelopes from the hub's outbox to the `telemetry` Queue in batches that
 * respect the Queue's limits (100 messages and 256 KB per sendBatch). Rows are deleted only
 * after their batch was accepted, so a failure leaves them for the next attempt.
 */
import type { Broker } from "./broker";

const MAX_MESSAGES_PER_BATCH = 100;
const MAX_BATCH_BYTES = 240 * 1024;
const ROWS_PER_FLUSH = 1000;

/** Returns true when the outbox is empty afterwards. */
export async function flushOutbox(broker: Broker, queue: Queue): Promise<boolean> {
  const rows = broker.outbox.peek(ROWS_PER_FLUSH);
  let batch: { id: number; body: string }[] = [];
  let bytes = 0;
  const send = async () => {
    if (batch.length === 0) return;
    await queue.sendBatch(batch.map((r) => ({ body: JSON.parse(r.body) as unknown, contentType: "json" as const })));
    broker.outbox.removeUpTo(batch[batch.length - 1]!.id);
    batch = [];
    bytes = 0;
  };
  for (const row of rows) {
    if (batch.length === MAX_MESSAGES_PER_BATCH || bytes + row.body.length > MAX_BATCH_BYTES) await send();
    batch.push(row);
    bytes += row.body.length;
  }
  await send();
  return rows.length < ROWS_PER_FLUSH;
}
