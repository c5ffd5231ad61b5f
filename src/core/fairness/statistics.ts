/**
 * Robust statistics for the anomaly rule (DESIGN §7): the modified z-score of Iglewicz and
 * Hoaglin, 0.6745 · (x − median) / MAD, which one outlier in the history cannot drag the way it
 * drags a mean and standard deviation.
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[], center: number = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}

function meanAbsoluteDeviation(values: readonly number[], center: number): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((sum, v) => sum + Math.abs(v - center), 0) / values.length;
}


/** Where a sample is centred and how far its values spread, in the units of the modified z-score. */
export interface RobustSpread {
  readonly center: number;
  /** MAD, or its mean-absolute-deviation fallback, never below the floor. */
  readonly scale: number;
}

/**
 * Centre and spread of `values` for the modified z-score. When MAD is 0 (more than half the values
 * equal), it falls back to the mean absolute deviation scaled to the same units (×1.2533, the ratio
 * of the two for normal data, as in IBM's and Iglewicz–Hoaglin's guidance). The spread is never
 * taken below `minSpread`: a player whose last 50 boss kills were all worth exactly 1500 has MAD 0,
 * and without a floor 1501 would be "infinitely" anomalous. Computed once per sample, so a batch
 * judged against one population sample sorts it once.
 */
export function robustSpread(values: readonly number[], minSpread: number): RobustSpread {
  const center = median(values);
  const spread = mad(values, center);
  const floor = minSpread * 0.6745;
  if (spread > 0) return { center, scale: Math.max(spread, floor) };
  return { center, scale: Math.max(1.2533 * 0.6745 * meanAbsoluteDeviation(values, center), floor) };
}

/** 0.6745 · (x − median) / MAD. */
export function modifiedZ(x: number, spread: RobustSpread): number {
  return (0.6745 * (x - spread.center)) / spread.scale;
}

/** The modified z-score of `x` against `history` (see robustSpread). */
export function modifiedZScore(x: number, history: readonly number[], minSpread: number): number {
  return modifiedZ(x, robustSpread(history, minSpread));
}
