import { randomUUID } from 'node:crypto';
import { InvocationContext, type Timer } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/app-context.js';
import type { AcceptedEvent } from '../../../src/core/ingestion/envelope.js';
import { ledgerCutoffMs, pruneLedger, staleEventCutoffMs } from '../../../src/core/progression/ledger-retention.js';
import { ledgerPruneTimer } from '../../../src/functions/progression/ledger-prune.js';
import { progression } from '../../../src/functions/progression/progression.js';
import { gatewayHarness } from '../../support/gateway.js';

const DAY_MS = 86_400_000;
/** 2026-12-06T12:00:00Z, a Sunday. */
const NOW = Date.UTC(2026, 11, 6, 12);

function xp(options: { readonly playerId: string; readonly deltaXp: number; readonly ts: number }): AcceptedEvent {
  return { eventId: randomUUID(), type: 'progression', playerId: options.playerId, ts: options.ts, season: 1, payload: { deltaXp: options.deltaXp, activity: 'quest' } };
}

async function deliver(app: AppContext, events: readonly AcceptedEvent[]): Promise<void> {
  await progression.handler(app)(events, new InvocationContext({
    triggerMetadata: {
      messageIdArray: events.map((e) => e.eventId),
      sessionIdArray: events.map((e) => e.playerId),
      deliveryCountArray: events.map(() => 1),
      enqueuedTimeUtcArray: events.map(() => new Date(NOW).toISOString()),
      applicationPropertiesArray: events.map(() => ({})),
    },
  }));
}

const timer: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };

describe('ledger retention (issue #19 item 6)', () => {
  it('cuts off at retention; refuses events whose ts is within the future skew and an hour of the cutoff', () => {
    // 30 days before 2026-12-06T12:00Z is 2026-11-06T12:00Z.
    expect(new Date(ledgerCutoffMs({ nowMs: NOW, retentionDays: 30 })).toISOString()).toBe('2026-11-06T12:00:00.000Z');
    // + 5 min (an event may carry a ts 300 s ahead of its processing) + 1 h for clocks.
    expect(new Date(staleEventCutoffMs({ nowMs: NOW, retentionDays: 30 })).toISOString()).toBe('2026-11-06T13:05:00.000Z');
  });

  it('prunes batch by batch until a short batch, and stops at its budget with rows left', async () => {
    const calls: number[] = [];
    const repository = { pruneLedger: ({ limit }: { processedBeforeMs: number; limit: number }) => { calls.push(limit); return Promise.resolve(calls.length < 3 ? limit : 7); } };
    expect(await pruneLedger({ repository, nowMs: NOW, retentionDays: 30, maxBatches: 10, batchRows: 100 })).toEqual({ deleted: 207, complete: true, cutoffMs: NOW - 30 * DAY_MS });
    calls.length = 0;
    expect(await pruneLedger({ repository, nowMs: NOW, retentionDays: 30, maxBatches: 2, batchRows: 100 })).toMatchObject({ deleted: 200, complete: false });
  });

  it('the consumer dead-letters an event older than the ledger remembers and applies the rest of its batch', async () => {
    const { app } = gatewayHarness({ LEDGER_RETENTION_DAYS: '10' }, () => NOW);
    const ancient = xp({ playerId: 'hero_l1', deltaXp: 500, ts: NOW - 10 * DAY_MS });
    const fresh = xp({ playerId: 'hero_l1', deltaXp: 70, ts: NOW - 9 * DAY_MS });
    await expect(deliver(app, [ancient, fresh])).rejects.toMatchObject({ name: 'PoisonMessageError', reason: 'BeyondLedgerRetention', messageIds: [ancient.eventId], othersHandled: true });
    expect((await app.progression.progress({ playerId: 'hero_l1', season: 1 }))?.xp).toBe(70);
  });

  it('the ledgerPrune timer deletes rows past retention, so their eventIds are forgotten, and counts them', async () => {
    let nowMs = NOW;
    const { app } = gatewayHarness({ LEDGER_RETENTION_DAYS: '10' }, () => nowMs);
    const event = xp({ playerId: 'hero_l2', deltaXp: 40, ts: NOW });
    await deliver(app, [event]);
    const prune = ledgerPruneTimer.handler(app);
    await prune(timer, new InvocationContext({ functionName: 'ledgerPrune' }));
    // Nine days on, the row is kept: the same event is still a duplicate.
    nowMs = NOW + 9 * DAY_MS;
    await prune(timer, new InvocationContext({ functionName: 'ledgerPrune' }));
    await deliver(app, [event]);
    expect((await app.progression.progress({ playerId: 'hero_l2', season: 1 }))?.xp).toBe(40);
    expect(await app.metrics.getSingleMetricAsString('liveops_progression_ledger_pruned_total')).toMatch(/ 0$/m);
    // Eleven days on, it is gone; and the consumer refuses the event instead of counting it again.
    nowMs = NOW + 11 * DAY_MS;
    await prune(timer, new InvocationContext({ functionName: 'ledgerPrune' }));
    expect(await app.metrics.getSingleMetricAsString('liveops_progression_ledger_pruned_total')).toMatch(/ 1$/m);
    await expect(deliver(app, [event])).rejects.toMatchObject({ reason: 'BeyondLedgerRetention' });
    expect((await app.progression.progress({ playerId: 'hero_l2', season: 1 }))?.xp).toBe(40);
  });

  it('MAX_ITEM_KINDS: the consumer stores drops of new items up to the bound, and counts and logs the rest', async () => {
    const { app } = gatewayHarness({ MAX_ITEM_KINDS: '2' }, () => NOW);
    const drop = (dropId: string): AcceptedEvent => ({ eventId: randomUUID(), type: 'drop_claimed', playerId: 'hero_l3', ts: NOW, season: 1, payload: { dropId, weight: 0.1, source: 'chest' } });
    await deliver(app, [drop('drop_1'), drop('drop_2'), drop('made_up_1'), drop('made_up_2'), drop('drop_1')]);
    // Which ones are kept is the repositories' contract (tests/contract/progression.contract.ts).
    expect(await app.metrics.getSingleMetricAsString('liveops_progression_items_refused_total')).toMatch(/ 2$/m);
  });

  it('is listed in the catalogue with its cron setting', async () => {
    const { functions } = await import('../../../src/functions/catalog.js');
    expect(functions).toContain(ledgerPruneTimer);
    expect(ledgerPruneTimer.options.schedule).toBe('%LEDGER_PRUNE_CRON%');
  });
});
