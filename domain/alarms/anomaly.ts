/**
 * Streaming anomaly score: an exponentially weighted mean and variance per device and metric,
 * updated in O(1) per reading (no training window to keep). Until the series has seen `warmup`
 * readings nothing is judged. Early on the weight of a reading is at least 1/n, so the first
 * readings give the plain running mean and variance instead of an estimate dragged towards 0.
 */
export type EwmaStats = { n: number; mean: number; variance: number };

export const EMPTY_STATS: EwmaStats = { n: 0, mean: 0, variance: 0 };

export function learn(s: EwmaStats, x: number, alpha: number): EwmaStats {
  const n = s.n + 1;
  if (s.n === 0) return { n, mean: x, variance: 0 };
  const weight = Math.max(alpha, 1 / n);
  const diff = x - s.mean;
  const step = weight * diff;
  return { n, mean: s.mean + step, variance: (1 - weight) * (s.variance + diff * step) };
}

/** How many deviations `x` lies from the mean the series had before it; a flat series makes any change infinitely far. */
export function zScore(s: EwmaStats, x: number): number {
  const deviation = Math.sqrt(s.variance);
  if (deviation === 0) return x === s.mean ? 0 : Infinity;
  return (x - s.mean) / deviation;
}
