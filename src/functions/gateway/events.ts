import type { HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { counter } from '../../adapters/metrics/metrics.js';
import type { AppContext } from '../../app/app-context.js';
import { ClientError, problems } from '../../core/errors/errors.js';
import { envelopeSchema, toFieldError, validateEvent, type AcceptedEvent, type EnvelopeSchema } from '../../core/ingestion/envelope.js';
import { Ingestion, requestFingerprint, type BatchResult } from '../../core/ingestion/ingestion.js';
import { sha256Hex } from '../../core/ingestion/signing.js';
import { httpFunction, json, type HttpCall } from '../http/http-function.js';
import { problemBody } from '../http/problem-response.js';
import { IDEMPOTENCY_HEADER, idempotency, REPLAYED_HEADER, type IdempotentRun } from './idempotency.js';
import { parseJson, readBodyLimited, requireJson, signedPath } from './request-body.js';
import { mayAct, type Actor } from '../../core/auth/access.js';
import { toRefusalError } from '../../core/auth/refusals.js';
import type { EventType } from '../../core/ingestion/envelope.js';
import { gatewayDedupTtlMs } from '../../core/fairness/retention.js';
import { identifyCaller, idempotencyScope, type CallerCheck } from '../auth/identify-caller.js';


const SINGLE_RESULT = z.object({ eventId: z.uuid(), status: z.enum(['accepted', 'duplicate']) });
const BATCH_RESULT = z.object({
  accepted: z.int(),
  duplicate: z.int(),
  rejected: z.int(),
  results: z.array(z.object({ eventId: z.string().optional(), status: z.enum(['accepted', 'duplicate', 'rejected']), problem: z.record(z.string(), z.unknown()).optional() })),
});
const COMMON_REFUSALS = {
  400: { description: 'Invalid JSON or schema (`errors: [{path, message}]`)' },
  401: { description: 'Signature missing, malformed, unknown key, stale or mismatched (one problem type each); a client key without a valid player token (`token-missing`, `token-invalid` with `reason`)' },
  403: { description: 'Player blocked (`blockedUntil`); with a client key: another player\'s event (`player-mismatch`) or an event type only servers send (`event-type-not-allowed`); an admin-only key (`forbidden-key`)' },
  409: { description: 'The same Idempotency-Key is still in flight' },
  413: { description: 'Body over MAX_BODY_BYTES' },
  415: { description: 'Not application/json' },
  422: { description: 'Idempotency-Key reused with a different request' },
  429: { description: 'Rate limited (Retry-After)' },
  503: { description: 'A dependency is down (Retry-After)' },
} as const;

/** Everything a gateway handler builds once from the AppContext. */
interface Gateway {
  readonly app: AppContext;
  readonly schema: EnvelopeSchema;
  /** `{events: [...]}` bounded by BATCH_MAX_EVENTS; the events themselves are checked one by one. */
  readonly batchShape: z.ZodType<{ events: unknown[] }>;
  readonly identify: CallerCheck;
  /** May this actor send this event? A client key only its own player's, of CLIENT_EVENT_TYPES. */
  readonly mayAct: (actor: Actor, event: { readonly playerId: string; readonly type: EventType }) => ReturnType<typeof mayAct>;
  readonly idempotent: IdempotentRun;
  readonly ingestion: Ingestion;
  readonly accepted: (type: string) => void;
  readonly rejected: (reason: string, count?: number) => void;
  readonly replayed: () => void;
}

function buildGateway(app: AppContext): Gateway {
  const { settings } = app;
  const max = settings.limits.batchMaxEvents;
  const acceptedTotal = counter(app.metrics, { name: 'liveops_events_accepted_total', help: 'Events accepted onto the ingress queue, by type', labelNames: ['type'] });
  const rejectedTotal = counter(app.metrics, { name: 'liveops_events_rejected_total', help: 'Events or requests refused by the gateway, by problem type', labelNames: ['reason'] });
  const replays = counter(app.metrics, { name: 'liveops_idempotent_replays_total', help: 'Responses replayed for a repeated Idempotency-Key', labelNames: [] });
  return {
    app,
    schema: envelopeSchema({ payloadMax: settings.limits.payloadMax }),
    batchShape: z.strictObject({ events: z.array(z.unknown()).min(1).max(max, { error: `at most BATCH_MAX_EVENTS (${max}) events per batch` }) }),
    identify: identifyCaller({ app, access: 'player-or-server' }),
    mayAct: (actor, event) => mayAct({ actor, playerId: event.playerId, eventType: event.type, clientEventTypes: settings.playerTokens.clientEventTypes }),
    idempotent: idempotency({ store: app.stores.idempotency, ttlS: settings.limits.idempotencyTtlS }),
    ingestion: new Ingestion({
      idempotency: app.stores.idempotency,
      rateLimiter: app.stores.rateLimiter,
      sanctions: app.stores.sanctions,
      publisher: app.bus,
      ingressQueue: settings.bus.ingressQueue,
      limits: { ...settings.limits, dedupTtlMs: gatewayDedupTtlMs(settings) },
    }),
    accepted: (type) => { acceptedTotal.inc({ type }); },
    rejected: (reason, count = 1) => { rejectedTotal.inc({ reason }, count); },
    replayed: () => { replays.inc(); },
  };
}

/**
 * The common front of both routes: JSON only, bounded body, valid signature, then the
 * Idempotency-Key wrapper around `handle`. Refusals are counted by problem type.
 */
function gatewayRoute(handle: (options: { gateway: Gateway; call: HttpCall; body: Uint8Array; actor: Actor; traceparent: string }) => Promise<HttpResponseInit>) {
  return (call: HttpCall, gateway: Gateway): Promise<HttpResponseInit> => {
    const { request, app } = call;
    const run = async (): Promise<HttpResponseInit> => {
      requireJson(request);
      const body = await readBodyLimited(request, app.settings.limits.maxBodyBytes);
      // The body's hash and the path serve both the signature and the idempotency fingerprint.
      const bodySha256Hex = sha256Hex(body);
      const path = signedPath(request);
      const actor = await gateway.identify({ request, body, bodySha256Hex, path, nowMs: app.now() });
      // One key token per request before anything is parsed or stored: an invalid request or a
      // replay costs its sender like an event does (a batch pays for its other events below).
      await gateway.ingestion.takeKeyTokens({ kid: actor.kid ?? '', cost: 1, nowMs: app.now() });
      const { traceparent } = call;
      const response = await gateway.idempotent({
        key: request.headers.get(IDEMPOTENCY_HEADER),
        scope: idempotencyScope(actor),
        fingerprint: requestFingerprint({ method: request.method, path, bodySha256Hex }),
        nowMs: app.now,
        handle: () => handle({ gateway, call, body, actor, traceparent }),
      });
      if (new Headers(response.headers).get(REPLAYED_HEADER) === 'true') gateway.replayed();
      return response;
    };
    return run().catch((error: unknown) => {
      if (error instanceof ClientError) gateway.rejected(error.problem.type);
      throw error;
    });
  };
}

const ingestOne = gatewayRoute(async ({ gateway, call, body, actor, traceparent }) => {
  const { app } = call;
  const nowMs = app.now();
  const result = validateEvent({ schema: gateway.schema, input: parseJson(body), nowMs, maxAgeS: app.settings.limits.eventMaxAgeS, currentSeason: app.settings.leaderboards.seasonId });
  if (!result.ok) throw problems.validation(result.errors);
  const { event } = result;
  const refusal = gateway.mayAct(actor, event);
  if (refusal !== undefined) throw toRefusalError(refusal);
  const status = await gateway.ingestion.acceptOne({ event, traceparent, nowMs });
  if (status === 'accepted') gateway.accepted(event.type);
  call.logger.debug('event ingested', { eventId: event.eventId, playerId: event.playerId, status, traceparent });
  return json(202, { eventId: event.eventId, status });
});

const ingestBatch = gatewayRoute(async ({ gateway, call, body, actor, traceparent }) => {
  const { app } = call;
  const nowMs = app.now();
  const parsed = gateway.batchShape.safeParse(parseJson(body));
  if (!parsed.success) throw problems.validation(parsed.error.issues.map((issue) => toFieldError(issue)));
  // Every event of the batch costs a key token, valid or not (the request's first was taken already).
  const extra = parsed.data.events.length - 1;
  if (extra > 0) await gateway.ingestion.takeKeyTokens({ kid: actor.kid ?? '', cost: extra, nowMs });

  const results: (BatchResult | undefined)[] = [];
  const valid: { index: number; event: AcceptedEvent }[] = [];
  parsed.data.events.forEach((input, index) => {
    const result = validateEvent({ schema: gateway.schema, input, nowMs, maxAgeS: app.settings.limits.eventMaxAgeS, currentSeason: app.settings.leaderboards.seasonId, pathPrefix: `events.${index}` });
    const refusal = result.ok ? gateway.mayAct(actor, result.event) : undefined;
    if (result.ok && refusal === undefined) {
      valid.push({ index, event: result.event });
      results.push(undefined);
    } else if (refusal !== undefined) {
      // Per event (DESIGN §2a): one foreign event does not cost the player their own.
      const problem = toRefusalError(refusal).problem;
      results.push({ eventId: eventIdOf(input), status: 'rejected', problem });
      gateway.rejected(problem.type);
    } else if (!result.ok) {
      results.push({ eventId: eventIdOf(input), status: 'rejected', problem: problems.validation(result.errors).problem });
      gateway.rejected('validation');
    }
  });
  const outcomes = await gateway.ingestion.acceptMany({ events: valid.map((v) => v.event), traceparent, nowMs });
  outcomes.forEach((outcome, i) => {
    const slot = valid[i];
    if (slot === undefined) return;
    results[slot.index] = outcome;
    if (outcome.status === 'accepted') gateway.accepted(slot.event.type);
    else if (outcome.status === 'rejected') gateway.rejected(outcome.problem.type);
  });
  const final = results.filter((r): r is BatchResult => r !== undefined);
  const count = (status: string): number => final.filter((r) => r.status === status).length;
  call.logger.debug('batch ingested', { events: final.length, accepted: count('accepted'), traceparent });
  return json(202, {
    accepted: count('accepted'),
    duplicate: count('duplicate'),
    rejected: count('rejected'),
    results: final.map((r) => (r.status === 'rejected' ? { eventId: r.eventId, status: r.status, problem: problemBody(r.problem) } : r)),
  });
});

function eventIdOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || !('eventId' in input)) return undefined;
  return typeof input.eventId === 'string' ? input.eventId : undefined;
}

/** `POST /api/events`: one signed event → 202 `{eventId, status}` (DESIGN §2). */
export const postEvent = httpFunction({
  name: 'postEvent',
  route: 'events',
  methods: ['POST'],
  // Platform auth off on purpose: every request carries its own HMAC signature (DESIGN §2).
  authLevel: 'anonymous',
  docs: {
    summary: 'Ingest one signed gameplay event',
    tags: ['events'],
    auth: 'player-or-server',
    idempotent: true,
    requestBody: (settings) => envelopeSchema({ payloadMax: settings.limits.payloadMax }),
    responses: {
      202: { description: 'Accepted (or a duplicate of an accepted eventId)', schema: () => SINGLE_RESULT },
      ...COMMON_REFUSALS,
    },
  },
  build: (app) => {
    const gateway = buildGateway(app);
    return (call) => ingestOne(call, gateway);
  },
});

/** `POST /api/events/batch`: `{events:[…]}` → 202 with a result per event. */
export const postEventBatch = httpFunction({
  name: 'postEventBatch',
  route: 'events/batch',
  methods: ['POST'],
  authLevel: 'anonymous',
  docs: {
    summary: 'Ingest up to BATCH_MAX_EVENTS signed events; each gets its own result',
    tags: ['events'],
    auth: 'player-or-server',
    idempotent: true,
    requestBody: (settings) =>
      z.strictObject({ events: z.array(envelopeSchema({ payloadMax: settings.limits.payloadMax })).min(1).max(settings.limits.batchMaxEvents) }),
    responses: {
      202: { description: 'Per-event results (accepted, duplicate or rejected with a problem)', schema: () => BATCH_RESULT },
      ...COMMON_REFUSALS,
    },
  },
  build: (app) => {
    const gateway = buildGateway(app);
    return (call) => ingestBatch(call, gateway);
  },
});
