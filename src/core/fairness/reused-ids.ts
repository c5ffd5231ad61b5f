import type { JudgedEvent } from './judge-batch.js';
import type { RecordedVerdict } from './ports.js';

/**
 * Separates redeliveries from reused ids. An eventId already judged (or met earlier in the same
 * batch) with the same body is a redelivery and keeps its verdict; with another body it is a new
 * event wearing an old id, and reusing the old verdict would let it reach the game state unjudged
 * (issue #19 item 1). Verdicts recorded before digests existed have none and count as redeliveries.
 */
export function splitReused(
  events: readonly JudgedEvent[],
  recorded: ReadonlyMap<string, RecordedVerdict>,
): { readonly fresh: JudgedEvent[]; readonly reused: JudgedEvent[] } {
  const fresh: JudgedEvent[] = [];
  const reused: JudgedEvent[] = [];
  const firstInBatch = new Map<string, string>();
  for (const judged of events) {
    const { eventId } = judged.event;
    const known = recorded.get(eventId)?.bodyHash ?? firstInBatch.get(eventId);
    if (known !== undefined && known !== judged.bodyHash) {
      reused.push(judged);
      continue;
    }
    if (!firstInBatch.has(eventId)) firstInBatch.set(eventId, judged.bodyHash);
    fresh.push(judged);
  }
  return { fresh, reused };
}
