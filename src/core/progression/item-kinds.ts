import type { ProgressDelta } from './deltas.js';

/** What a player-season already holds, as far as the cap needs to know. */
export interface HeldItems {
  /** Distinct items held now. */
  readonly kinds: number;
  /** Which of the delta's items are already held (they never count against the cap). */
  readonly has: (item: string) => boolean;
}

/**
 * MAX_ITEM_KINDS (issue #19 item 6): every new `dropId` was a new inventory row, so a stream of
 * made-up ids grew MySQL without bound. Items already held always add up; new ones are kept, in
 * the batch's order, until the player-season holds `maxKinds`; the rest are refused (returned as
 * a count of refused drops, for the metric and the log). Pure, shared by both repositories.
 */
export function capItemKinds(options: {
  readonly delta: ProgressDelta;
  readonly held: HeldItems;
  readonly maxKinds: number;
}): { readonly delta: ProgressDelta; readonly refused: number } {
  const { delta, held, maxKinds } = options;
  let kinds = held.kinds;
  let refused = 0;
  const items = new Map<string, number>();
  for (const [item, qty] of delta.items) {
    if (held.has(item)) {
      items.set(item, qty);
    } else if (kinds < maxKinds) {
      kinds += 1;
      items.set(item, qty);
    } else {
      refused += qty;
    }
  }
  return refused === 0 ? { delta, refused } : { delta: { ...delta, items }, refused };
}
