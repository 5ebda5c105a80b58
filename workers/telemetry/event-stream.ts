/**
 * Live telemetry as Server-Sent Events, for clients that do not speak MQTT. The stream polls
 * the tenant's hot store for points inserted after the last one it sent (the store's insert id
 * is the SSE event id, so a reconnecting client resumes with Last-Event-ID and misses nothing
 * still in the hot store). Pull-based: nothing is fetched faster than the client reads, and a
 * closed connection stops the polling. Streams end after a while; EventSource reconnects.
 */
import type { TelemetryStoreClient } from "./store-client";

export type EventStreamOptions = {
  devices: string[];
  metrics: string[];
  lastEventId: number | null;
  pollMs?: number;
  heartbeatMs?: number;
  maxDurationMs?: number;
};

const encoder = new TextEncoder();
const PAGE = 500;

export function telemetryEventStream(store: TelemetryStoreClient, options: EventStreamOptions): ReadableStream<Uint8Array> {
  const pollMs = options.pollMs ?? 1000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const deadline = Date.now() + (options.maxDurationMs ?? 10 * 60_000);
  let after = options.lastEventId;
  let lastSent = Date.now();
  let cancelled = false;
  const send = (c: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    c.enqueue(encoder.encode(text));
    lastSent = Date.now();
  };

  return new ReadableStream<Uint8Array>({
    async start(c) {
      if (after === null) after = (await store.tail({ devices: options.devices, metrics: options.metrics, afterId: null, limit: 1 })).lastId;
      send(c, `retry: 3000\n: streaming ${options.devices.join(",")}\n\n`);
    },
    async pull(c) {
      while (!cancelled && Date.now() < deadline) {
        const { rows, lastId } = await store.tail({ devices: options.devices, metrics: options.metrics, afterId: after, limit: PAGE });
        after = lastId;
        if (rows.length > 0) {
          send(c, rows.map((r) => `id: ${r.id}\nevent: telemetry\ndata: ${JSON.stringify({ device: r.device, metric: r.metric, ts: r.ts, value: r.value })}\n\n`).join(""));
          return;
        }
        if (Date.now() - lastSent >= heartbeatMs) return send(c, ": keep-alive\n\n");
        await new Promise((r) => setTimeout(r, pollMs));
      }
      if (!cancelled) c.close();
    },
    cancel() {
      cancelled = true;
    },
  });
}
