/**
 * CSV and NDJSON export of raw points, streamed page by page from the hot store, series after
 * series (each in time order), so an export of any size runs in bounded memory.
 */
import type { ExportRow } from "../../durable-objects/telemetry-store/rpc";
import type { TelemetryStoreClient } from "./store-client";

const PAGE = 2000;
const encoder = new TextEncoder();

const CSV_HEADER = "device,metric,ts,time,value,unit\r\n";

/**
 * One CSV field (RFC 4180 quoting). Text a spreadsheet would run as a formula (leading = + - @,
 * tab or CR) gets a leading apostrophe: exported device data must not execute on opening.
 */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvLine(r: ExportRow): string {
  return `${[csvField(r.device), csvField(r.metric), r.ts, new Date(r.ts).toISOString(), csvField(r.value), csvField(r.unit)].join(",")}\r\n`;
}

const ndjsonLine = (r: ExportRow) => `${JSON.stringify({ device: r.device, metric: r.metric, ts: r.ts, value: r.value, unit: r.unit, msgId: r.msgId, seq: r.seq })}\n`;

export function exportStream(store: TelemetryStoreClient, input: { series: { device: string; metric: string }[]; from: number; to: number; format: "csv" | "ndjson"; limit: number }): ReadableStream<Uint8Array> {
  const series = [...input.series];
  let current = series.shift();
  let after: { ts: number; id: number } | null = null;
  let left = input.limit;
  const line = input.format === "csv" ? csvLine : ndjsonLine;
  return new ReadableStream<Uint8Array>({
    start(c) {
      if (input.format === "csv") c.enqueue(encoder.encode(CSV_HEADER));
    },
    async pull(c) {
      while (current && left > 0) {
        const page = await store.exportPage({ device: current.device, metric: current.metric, from: input.from, to: input.to, after, limit: Math.min(PAGE, left) });
        after = page.next;
        if (!page.next) [current, after] = [series.shift(), null];
        if (page.rows.length) {
          left -= page.rows.length;
          return c.enqueue(encoder.encode(page.rows.map(line).join("")));
        }
      }
      c.close();
    },
  });
}
