import type { ProgressionSettings } from '../config/types.js';

export interface LevelInfo {
  readonly level: number;
  readonly xpIntoLevel: number;
  /** XP the current level takes in total (its span), so `xpIntoLevel / xpForNextLevel` is progress. */
  readonly xpForNextLevel: number;
}

/**
 * The level for a total XP. Level 1 starts at 0 XP. With LEVEL_THRESHOLDS, level n+1 starts at
 * thresholds[n-1]; past the last threshold every level takes XP_PER_LEVEL. Without thresholds it
 * is the prototype's curve: XP_PER_LEVEL per level.
 */
export function levelFor(xp: number, curve: Pick<ProgressionSettings, 'xpPerLevel' | 'levelThresholds'>): LevelInfo {
  const starts = [0, ...(curve.levelThresholds ?? [])];
  let index = 0;
  while (index + 1 < starts.length && xp >= (starts[index + 1] ?? Infinity)) index += 1;
  const lastStart = starts[index] ?? 0;
  const nextStart = starts[index + 1];
  if (nextStart !== undefined) return { level: index + 1, xpIntoLevel: xp - lastStart, xpForNextLevel: nextStart - lastStart };
  // Beyond the table (or with no table): fixed-size levels from the last start.
  const extra = Math.floor((xp - lastStart) / curve.xpPerLevel);
  return { level: index + 1 + extra, xpIntoLevel: xp - lastStart - extra * curve.xpPerLevel, xpForNextLevel: curve.xpPerLevel };
}
