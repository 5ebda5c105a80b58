/** How the operator pages write numbers, usage and times. */
import type { TenantSummary } from "../../../domain/schemas/operator";

export const num = (n: number) => n.toLocaleString("en-US");
export const when = (ms: number | null | undefined) => (ms ? new Date(ms).toLocaleString() : "—");

/** The usage counters the API stores (domain/telemetry/usage.ts), in the order the pages show them. */
export const USAGE_LABELS: [metric: string, label: string][] = [
  ["messages_received", "Messages received"],
  ["data_points_stored", "Data points stored"],
  ["rejected_messages", "Rejected messages"],
  ["bytes_ingested", "Bytes ingested"],
  ["api_requests", "API requests"],
  ["hot_store_bytes", "Hot-store bytes"],
];

export const usageOf = (t: TenantSummary, metric: string) => t.usage[metric] ?? 0;

/** Limit hits this month, by limit, from the usage metrics (`limit_hits.{limit}`). */
export const limitHitsOf = (t: TenantSummary) =>
  Object.entries(t.usage)
    .filter(([m]) => m.startsWith("limit_hits."))
    .map(([m, n]) => [m.slice("limit_hits.".length), n] as const);

/** "maxDevices" → "Max devices". */
export const limitLabel = (key: string) => {
  const words = key.replace(/([A-Z])/g, " $1").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
