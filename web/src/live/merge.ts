/**
 * Keeping one series whole across live points and history loads: points are kept ascending by
 * time, at most one per timestamp (a series is one device's one metric, so device + metric + ts
 * is the point's identity). Pure, so the rules are tested without a browser.
 *
 * - Live points are inserted, skipping timestamps already present: a message delivered twice, or
 *   a point that both the history load and the live feed saw, is drawn once.
 * - A backfill replaces the window it covers: inside [from, to) the stored points are the truth
 *   (they include what arrived while the connection was down, and drop anything the pipeline
 *   rejected after the browser showed it), outside it nothing changes.
 */
export type TimedValue = { ts: number; value: number };

const byTs = (a: TimedValue, b: TimedValue) => a.ts - b.ts;

/** `list` with `incoming` added (timestamps already present are skipped). Returns `list` itself when nothing is new. */
export function insertPoints(list: TimedValue[], incoming: TimedValue[]): TimedValue[] {
  if (incoming.length === 0) return list;
  const last = list[list.length - 1];
  const sorted = [...incoming].sort(byTs);
  // The usual case: everything is newer than what is there.
  if (!last || sorted[0]!.ts > last.ts) {
    const out = list.slice();
    for (const p of sorted) if (out.length === list.length || out[out.length - 1]!.ts !== p.ts) out.push(p);
    return out;
  }
  const seen = new Set(list.map((p) => p.ts));
  const fresh = sorted.filter((p) => !seen.has(p.ts) && (seen.add(p.ts), true));
  if (fresh.length === 0) return list;
  return [...list, ...fresh].sort(byTs);
}

/** `list` with the window [from, to) replaced by `fetched` (itself deduplicated by timestamp). */
export function replaceWindow(list: TimedValue[], fetched: TimedValue[], from: number, to: number): TimedValue[] {
  const outside = list.filter((p) => p.ts < from || p.ts >= to);
  const inside = fetched.filter((p) => p.ts >= from && p.ts < to);
  return insertPoints(outside, inside);
}

/** Points at or after `from` (what a moving time range still shows). */
export function dropBefore(list: TimedValue[], from: number): TimedValue[] {
  if (list.length === 0 || list[0]!.ts >= from) return list;
  const i = list.findIndex((p) => p.ts >= from);
  return i < 0 ? [] : list.slice(i);
}
