import type { LeaderboardWindow } from '../config/types.js';
import type { AcceptedEvent } from '../ingestion/envelope.js';
import type { Logger } from '../logging/logger.js';
import type { ApplyOutcome, LeaderboardStore } from './ports.js';
import type { SkipReason, UpdatePlanner } from './updates.js';

export type UpdateResult = ApplyOutcome | SkipReason;

/** Plain callbacks for metrics, so core stays free of prom-client. */
export interface WriterObserver {
  result(options: { readonly board: string; readonly window: LeaderboardWindow; readonly result: UpdateResult }): void;
}

export type WriteSummary = Readonly<Record<UpdateResult, number>>;

/**
 * Applies a batch of verified events to every matching board window: plans the updates, sends
 * them to the store in one go (the store pipelines one script per board key), and reports each
 * outcome. Safe to retry as a whole: whatever a failed attempt applied comes back `duplicate`.
 */
export class LeaderboardWriter {
  constructor(private readonly options: { readonly store: LeaderboardStore; readonly planner: UpdatePlanner; readonly logger: Logger; readonly observer: WriterObserver }) {}

  async apply(events: readonly AcceptedEvent[], nowMs: number): Promise<WriteSummary> {
    const { store, planner, logger, observer } = this.options;
    const summary: Record<UpdateResult, number> = { applied: 0, clamped: 0, duplicate: 0, closed: 0, invalid_value: 0, out_of_period: 0 };
    const { updates, skipped } = planner.plan(events, nowMs);
    const outcomes = updates.length === 0 ? [] : await store.apply({ updates, nowMs });
    if (outcomes.length !== updates.length) throw new Error(`leaderboard store returned ${outcomes.length} outcomes for ${updates.length} updates`);
    for (const [index, update] of updates.entries()) {
      const result = outcomes[index] ?? 'applied';
      summary[result] += 1;
      observer.result({ board: update.key.board, window: update.key.window, result });
      if (result === 'clamped') {
        logger.warn('leaderboard score clamped to the window maximum', { eventId: update.eventId, playerId: update.playerId, board: update.key.board, window: update.key.window, maxScore: update.maxScore });
      } else if (result === 'closed') {
        logger.info('event arrived after its period closed; not counted there', { eventId: update.eventId, playerId: update.playerId, board: update.key.board, window: update.key.window, period: update.key.period });
      }
    }
    const warned = new Set<string>();
    for (const skip of skipped) {
      summary[skip.reason] += 1;
      observer.result({ board: skip.board, window: skip.window, result: skip.reason });
      const once = `${skip.eventId}/${skip.board}/${skip.reason}`;
      if (warned.has(once)) continue;
      warned.add(once);
      logger.warn(skip.reason === 'invalid_value' ? 'event has no usable value for the board; skipped' : 'event falls in no open period of the board window (season ahead of SEASON_ID, or past retention); skipped', {
        eventId: skip.eventId,
        playerId: skip.playerId,
        board: skip.board,
        reason: skip.reason,
      });
    }
    return summary;
  }
}
