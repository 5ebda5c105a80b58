/**
 * Pure helpers behind TimeSeriesChart: uPlot draws columns that share one x array, while each
 * series arrives with its own timestamps, so the series are merged onto the union of their
 * timestamps (a missing reading is `null`, bridged by the line). Kept apart from the component so
 * the merging can be measured and tested without a browser.
 */
type ChartPoint = { ts: number; value: number };
export type ChartSeries = { label: string; unit?: string; points: ChartPoint[] };
export type AlignedColumns = [number[], ...(number | null)[][]];

const sortedByTs = (points: ChartPoint[]): ChartPoint[] => {
  for (let i = 1; i < points.length; i++) if (points[i]!.ts < points[i - 1]!.ts) return [...points].sort((a, b) => a.ts - b.ts);
  return points;
};

function sameTimestamps(a: ChartPoint[], b: ChartPoint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.ts !== b[i]!.ts) return false;
  return true;
}

/** The series as uPlot's aligned columns: `[xs, ys₁, ys₂, …]`. Linear in the points (plus a sort of the union when timestamps differ). */
export function alignSeries(series: ChartSeries[]): AlignedColumns {
  const sorted = series.map((s) => sortedByTs(s.points));
  const first = sorted[0] ?? [];
  // Bucketed queries give every series the same buckets: no merge needed.
  if (sorted.every((p) => sameTimestamps(p, first))) {
    return [first.map((p) => p.ts), ...sorted.map((points) => points.map((p) => (Number.isFinite(p.value) ? p.value : null)))];
  }
  const all = new Float64Array(sorted.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const points of sorted) for (const p of points) all[k++] = p.ts;
  all.sort();
  const xs: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) xs.push(all[i]!);
  const columns = sorted.map((points) => {
    const ys = new Array<number | null>(xs.length).fill(null);
    let j = 0;
    for (const p of points) {
      while (xs[j]! < p.ts) j++;
      ys[j] = Number.isFinite(p.value) ? p.value : null;
    }
    return ys;
  });
  return [xs, ...columns];
}

/**
 * The live case, without re-merging everything: when every series in `next` is its `previous`
 * self with points added after the last instant already aligned, those points are appended to
 * `columns` in place (rows of one instant merged) and `true` is returned. Anything else (points
 * inserted earlier, points dropped, another set of series) returns `false`: align from scratch.
 */
export function appendAligned(columns: AlignedColumns, previous: ChartSeries[], next: ChartSeries[]): boolean {
  if (previous.length !== next.length) return false;
  const xs = columns[0];
  const lastX = xs.length ? xs[xs.length - 1]! : -Infinity;
  const added: { ts: number; series: number; value: number }[] = [];
  for (let i = 0; i < next.length; i++) {
    const before = previous[i]!.points;
    const after = next[i]!.points;
    if (after.length < before.length || (before.length > 0 && after[before.length - 1] !== before[before.length - 1])) return false;
    for (let j = before.length; j < after.length; j++) {
      const p = after[j]!;
      if (!(p.ts > lastX)) return false;
      added.push({ ts: p.ts, series: i, value: p.value });
    }
  }
  added.sort((a, b) => a.ts - b.ts);
  for (const p of added) {
    if (xs[xs.length - 1] !== p.ts) {
      xs.push(p.ts);
      for (let c = 1; c < columns.length; c++) (columns[c] as (number | null)[]).push(null);
    }
    columns[p.series + 1]![xs.length - 1] = Number.isFinite(p.value) ? p.value : null;
  }
  return true;
}

export type SeriesSummary = { label: string; unit?: string; count: number; min: number | null; max: number | null; latest: ChartPoint | null };

/** What the chart shows, in words: for the table read by screen readers (and by tests). */
export function summarize(series: ChartSeries[], from: number, to: number): SeriesSummary[] {
  return series.map((s) => {
    let count = 0;
    let min = Infinity;
    let max = -Infinity;
    let latest: ChartPoint | null = null;
    for (const p of s.points) {
      if (p.ts < from || p.ts >= to || !Number.isFinite(p.value)) continue;
      count++;
      if (p.value < min) min = p.value;
      if (p.value > max) max = p.value;
      if (!latest || p.ts >= latest.ts) latest = p;
    }
    return { label: s.label, ...(s.unit ? { unit: s.unit } : {}), count, min: count ? min : null, max: count ? max : null, latest };
  });
}
