import { z } from 'zod';
import { DependencyUnavailableError, problems } from '../../core/errors/errors.js';
import { KEY_PATTERNS } from '../../core/fairness/audit-keys.js';
import { toVerifiedMessage } from '../../core/fairness/gate.js';
import { decodeCursor, encodeCursor } from '../../core/fairness/page-cursor.js';
import { PLAYER_ID } from '../../core/ingestion/envelope.js';
import { httpFunction, json } from '../http/http-function.js';
import { adminRoute } from './admin-route.js';
import { adminQuarantineContext } from './quarantine-context.js';
import { adminWhoAmI } from './whoami.js';
import { adminKeepQuarantined, alreadyDecided } from './quarantine-keep.js';
import { isDecided } from '../../core/fairness/audit.js';

const MAX_BLOCK_S = 365 * 24 * 3600;
const blockBody = z.strictObject({ seconds: z.int().min(1).max(MAX_BLOCK_S), reason: z.string().min(1).max(500) });
const unblockBody = z.strictObject({ reason: z.string().min(1).max(500) });
/** Pages of the admin listings (issue #19 item 5): every read is bounded by `limit`. */
const MAX_PAGE = 200;
const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  cursor: z.string().max(512).optional().describe('the `next` of the previous page'),
};
const quarantineQuery = z.object({ playerId: z.string().regex(PLAYER_ID).optional(), ...pageQuery });
const fairnessQuery = z.object(pageQuery);

function parseQuery<T>(schema: z.ZodType<T>, query: URLSearchParams): T {
  const parsed = schema.safeParse(Object.fromEntries(query.entries()));
  if (!parsed.success) throw problems.validation(parsed.error.issues.map((issue) => ({ path: `query.${issue.path.join('.')}`, message: issue.message })));
  return parsed.data;
}

/** The port's position key in, an opaque cursor bound to this listing out (`null`: last page). */
function pager(options: { readonly scope: string; readonly keyPattern: RegExp; readonly cursor: string | undefined }): { readonly after?: string; readonly next: (key: string | undefined) => string | null } {
  const { scope, keyPattern, cursor } = options;
  return {
    ...(cursor === undefined ? {} : { after: decodeCursor(cursor, { scope, keyPattern }) }),
    next: (key) => (key === undefined ? null : encodeCursor({ scope, after: key })),
  };
}

function playerIdOf(params: Record<string, string>): string {
  const playerId = params.playerId ?? '';
  if (!PLAYER_ID.test(playerId)) throw problems.validation([{ path: 'playerId', message: `playerId must match ${PLAYER_ID.source}` }]);
  return playerId;
}

const ADMIN_REFUSALS = {
  400: { description: 'Invalid request (`errors`)' },
  401: { description: 'Signature missing or invalid' },
  403: { description: 'The key is not in ADMIN_KEY_IDS' },
  503: { description: 'A dependency is down (Retry-After)' },
} as const;

/** `GET /api/admin/players/{playerId}/fairness`: the player's flags, sanctions and current block. */
export const adminPlayerFairness = httpFunction({
  name: 'adminPlayerFairness',
  route: 'admin/players/{playerId}/fairness',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: {
    summary: "A player's fairness record, one page of audit entries newest first: flags, sanctions, current block",
    tags: ['admin'],
    auth: 'admin',
    query: () => fairnessQuery,
    responses: { 200: { description: '`{flags, sanctions, blockedUntil?, next}`; `next` is the cursor of the next page, `null` on the last' }, ...ADMIN_REFUSALS },
  },
  build: adminRoute({
    handle: async ({ app, request }) => {
      const playerId = playerIdOf(request.params);
      const query = parseQuery(fairnessQuery, request.query);
      const { next, ...position } = pager({ scope: `audit:${playerId}`, keyPattern: KEY_PATTERNS.audit, cursor: query.cursor });
      const [page, sanction] = await Promise.all([
        app.fairness.audit.entries({ playerId, limit: query.limit, ...position }),
        app.stores.sanctions.activeSanction({ playerId, nowMs: app.now() }),
      ]);
      return json(200, {
        playerId,
        flags: page.items.filter((e) => e.kind === 'flag'),
        sanctions: page.items.filter((e) => e.kind !== 'flag'),
        ...(sanction === undefined ? {} : { blockedUntil: new Date(sanction.blockedUntilMs).toISOString(), blockReason: sanction.reason }),
        next: next(page.next),
      });
    },
  }),
});

/** `POST /api/admin/players/{playerId}/block` `{seconds, reason}`. */
export const adminBlockPlayer = httpFunction({
  name: 'adminBlockPlayer',
  route: 'admin/players/{playerId}/block',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: { summary: 'Block a player (audited)', tags: ['admin'], auth: 'admin', requestBody: () => blockBody, responses: { 200: { description: '`{playerId, blockedUntil}`' }, ...ADMIN_REFUSALS } },
  build: adminRoute({
    body: blockBody,
    handle: async ({ app, request, body, by }) => {
      const playerId = playerIdOf(request.params);
      const nowMs = app.now();
      const untilMs = nowMs + body.seconds * 1000;
      await app.stores.sanctions.block({ playerId, untilMs, reason: `admin: ${body.reason}`, nowMs });
      await app.fairness.audit.record({ kind: 'admin-block', playerId, atMs: nowMs, untilMs, reason: body.reason, by });
      const active = await app.stores.sanctions.activeSanction({ playerId, nowMs });
      return json(200, { playerId, blockedUntil: new Date(active?.blockedUntilMs ?? untilMs).toISOString() });
    },
  }),
});

/** `POST /api/admin/players/{playerId}/unblock` `{reason}`. */
export const adminUnblockPlayer = httpFunction({
  name: 'adminUnblockPlayer',
  route: 'admin/players/{playerId}/unblock',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: { summary: 'Lift a block (audited)', tags: ['admin'], auth: 'admin', requestBody: () => unblockBody, responses: { 200: { description: '`{playerId, blocked: false}`' }, ...ADMIN_REFUSALS } },
  build: adminRoute({
    body: unblockBody,
    handle: async ({ app, request, body, by }) => {
      const playerId = playerIdOf(request.params);
      await app.stores.sanctions.unblock({ playerId });
      await app.fairness.audit.record({ kind: 'admin-unblock', playerId, atMs: app.now(), reason: body.reason, by });
      return json(200, { playerId, blocked: false });
    },
  }),
});

/** `GET /api/admin/quarantine?playerId=&limit=&cursor=`: one page of quarantined events, newest first. */
export const adminListQuarantine = httpFunction({
  name: 'adminListQuarantine',
  route: 'admin/quarantine',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: { summary: 'Quarantined events, newest first', tags: ['admin'], auth: 'admin', query: () => quarantineQuery, responses: { 200: { description: '`{items:[{event, verdict, traceparent, quarantinedAtMs, released?}], next}`; `next` is the cursor of the next page, `null` on the last' }, ...ADMIN_REFUSALS } },
  build: adminRoute({
    handle: async ({ app, request }) => {
      const query = parseQuery(quarantineQuery, request.query);
      const { playerId } = query;
      const { next, ...position } = pager({ scope: playerId === undefined ? 'quarantine:*' : `quarantine:${playerId}`, keyPattern: KEY_PATTERNS.quarantine, cursor: query.cursor });
      const page = await app.fairness.audit.listQuarantine({ limit: query.limit, ...position, ...(playerId === undefined ? {} : { playerId }) });
      return json(200, { items: page.items, next: next(page.next) });
    },
  }),
});

/**
 * `POST /api/admin/quarantine/{eventId}/release`: forwards a quarantined event to the verified
 * topic, exactly once. Publish first, then mark: a crash in between leaves it unreleased and the
 * retry publishes again, which the topic's duplicate detection and the consumers' eventId dedup
 * absorb; marking first could lose the event.
 */
export const adminReleaseQuarantined = httpFunction({
  name: 'adminReleaseQuarantined',
  route: 'admin/quarantine/{eventId}/release',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: {
    summary: 'Release a quarantined event to the verified topic (exactly once, audited)',
    tags: ['admin'],
    auth: 'admin',
    responses: { 200: { description: '`{eventId, released: true}`' }, 404: { description: 'No such quarantined event' }, 409: { description: 'Already released' }, ...ADMIN_REFUSALS },
  },
  build: adminRoute({
    handle: async ({ app, request, by }) => {
      const eventId = request.params.eventId ?? '';
      if (!z.uuid().safeParse(eventId).success) throw problems.validation([{ path: 'eventId', message: 'eventId must be a UUID' }]);
      const item = await app.fairness.audit.findQuarantined(eventId);
      if (item === undefined) throw problems.notFound(`No quarantined event ${eventId}`);
      if (isDecided(item)) throw alreadyDecided(item, eventId);
      const message = toVerifiedMessage({ event: item.event, traceparent: item.traceparent }, { kind: 'pass' });
      try {
        await app.bus.send(app.settings.bus.verifiedTopic, [message]);
      } catch (error: unknown) {
        throw new DependencyUnavailableError({ dependency: 'bus', cause: error });
      }
      const nowMs = app.now();
      const result = await app.fairness.audit.markReleased({ eventId, atMs: nowMs, by });
      if (result.outcome === 'released') {
        await app.fairness.audit.record({ kind: 'release', playerId: item.event.playerId, eventId, atMs: nowMs, by });
      }
      if (result.outcome === 'already') throw alreadyDecided(result.item, eventId);
      return json(200, { eventId, released: true });
    },
  }),
});

export const fairnessAdminFunctions = [adminPlayerFairness, adminBlockPlayer, adminUnblockPlayer, adminListQuarantine, adminReleaseQuarantined, adminQuarantineContext, adminKeepQuarantined, adminWhoAmI] as const;
