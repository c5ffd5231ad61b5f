import { describe, expect, it } from 'vitest';
import { postEvent, postEventBatch } from '../../../src/functions/gateway/events.js';
import { claimReward } from '../../../src/functions/progression/routes.js';
import { gatewayHarness, handlerOf, newEventBody, signedRequest } from '../../support/gateway.js';

// Issue #19 item 6: any season 1..1e6 created its own progress, inventory and board rows.
// SEASON_ID 7 here, so 6, 7 and 8 are accepted and nothing else.
const ENV = { SEASON_ID: '7' };

describe('season bound to SEASON_ID ± 1', () => {
  it('accepts the previous, current and next season on a single event and refuses the others with a 400 on `season`', async () => {
    const harness = gatewayHarness(ENV);
    const post = handlerOf(postEvent, harness.app);
    for (const season of [6, 7, 8]) expect((await post(signedRequest({ body: newEventBody({ season }) }))).status).toBe(202);
    for (const season of [1, 5, 9, 1_000_000]) {
      const res = await post(signedRequest({ body: newEventBody({ season }) }));
      expect(res.status).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'season', message: 'season must be from 6 to 8 (SEASON_ID 7 ± 1)' }]);
    }
    // Only the three accepted events reached the bus.
    expect(harness.sent).toHaveLength(3);
  });

  it('refuses an out-of-window season per event in a batch, naming its index', async () => {
    const harness = gatewayHarness(ENV);
    const res = await handlerOf(postEventBatch, harness.app)(signedRequest({ path: '/api/events/batch', body: { events: [newEventBody({ season: 7 }), newEventBody({ season: 900 })] } }));
    // A batch answers 202 with a result per event (docs/gateway.md).
    expect(res.status).toBe(202);
    const body = res.json() as { accepted: number; rejected: number; results: { status: string; problem?: { errors?: { path: string }[] } }[] };
    expect(body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(body.results[1]?.problem?.errors?.[0]?.path).toBe('events.1.season');
  });

  it('refuses a reward claim for a season outside the window before looking at the ledger', async () => {
    const { app } = gatewayHarness(ENV);
    const res = await handlerOf(claimReward, app)(signedRequest({ path: '/api/rewards/claim', body: { playerId: 'player_42', rewardId: 'level_5_chest', season: 3 } }));
    expect(res.status).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'season', message: 'season must be from 6 to 8 (SEASON_ID 7 ± 1)' }]);
  });

  it('keeps season 1 valid when SEASON_ID is 1 (there is no season 0)', async () => {
    const harness = gatewayHarness({ SEASON_ID: '1' });
    const post = handlerOf(postEvent, harness.app);
    expect((await post(signedRequest({ body: newEventBody({ season: 1 }) }))).status).toBe(202);
    expect((await post(signedRequest({ body: newEventBody({ season: 2 }) }))).status).toBe(202);
    expect((await post(signedRequest({ body: newEventBody({ season: 3 }) }))).json().errors).toEqual([{ path: 'season', message: 'season must be from 1 to 2 (SEASON_ID 1 ± 1)' }]);
  });
});
