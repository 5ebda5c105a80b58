/**
 * A time-series widget's data: history from `GET /telemetry` for the range, then live points from
 * the hub as they arrive, and after a reconnect the gap read back from the API (twice: at once,
 * and again when the pipeline has caught up), merged so that no point is missing or drawn twice
 * (live/merge.ts).
 *
 * Bucketed ranges get live points as they come (the newest data at full resolution); every bucket
 * the recent window is read again so the closed buckets show their aggregate.
 */
import { useEffect, useState } from "preact/hooks";
import { BUCKET_MS, type Aggregate, type Bucket } from "../../../domain/telemetry/query";
import { subscribeTelemetry, type Gap } from "../live";
import { dropBefore, insertPoints, replaceWindow, type TimedValue } from "../live/merge";
import { telemetryApi, type SeriesAnswer } from "./api";

type SeriesWanted = { deviceId: string; metric: string };
export type SeriesData = Record<string, TimedValue[]>;

export const seriesKey = (device: string, metric: string) => `${device}\u0000${metric}`;
/** How long after a reconnect the gap is read a second time (the pipeline's freshness is well under this). */
const SECOND_BACKFILL_MS = 3_000;

function numericPoints(points: { ts: number; value: unknown }[]): TimedValue[] {
  const out: TimedValue[] = [];
  for (const p of points) {
    if (typeof p.value === "number" && Number.isFinite(p.value)) out.push({ ts: p.ts, value: p.value });
    else if (typeof p.value === "boolean") out.push({ ts: p.ts, value: p.value ? 1 : 0 });
  }
  return out;
}

/** Each wanted series' points from one answer (which may also hold combinations nobody asked for). */
function pick(answer: SeriesAnswer, wanted: Set<string>): SeriesData {
  const out: SeriesData = {};
  for (const s of answer.series) {
    const key = seriesKey(s.device, s.metric);
    if (wanted.has(key)) out[key] = numericPoints(s.points);
  }
  return out;
}

type Options = { series: SeriesWanted[]; range: () => { from: number; to: number }; rangeKey: string; bucket: Bucket; agg: Aggregate; live: boolean };

export function useSeries({ series, range, rangeKey, bucket, agg, live }: Options): { data: SeriesData; loading: boolean; error: Error | null } {
  const [data, setData] = useState<SeriesData>({});
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const wantedKey = series.map((s) => seriesKey(s.deviceId, s.metric)).join("\u0001");

  useEffect(() => {
    if (series.length === 0) {
      setData({});
      setLoading(false);
      return;
    }
    let active = true;
    const wanted = new Set(series.map((s) => seriesKey(s.deviceId, s.metric)));
    const devices = [...new Set(series.map((s) => s.deviceId))];
    const metrics = [...new Set(series.map((s) => s.metric))];
    const initial = range();
    const rangeMs = initial.to - initial.from;

    /** Reads [from, to) and makes it the truth for that window in every series. */
    const fill = async (from: number, to: number) => {
      if (!(from < to)) return;
      const answer = await telemetryApi.series({ devices, metrics, from, to, bucket, agg });
      if (!active) return;
      const fetched = pick(answer, wanted);
      setData((prev) => {
        const next: SeriesData = { ...prev };
        for (const key of wanted) next[key] = replaceWindow(prev[key] ?? [], fetched[key] ?? [], from, to);
        return next;
      });
    };

    setData({});
    setLoading(true);
    setError(null);
    fill(initial.from, initial.to).then(
      () => active && setLoading(false),
      (err: Error) => active && (setError(err), setLoading(false)),
    );
    if (!live) return () => void (active = false);

    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (ms: number, run: () => void) => {
      const t = setTimeout(() => (timers.delete(t), run()), ms);
      timers.add(t);
    };
    const backfill = (gap: Gap) => {
      const from = Math.max(gap.from, range().from);
      void fill(from, gap.to).catch(() => undefined);
      later(SECOND_BACKFILL_MS, () => void fill(from, Date.now()).catch(() => undefined));
    };
    const stop = subscribeTelemetry(
      { deviceIds: devices },
      (points) => {
        const byKey = new Map<string, TimedValue[]>();
        for (const p of points) {
          const key = seriesKey(p.device, p.metric);
          if (!wanted.has(key)) continue;
          byKey.set(key, [...(byKey.get(key) ?? []), { ts: p.ts, value: p.value }]);
        }
        if (byKey.size === 0) return;
        // Points that left the range are dropped in chunks, not one by one: a series that only
        // grows at its end lets the chart append instead of aligning everything again.
        const keepFrom = Date.now() - rangeMs;
        setData((prev) => {
          const next: SeriesData = { ...prev };
          for (const [key, pts] of byKey) {
            const grown = insertPoints(prev[key] ?? [], pts);
            next[key] = grown.length > 0 && grown[0]!.ts < keepFrom - rangeMs / 10 ? dropBefore(grown, keepFrom) : grown;
          }
          return next;
        });
      },
      backfill,
    );
    // Closed buckets get their aggregate instead of the raw points shown while they were open.
    const refresh = bucket === "raw" ? null : setInterval(() => void fill(Date.now() - 2 * BUCKET_MS[bucket], Date.now()).catch(() => undefined), Math.min(Math.max(BUCKET_MS[bucket], 60_000), 600_000));
    return () => {
      active = false;
      stop();
      for (const t of timers) clearTimeout(t);
      if (refresh) clearInterval(refresh);
    };
  }, [wantedKey, rangeKey, bucket, agg, live]);

  return { data, loading, error };
}
