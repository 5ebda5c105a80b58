/**
 * Recent message traces: for each telemetry message, the hops it took through the pipeline and
 * when (accepted by the hub, enqueued, consumed, then stored, rejected or dead-lettered), so
 * `GET /api/v1/telemetry/trace/:traceId` can say where a message went and how long each hop took.
 *
 * The table is a diagnostic window, not a record: it keeps the newest TRACE_HOPS_CAPACITY hops
 * and nothing older than TRACE_MAX_AGE_MS, trimmed on every write so it never grows with traffic.
 * A hop is written once (the first delivery's time stands; a redelivery adds only hops it is the
 * first to reach, such as dead-lettered after retries).
 *
 * The consumer's last run is kept here too (meta keys): the local Queues binding cannot report a
 * backlog, so the status API reports the lag the consumer saw on its last batch instead.
 */
import { z } from "zod";
import { TRACE_HOPS, type TraceHop, type TraceHopName } from "../../domain/telemetry/trace";
import { readMeta, runStatements, writeMeta } from "../shared/sqlite";
import type { IngestMessage } from "./rpc";

export const TRACE_HOPS_CAPACITY = 20_000;
export const TRACE_MAX_AGE_MS = 24 * 60 * 60_000;

const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS trace_hops (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     trace_id TEXT NOT NULL, hop TEXT NOT NULL, at INTEGER NOT NULL, detail TEXT,
     UNIQUE (trace_id, hop))`,
  `CREATE INDEX IF NOT EXISTS trace_hops_at ON trace_hops (at)`,
];

export function migrateTraces(sql: SqlStorage): void {
  runStatements(sql, STATEMENTS);
}

const TraceId = z.string().min(1).max(64);

export const HopInput = z.object({ traceId: TraceId, hop: z.enum(TRACE_HOPS), at: z.number().int(), detail: z.string().max(200).nullable().optional() });
export type HopInput = z.infer<typeof HopInput>;
export const RecordHopsInput = z.object({ hops: z.array(HopInput).max(5_000) });
export const ReadTraceInput = z.object({ traceId: TraceId });

/** What the consumer saw on its last batch for this tenant. */
export const ConsumerRun = z.object({
  at: z.number().int(),
  messages: z.number().int().nonnegative(),
  /** The oldest message's wait in the queue (consumed minus enqueued), ms. */
  lagMs: z.number().int().nonnegative(),
});
export type ConsumerRun = z.infer<typeof ConsumerRun>;

export function recordHops(sql: SqlStorage, hops: readonly HopInput[], now: number): void {
  for (const h of hops) sql.exec("INSERT OR IGNORE INTO trace_hops (trace_id, hop, at, detail) VALUES (?, ?, ?, ?)", h.traceId, h.hop, h.at, h.detail ?? null);
  if (hops.length === 0) return;
  sql.exec("DELETE FROM trace_hops WHERE at < ?", now - TRACE_MAX_AGE_MS);
  sql.exec("DELETE FROM trace_hops WHERE id <= (SELECT max(id) FROM trace_hops) - ?", TRACE_HOPS_CAPACITY);
}

/** A trace's hops in pipeline order (ties in time keep the pipeline's order). */
export function readTrace(sql: SqlStorage, traceId: string): TraceHop[] {
  const rows = sql.exec<{ hop: TraceHopName; at: number; detail: string | null }>("SELECT hop, at, detail FROM trace_hops WHERE trace_id = ?", traceId).toArray();
  return rows.sort((a, b) => a.at - b.at || TRACE_HOPS.indexOf(a.hop) - TRACE_HOPS.indexOf(b.hop)).map((r) => ({ hop: r.hop, at: r.at, detail: r.detail }));
}

export function recordConsumerRun(sql: SqlStorage, run: ConsumerRun): void {
  writeMeta(sql, "consumer_last_run", JSON.stringify(run));
}

export function lastConsumerRun(sql: SqlStorage): ConsumerRun | null {
  const raw = readMeta(sql, "consumer_last_run");
  if (!raw) return null;
  const parsed = ConsumerRun.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

const pointsWord = (n: number) => `${n} ${n === 1 ? "point" : "points"}`;

/** The hops an ingest call records: those the message brings, and its end here at `now`. */
export function ingestHops(messages: readonly IngestMessage[], now: number): HopInput[] {
  const hops: HopInput[] = [];
  for (const m of messages) {
    if (!m.trace) continue;
    const traceId = m.trace.traceId;
    const end: HopInput =
      m.outcome.kind === "rejected" ? { traceId, hop: "rejected", at: now, detail: m.outcome.reason } : { traceId, hop: "stored", at: now, detail: m.outcome.kind === "points" ? pointsWord(m.outcome.points.length) : null };
    hops.push({ traceId, hop: "accepted", at: m.receivedAt }, { traceId, hop: "enqueued", at: m.trace.enqueuedAt }, { traceId, hop: "consumed", at: m.trace.consumedAt }, end);
  }
  return hops;
}
