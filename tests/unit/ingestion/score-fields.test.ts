import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYLOAD_MAX } from '../../../src/core/config/settings-payload.js';
import { EVENT_TYPES, payloadSchemas, scoreFieldBounds } from '../../../src/core/ingestion/envelope.js';

/** A valid payload of each type, to vary one field at a time. */
const VALID: Record<(typeof EVENT_TYPES)[number], Record<string, unknown>> = {
  progression: { deltaXp: 10, activity: 'quest' },
  boss_kill: { bossId: 'dragon', tier: 3, points: 100 },
  drop_claimed: { dropId: 'gem', weight: 0.5, source: 'chest' },
  match_end: { matchId: 'm1', score: 10, durationMs: 1000 },
};

describe('scoreFieldBounds (the fields a leaderboard may rank by)', () => {
  const schemas = payloadSchemas({ payloadMax: DEFAULT_PAYLOAD_MAX });
  const bounds = scoreFieldBounds(DEFAULT_PAYLOAD_MAX);

  it.each(EVENT_TYPES)('%s: each listed field takes integers up to its bound and no further', (type) => {
    const schema = schemas[type];
    for (const [field, bound] of Object.entries(bounds[type])) {
      expect(schema.safeParse({ ...VALID[type], [field]: bound }).success).toBe(true);
      expect(schema.safeParse({ ...VALID[type], [field]: bound + 1 }).success).toBe(false);
      expect(schema.safeParse({ ...VALID[type], [field]: 1.5 }).success).toBe(false);
    }
  });

  it.each(EVENT_TYPES)('%s: every other field refuses an integer score, so none is missing from the list', (type) => {
    const listed = Object.keys(bounds[type]);
    const others = Object.keys(schemas[type].shape).filter((field) => !listed.includes(field));
    for (const field of others) expect(schemas[type].safeParse({ ...VALID[type], [field]: 2 }).success).toBe(false);
    expect(schemas[type].safeParse(VALID[type]).success).toBe(true);
  });

  it('follows PAYLOAD_MAX', () => {
    expect(scoreFieldBounds({ ...DEFAULT_PAYLOAD_MAX, 'boss_kill.points': 5 }).boss_kill.points).toBe(5);
  });
});
