import type { AcceptedEvent } from '../ingestion/envelope.js';
import { MAX_FUTURE_SKEW_MS } from '../ingestion/envelope.js';
import { PoisonMessageError } from '../messaging/poison.js';
import type { ProgressRepository } from './ports.js';

const DAY_MS = 86_400_000;
/** Clock differences between the replica that applied an event and the one that prunes. */
const CLOCK_MARGIN_MS = 3_600_000;
/** Rows per DELETE: small enough to hold row locks for milliseconds, not seconds. */
export const PRUNE_BATCH_ROWS = 5_000;

/** Ledger rows processed before this are deleted by the prune. */
export function ledgerCutoffMs(options: { readonly nowMs: number; readonly retentionDays: number }): number {
  return options.nowMs - options.retentionDays * DAY_MS;
}

/**
 * Events with `ts` at or before this are refused by the consumer: their ledger row may be gone,
 * so applying them could count them twice (a dead letter replayed weeks later). Why the bound
 * holds: an event was applied at P ≥ ts − MAX_FUTURE_SKEW_MS (the gateway refuses a later `ts`),
 * and its row lives until P + retention; so any `ts` after this cutoff still has its row.
 */
export function staleEventCutoffMs(options: { readonly nowMs: number; readonly retentionDays: number }): number {
  return ledgerCutoffMs(options) + MAX_FUTURE_SKEW_MS + CLOCK_MARGIN_MS;
}

/** Splits a batch into the events the ledger can still judge and those it cannot. */
export function splitByLedgerReach(options: { readonly events: readonly AcceptedEvent[]; readonly nowMs: number; readonly retentionDays: number }): {
  readonly events: readonly AcceptedEvent[];
  readonly beyond: readonly AcceptedEvent[];
} {
  const cutoff = staleEventCutoffMs(options);
  const events: AcceptedEvent[] = [];
  const beyond: AcceptedEvent[] = [];
  for (const event of options.events) (event.ts > cutoff ? events : beyond).push(event);
  return { events, beyond };
}

/** The poison error for events beyond the ledger's reach (after the rest of the batch was applied). */
export function beyondLedgerError(beyond: readonly AcceptedEvent[], retentionDays: number): PoisonMessageError | undefined {
  if (beyond.length === 0) return undefined;
  return new PoisonMessageError({
    messageIds: beyond.map((e) => e.eventId),
    reason: 'BeyondLedgerRetention',
    description: `older than LEDGER_RETENTION_DAYS (${retentionDays}): the ledger may have forgotten them, so they are not applied: ${beyond.map((e) => e.eventId).join(', ')}`.slice(0, 1000),
    othersHandled: true,
  });
}

export interface PruneReport {
  readonly deleted: number;
  /** False when the run stopped at its batch budget with old rows left (the next run goes on). */
  readonly complete: boolean;
  readonly cutoffMs: number;
}

/** Deletes ledger rows past their retention, batch by batch, at most `maxBatches` per run. */
export async function pruneLedger(options: {
  readonly repository: Pick<ProgressRepository, 'pruneLedger'>;
  readonly nowMs: number;
  readonly retentionDays: number;
  readonly maxBatches: number;
  readonly batchRows?: number;
}): Promise<PruneReport> {
  const limit = options.batchRows ?? PRUNE_BATCH_ROWS;
  const cutoffMs = ledgerCutoffMs(options);
  let deleted = 0;
  for (let batch = 0; batch < options.maxBatches; batch += 1) {
    const n = await options.repository.pruneLedger({ processedBeforeMs: cutoffMs, limit });
    deleted += n;
    if (n < limit) return { deleted, complete: true, cutoffMs };
  }
  return { deleted, complete: false, cutoffMs };
}
