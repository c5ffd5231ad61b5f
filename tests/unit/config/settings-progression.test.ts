import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../src/core/config/settings.js';
import { problemsOf } from './problems.js';

describe('progression retention and bounds (issue #19 item 6)', () => {
  it('defaults: a 30-day ledger pruned hourly, 1000 item kinds per player and season', () => {
    const { progression } = parseSettings({});
    expect(progression).toMatchObject({ ledgerRetentionDays: 30, ledgerPruneCron: '0 40 * * * *', maxItemKinds: 1000 });
  });

  it('refuses a ledger shorter than 8 days, or shorter than EVENT_MAX_AGE_S plus a day', () => {
    expect(problemsOf({ LEDGER_RETENTION_DAYS: '7' })).toEqual(['LEDGER_RETENTION_DAYS: must be an integer from 8 to 3650']);
    expect(problemsOf({ LEDGER_RETENTION_DAYS: '8', EVENT_MAX_AGE_S: String(10 * 86_400) })).toEqual([
      'LEDGER_RETENTION_DAYS: must be at least EVENT_MAX_AGE_S plus one day (11 days here), or accepted events would be refused as too old',
    ]);
    expect(parseSettings({ LEDGER_RETENTION_DAYS: '11', EVENT_MAX_AGE_S: String(10 * 86_400) }).progression.ledgerRetentionDays).toBe(11);
  });

  it('checks the prune schedule like the snapshot one (six fields) and MAX_ITEM_KINDS as a positive integer', () => {
    expect(problemsOf({ LEDGER_PRUNE_CRON: '40 * * * *', MAX_ITEM_KINDS: '0' })).toHaveLength(2);
  });
});
