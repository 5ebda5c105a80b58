/**
 * Retention, run from the store's alarm. Raw points and minute rollups live for the plan's
 * hot-store retention, hourly rollups for about 13 months (long charts stay cheap), the message
 * ledger as long as the raw points (a redelivery or re-drive inside that window is still
 * recognised; the API refuses re-driving older dead letters). Work is bounded per run; the
 * caller re-arms the alarm soon when a run stopped early.
 */
const DAY_MS = 86_400_000;
const HOURLY_ROLLUP_RETENTION_DAYS = 400;
const SERIES_PER_RUN = 500;
const LEDGER_ROWS_PER_RUN = 20_000;

export type PruneOutcome = { done: boolean; series: number };

export function prune(sql: SqlStorage, retentionDays: number, now: number, resumeAfter: { device: string; metric: string } | null): PruneOutcome & { resumeAfter: { device: string; metric: string } | null } {
  const rawCutoff = now - retentionDays * DAY_MS;
  const hourlyCutoff = now - Math.max(retentionDays, HOURLY_ROLLUP_RETENTION_DAYS) * DAY_MS;

  // Series come from `latest`, one row per series, so every delete below uses a primary key or
  // the (device, metric, ts) index instead of scanning all points.
  const series = resumeAfter
    ? sql.exec<{ device: string; metric: string }>("SELECT device, metric FROM latest WHERE (device, metric) > (?, ?) ORDER BY device, metric LIMIT ?", resumeAfter.device, resumeAfter.metric, SERIES_PER_RUN).toArray()
    : sql.exec<{ device: string; metric: string }>("SELECT device, metric FROM latest ORDER BY device, metric LIMIT ?", SERIES_PER_RUN).toArray();
  for (const s of series) {
    sql.exec("DELETE FROM points WHERE device = ? AND metric = ? AND ts < ?", s.device, s.metric, rawCutoff);
    sql.exec("DELETE FROM rollup_1m WHERE device = ? AND metric = ? AND bucket < ?", s.device, s.metric, rawCutoff);
    sql.exec("DELETE FROM rollup_1h WHERE device = ? AND metric = ? AND bucket < ?", s.device, s.metric, hourlyCutoff);
  }
  // A series silent for longer than the hourly retention has nothing left to show.
  sql.exec("DELETE FROM latest WHERE ts < ?", hourlyCutoff);
  sql.exec("DELETE FROM ledger WHERE rowid IN (SELECT rowid FROM ledger WHERE received_at < ? LIMIT ?)", rawCutoff, LEDGER_ROWS_PER_RUN);
  const ledgerLeft = sql.exec("SELECT 1 FROM ledger WHERE received_at < ? LIMIT 1", rawCutoff).toArray().length > 0;

  const more = series.length === SERIES_PER_RUN;
  const last = series[series.length - 1];
  return { done: !more && !ledgerLeft, series: series.length, resumeAfter: more && last ? last : null };
}
