import { randomUUID } from 'node:crypto';
import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import { silentLogger } from '../../src/adapters/logging/json-logger.js';
import type { AppContext } from '../../src/app/app-context.js';
import type { LeaderboardParts } from '../../src/app/leaderboard-parts.js';
import { createAppContext } from '../../src/app/composition-root.js';
import type { LeaderboardPrize } from '../../src/core/config/settings-prizes.js';
import { parseSettings } from '../../src/core/config/settings.js';
import { DependencyUnavailableError } from '../../src/core/errors/errors.js';
import type { ReceivedMessage } from '../../src/core/messaging/bus.js';
import type { GrantRequest, GrantResult, RewardGrants } from '../../src/core/progression/grants.js';
import { leaderboardConsumer } from '../../src/functions/leaderboard/consumer.js';
import { leaderboardSnapshotTimer } from '../../src/functions/leaderboard/snapshot.js';
import { toServiceBusTrigger } from '../../src/functions/service-bus-trigger.js';

/** A verified-topic message as fairness forwards it. */
export function verified(options: { readonly type?: 'boss_kill' | 'match_end' | 'progression'; readonly playerId: string; readonly value: number; readonly ts: number; readonly season?: number; readonly eventId?: string }): ReceivedMessage {
  const eventId = options.eventId ?? randomUUID();
  const type = options.type ?? 'boss_kill';
  const payload =
    type === 'boss_kill'
      ? { bossId: 'dragon', tier: 3, points: options.value }
      : type === 'match_end'
        ? { matchId: `m-${eventId.slice(0, 8)}`, score: options.value, durationMs: 60_000 }
        : { deltaXp: options.value, activity: 'quest' };
  const season = options.season ?? 1;
  return {
    messageId: eventId,
    sessionId: options.playerId,
    body: { eventId, type, playerId: options.playerId, ts: options.ts, season, payload },
    applicationProperties: { type, playerId: options.playerId, season, traceparent: '', verdict: 'pass' },
    deliveryCount: 1,
    enqueuedTimeUtc: new Date(options.ts),
  };
}

/** Runs the leaderboard consumer on one batch, as the Functions host would (cardinality many). */
export function consumerOf(app: AppContext): (batch: readonly ReceivedMessage[]) => Promise<void> {
  const handler = leaderboardConsumer.handler(app);
  return async (batch) => {
    const { messages, triggerMetadata } = toServiceBusTrigger(batch, { cardinality: 'many' });
    await handler(messages, new InvocationContext({ functionName: 'leaderboard', triggerMetadata }));
  };
}

export function timerOf(app: AppContext): () => Promise<void> {
  const handler = leaderboardSnapshotTimer.handler(app);
  const timer: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
  return async () => {
    await handler(timer, new InvocationContext({ functionName: 'snapshot' }));
  };
}

export function get(path: string, params: Record<string, string>): HttpRequest {
  return new HttpRequest({ method: 'GET', url: `http://localhost:7071${path}`, params });
}

export interface FakeGrants extends RewardGrants {
  readonly issued: Map<string, GrantRequest>;
  readonly calls: GrantRequest[];
  /** The next `n` grants fail as if MySQL were down. */
  failNext(n: number): void;
}

/** The grant interface, idempotent by grantId like the real one. */
export function fakeGrants(): FakeGrants {
  const issued = new Map<string, GrantRequest>();
  const calls: GrantRequest[] = [];
  let failures = 0;
  return {
    issued,
    calls,
    failNext: (n) => {
      failures = n;
    },
    grant: (request): Promise<GrantResult> => {
      calls.push(request);
      if (failures > 0) {
        failures -= 1;
        return Promise.reject(new DependencyUnavailableError({ dependency: 'mysql' }));
      }
      const created = !issued.has(request.grantId);
      if (created) issued.set(request.grantId, request);
      return Promise.resolve({ receiptId: `r-${request.grantId}`, receipt: 'header.claims.signature', created });
    },
  };
}

/**
 * An AppContext on `env` with LEADERBOARD_PRIZES already parsed into the settings and a grant
 * interface: what settings.ts and the composition root will provide once wired.
 */
export function leaderboardApp(options: {
  readonly env?: Record<string, string>;
  readonly now: () => number;
  readonly prizes?: readonly LeaderboardPrize[];
  readonly grants?: RewardGrants;
  /** Leaderboard parts to use instead of the ones the settings select. */
  readonly parts?: (app: AppContext) => Partial<LeaderboardParts>;
}): AppContext {
  const parsed = parseSettings({ ...options.env });
  const settings = { ...parsed, leaderboards: { ...parsed.leaderboards, prizes: options.prizes ?? parsed.leaderboards.prizes } };
  const base = createAppContext({ settings, logger: silentLogger, now: options.now, ...(options.parts === undefined ? {} : { leaderboardParts: options.parts }) });
  if (options.grants === undefined) return base;
  const { grants } = options;
  // A view of `base` with another grant interface; the getters of `base` stay live.
  return new Proxy(base, { get: (target, key, receiver) => (key === 'grants' ? grants : Reflect.get(target, key, receiver) as unknown) });
}
