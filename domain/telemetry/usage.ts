/**
 * Usage metering: per tenant and calendar month (UTC). Counters add up (messages, bytes,
 * points, rejections, API requests); gauges hold the last observed value (devices registered,
 * hot-store size). The consumer tallies a whole batch and writes once per tenant per batch.
 */
import { z } from "zod";
import { REJECTION_REASONS, type RejectionReason } from "./rejections";

export const USAGE_COUNTERS = {
  messagesReceived: "messages_received",
  bytesIngested: "bytes_ingested",
  dataPointsStored: "data_points_stored",
  rejectedMessages: "rejected_messages",
  apiRequests: "api_requests",
  /** Firmware bytes devices downloaded (workers/routes/ota-download.ts). */
  otaBytesDownloaded: "ota_bytes_downloaded",
} as const;
export const USAGE_GAUGES = { devicesRegistered: "devices_registered", hotStoreBytes: "hot_store_bytes" } as const;

const REJECTED_PREFIX = "rejected.";
/** Written by the limit enforcement (domain/limits/names.ts): `limit_hits.{limit}`. */
const LIMIT_HITS_PREFIX = "limit_hits.";
const rejectedCounter = (reason: RejectionReason) => `${REJECTED_PREFIX}${reason}`;

export const UsageMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM");

/** Adds up one batch of one tenant. */
export class UsageTally {
  readonly counters: Record<string, number> = {};
  #bump(metric: string, by: number) {
    if (by) this.counters[metric] = (this.counters[metric] ?? 0) + by;
  }
  message(bytes: number, outcome: { points: number } | { rejected: RejectionReason } | { stored: true }) {
    this.#bump(USAGE_COUNTERS.messagesReceived, 1);
    this.#bump(USAGE_COUNTERS.bytesIngested, bytes);
    if ("points" in outcome) this.#bump(USAGE_COUNTERS.dataPointsStored, outcome.points);
    if ("rejected" in outcome) {
      this.#bump(USAGE_COUNTERS.rejectedMessages, 1);
      this.#bump(rejectedCounter(outcome.rejected), 1);
    }
  }
  get empty() {
    return Object.keys(this.counters).length === 0;
  }
}

export const UsageReport = z.object({
  tenant: z.string(),
  month: UsageMonth,
  messagesReceived: z.number(),
  bytesIngested: z.number(),
  dataPointsStored: z.number(),
  rejectedMessages: z.number(),
  rejectedByReason: z.record(z.string(), z.number()),
  /** Plan limits hit this month, by limit (counted by the hub and the API rate limiter). */
  limitHits: z.record(z.string(), z.number()),
  apiRequests: z.number(),
  otaBytesDownloaded: z.number(),
  devicesRegistered: z.number(),
  hotStoreBytes: z.number(),
});
export type UsageReport = z.infer<typeof UsageReport>;

/** Stored metric rows → the report the API shows. */
export function usageReport(tenant: string, month: string, stored: Record<string, number>): UsageReport {
  const rejectedByReason = Object.fromEntries(REJECTION_REASONS.filter((r) => stored[rejectedCounter(r)]).map((r) => [r, stored[rejectedCounter(r)]!]));
  const get = (metric: string) => stored[metric] ?? 0;
  const limitHits = Object.fromEntries(
    Object.entries(stored)
      .filter(([m]) => m.startsWith(LIMIT_HITS_PREFIX))
      .map(([m, v]) => [m.slice(LIMIT_HITS_PREFIX.length), v]),
  );
  return {
    tenant,
    month,
    messagesReceived: get(USAGE_COUNTERS.messagesReceived),
    bytesIngested: get(USAGE_COUNTERS.bytesIngested),
    dataPointsStored: get(USAGE_COUNTERS.dataPointsStored),
    rejectedMessages: get(USAGE_COUNTERS.rejectedMessages),
    rejectedByReason,
    limitHits,
    apiRequests: get(USAGE_COUNTERS.apiRequests),
    otaBytesDownloaded: get(USAGE_COUNTERS.otaBytesDownloaded),
    devicesRegistered: get(USAGE_GAUGES.devicesRegistered),
    hotStoreBytes: get(USAGE_GAUGES.hotStoreBytes),
  };
}

/** The current calendar month (UTC) as YYYY-MM. */
export const currentMonth = (now = Date.now()) => new Date(now).toISOString().slice(0, 7);
