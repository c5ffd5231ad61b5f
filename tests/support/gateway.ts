import { randomUUID } from 'node:crypto';
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import type { AppBus, AppContext } from '../../src/app/app-context.js';
import { DEVELOPMENT_HMAC_KEY } from '../../src/core/config/settings-key-rings.js';
import type { OutgoingMessage } from '../../src/core/messaging/bus.js';
import { signRequest } from '../../src/core/ingestion/signing.js';
import type { FunctionDefinition } from '../../src/functions/definition.js';
import { testApp } from './app.js';

/** 2026-11-25T08:00:00Z, a Wednesday: the pinned "now" of gateway tests. */
export const NOW_MS = Date.UTC(2026, 10, 25, 8, 0, 0);

export interface GatewayHarness {
  readonly app: AppContext;
  /** Every message the gateway published, in order. */
  readonly sent: OutgoingMessage[];
  /** Makes the next `n` sends reject, as a Service Bus outage would. */
  failSends(n: number): void;
}

/** An embedded-default AppContext with a pinned clock and a bus that records what is sent. */
export function gatewayHarness(env: Record<string, string> = {}, now: () => number = () => NOW_MS): GatewayHarness {
  const { app: base } = testApp({ env, now });
  const sent: OutgoingMessage[] = [];
  let failures = 0;
  const bus: AppBus = {
    send: async (entity, messages) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('bus unavailable (test)');
      }
      await base.bus.send(entity, messages);
      sent.push(...messages);
    },
    subscribe: (options) => base.bus.subscribe(options),
  };
  const app: AppContext = {
    settings: base.settings,
    logger: base.logger,
    now: base.now,
    sleep: base.sleep,
    bus,
    redis: base.redis,
    mysql: base.mysql,
    tables: base.tables,
    stores: base.stores,
    fairness: base.fairness,
    progression: base.progression,
    grants: base.grants,
    leaderboards: base.leaderboards,
    playerTokens: base.playerTokens,
    staffTokens: base.staffTokens,
    metrics: base.metrics,
    dependencies: base.dependencies,
    close: () => base.close(),
  };
  return { app, sent, failSends: (n) => { failures = n; } };
}

export function newEventBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: randomUUID(),
    type: 'boss_kill',
    playerId: 'player_42',
    ts: NOW_MS - 1_000,
    payload: { bossId: 'dragon', tier: 3, points: 1500 },
    ...overrides,
  };
}

/** A request signed with the published development key (kid `dev`) unless told otherwise. */
export function signedRequest(options: {
  readonly method?: 'GET' | 'POST';
  readonly path?: string;
  /** Route parameters, as the host extracts them from the path. */
  readonly params?: Record<string, string>;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly kid?: string;
  readonly key?: string;
  readonly tS?: number;
  /** Sign these bytes instead of the body (to forge a mismatch). */
  readonly signBody?: string;
  /**
   * The Idempotency-Key header, signed as the admin writes' sixth line. Default: a fresh key on an
   * admin write (they require one, DESIGN §2), none elsewhere; `null` sends none.
   */
  readonly idempotencyKey?: string | null;
  /** Sign this Idempotency-Key instead of the one sent (`null`: sign none), to forge a mismatch. */
  readonly signIdempotencyKey?: string | null;
}): HttpRequest {
  const path = options.path ?? '/api/events';
  const raw = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const adminWrite = (options.method ?? 'POST') === 'POST' && path.startsWith('/api/admin/');
  const idempotencyKey = options.idempotencyKey === undefined ? (adminWrite ? randomUUID() : null) : options.idempotencyKey;
  const signedKey = options.signIdempotencyKey === undefined ? (adminWrite ? idempotencyKey : null) : options.signIdempotencyKey;
  const signature = signRequest({
    ...(signedKey === null ? {} : { idempotencyKey: signedKey }),
    kid: options.kid ?? 'dev',
    key: Buffer.from(options.key ?? DEVELOPMENT_HMAC_KEY),
    t: options.tS ?? Math.floor(NOW_MS / 1000),
    method: options.method ?? 'POST',
    path,
    body: Buffer.from(options.signBody ?? raw),
  });
  const method = options.method ?? 'POST';
  return new HttpRequest({
    method,
    url: `http://localhost:7071${path}`,
    headers: { 'content-type': 'application/json', 'x-signature': signature, ...(idempotencyKey === null ? {} : { 'Idempotency-Key': idempotencyKey }), ...options.headers },
    ...(options.params === undefined ? {} : { params: options.params }),
    ...(method === 'GET' ? {} : { body: { string: raw } }),
  });
}

export type TestResponse = HttpResponseInit & { readonly json: () => Record<string, unknown> };

/** Builds the function's handler once (as the host does) and returns a caller for it. */
export function handlerOf(definition: FunctionDefinition, app: AppContext): (request: HttpRequest) => Promise<TestResponse> {
  if (definition.kind !== 'http') throw new Error('not an HTTP function');
  const handler = definition.handler(app);
  return async (request) => {
    const response = await handler(request, new InvocationContext({ functionName: definition.name }));
    // Our handlers return plain HttpResponseInit objects; the HttpResponse class would not spread.
    if (response instanceof HttpResponse) throw new Error('expected an HttpResponseInit');
    return { ...response, json: () => parseBody(response) };
  };
}

function parseBody(response: HttpResponseInit): Record<string, unknown> {
  if (response.jsonBody !== undefined) return response.jsonBody as Record<string, unknown>;
  if (typeof response.body === 'string') return JSON.parse(response.body) as Record<string, unknown>;
  if (response.body instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(response.body)) as Record<string, unknown>;
  return {};
}

export function header(response: HttpResponseInit, name: string): string | null {
  return new Headers(response.headers).get(name);
}
