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


/**
 * The modified z-score of `x` against `history`. When MAD is 0 (more than half the values equal),
 * it falls back to the mean absolute deviation scaled to the same units (×1.2533, the ratio of
 * the two for normal data, as in IBM's and Iglewicz–Hoaglin's guidance). The spread is never taken
 * below `minSpread`: a player whose last 50 boss kills were all worth exactly 1500 has MAD 0, and
 * without a floor 1501 would be "infinitely" anomalous.
 */
export function modifiedZScore(x: number, history: readonly number[], minSpread: number): number {
  const center = median(history);
  const spread = mad(history, center);
  const z = (scale: number): number => (0.6745 * (x - center)) / scale;
  const floor = minSpread;
  if (spread > 0) return z(Math.max(spread, floor * 0.6745));
  // 0.6745 · (x − m) / (1.2533 · MeanAD), i.e. (x − m) / (1.2533 · MeanAD) in standard units.
  const meanAd = meanAbsoluteDeviation(history, center);
  return z(Math.max(1.2533 * 0.6745 * meanAd, floor * 0.6745));
}
