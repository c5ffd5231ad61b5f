import { z } from 'zod';
import { ClientError, problems } from '../../core/errors/errors.js';
import type { QuarantinedEvent } from '../../core/fairness/audit.js';
import { httpFunction, json } from '../http/http-function.js';
import { adminRoute } from './admin-route.js';

const keepBody = z.strictObject({ reason: z.string().min(1).max(500) });

/** 409 for a second decision on a quarantined event, saying which one stands. */
export function alreadyDecided(item: QuarantinedEvent | undefined, eventId: string): ClientError {
  if (item?.kept !== undefined) return new ClientError({ type: 'already-decided', title: 'Conflict', status: 409, detail: `Event ${eventId} was kept by ${item.kept.by}: ${item.kept.reason}` });
  return new ClientError({ type: 'already-released', title: 'Conflict', status: 409, detail: `Event ${eventId} was already released` });
}

/**
 * `POST /api/admin/quarantine/{eventId}/keep` `{reason}`: a reviewer confirms the flag; the event
 * stays out of the game for good and can no longer be released (one decision per event, audited).
 */
export const adminKeepQuarantined = httpFunction({
  name: 'adminKeepQuarantined',
  route: 'admin/quarantine/{eventId}/keep',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: {
    summary: 'Keep a quarantined event out for good (exactly once, audited)',
    tags: ['admin'],
    auth: 'admin',
    requestBody: () => keepBody,
    responses: { 200: { description: '`{eventId, kept: true}`' }, 404: { description: 'No such quarantined event' }, 409: { description: 'Already released or kept' }, 400: { description: 'eventId is not a UUID, or no reason' }, 503: { description: 'Table Storage is down' } },
  },
  build: adminRoute({
    body: keepBody,
    handle: async ({ app, request, body, by }) => {
      const eventId = request.params.eventId ?? '';
      if (!z.uuid().safeParse(eventId).success) throw problems.validation([{ path: 'eventId', message: 'eventId must be a UUID' }]);
      const atMs = app.now();
      const result = await app.fairness.audit.markKept({ eventId, atMs, by, reason: body.reason });
      if (result.outcome === 'missing' || result.item === undefined) throw problems.notFound(`No quarantined event ${eventId}`);
      if (result.outcome === 'already') throw alreadyDecided(result.item, eventId);
      await app.fairness.audit.record({ kind: 'keep', playerId: result.item.event.playerId, eventId, atMs, by, reason: body.reason });
      return json(200, { eventId, kept: true });
    },
  }),
});
