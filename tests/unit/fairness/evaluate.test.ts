import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../src/core/config/settings.js';
import { evaluate } from '../../../src/tools/fairness/evaluate.js';
import { buildPopulation } from '../../../src/tools/simulation/model.js';

describe('fairness evaluation (npm run fairness:eval)', () => {
  it('runs a labelled simulation through the real gate and counts per label', async () => {
    const population = buildPopulation({ players: 120, durationS: 240, rate: 60, seed: 3, cheaterShare: 0.1, startMs: Date.UTC(2026, 10, 25, 8) });
    const result = await evaluate({ population, settings: parseSettings({}) });
    const { spike, flood, honest } = result.byLabel;
    expect(spike.players + flood.players + honest.players + result.byLabel.ramp.players + result.byLabel.newbie.players).toBe(120);
    expect(result.events).toBe(Object.values(result.byLabel).reduce((sum, s) => sum + s.events, 0));
    // Floods are dropped by a hard rule, so every flooder is caught; spikes are caught once their
    // history is long enough.
    expect(flood.detected).toBe(flood.players);
    expect(flood.droppedEvents).toBeGreaterThan(0);
    expect(spike.cheatEventsCaught).toBeGreaterThan(0);
    expect(honest.detected).toBeLessThanOrEqual(1);
  });
});
