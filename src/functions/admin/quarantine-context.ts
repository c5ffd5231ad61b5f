import { z } from 'zod';
import { problems } from '../../core/errors/errors.js';
import { historyKey } from '../../core/fairness/verdict.js';
import { httpFunction, json } from '../http/http-function.js';
import { adminRoute } from './admin-route.js';

/**
 * `GET /api/admin/quarantine/{eventId}/context`: a quarantined event next to what it was judged
 * against, the player's recent values of the same kind (issue #18: a reviewer sees why it was
 * flagged). Read from the fairness store as the next verdict would read it; the flagged value
 * itself never entered the history.
 */
export const adminQuarantineContext = httpFunction({
  name: 'adminQuarantineContext',
  route: 'admin/quarantine/{eventId}/context',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: {
    summary: "A quarantined event with the player's recent values it was compared with",
    tags: ['admin'],
    auth: 'admin',
    responses: { 200: { description: '`{event, verdict, historyKey, history:[values, oldest first]}`' }, 404: { description: 'No such quarantined event' }, 400: { description: 'eventId is not a UUID' }, 503: { description: 'Redis or Table Storage is down' } },
  },
  build: adminRoute({
    handle: async ({ app, request }) => {
      const eventId = request.params.eventId ?? '';
      if (!z.uuid().safeParse(eventId).success) throw problems.validation([{ path: 'eventId', message: 'eventId must be a UUID' }]);
      const item = await app.fairness.audit.findQuarantined(eventId);
      if (item === undefined) throw problems.notFound(`No quarantined event ${eventId}`);
      const key = historyKey(item.event);
      const state = await app.fairness.store.load({ playerId: item.event.playerId, eventIds: [], types: [key], nowMs: app.now() });
      return json(200, { event: item.event, verdict: item.verdict, historyKey: key, history: state.histories[key] ?? [] });
    },
  }),
});
