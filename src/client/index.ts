/**
 * The LiveOps TypeScript client: signed, idempotent, retrying event ingestion (DESIGN §2).
 *
 *   // A game server (server key) acts for any player, and mints the players' session tokens:
 *   const server = new LiveOpsClient({ baseUrl: 'http://localhost:7071', kid: 'dev', key });
 *   await server.sendEvent(newEvent('boss_kill', 'player_42', { bossId: 'dragon', tier: 3, points: 1500 }));
 *   const { token } = await server.createSession('player_42');
 *   // A game client (client key) acts only for its token's player (DESIGN §2a):
 *   const client = new LiveOpsClient({ baseUrl: 'http://localhost:7071', kid: 'dev-client', key: clientKey, token });
 *   await client.sendEvent(newEvent('progression', 'player_42', { deltaXp: 120, activity: 'quest' }));
 */
export {
  BATCH_PATH,
  EVENTS_PATH,
  LiveOpsClient,
  SESSIONS_PATH,
  type SessionResult,
  type BatchItemResult,
  type CallOptions,
  type EventStatus,
  type FetchLike,
  type LiveOpsClientOptions,
  type SendBatchResult,
  type SendEventResult,
} from './client.js';
export { LiveOpsError, type ProblemDocument } from './errors.js';
export { newEvent, type EventOf, type EventType, type GameEvent, type NewEventOptions, type PayloadOf } from './events.js';
export { fullJitterDelayMs, parseRetryAfterMs, RETRYABLE_STATUSES } from './retry.js';
