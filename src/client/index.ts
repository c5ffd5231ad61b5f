/**
 * The LiveOps TypeScript client: signed, idempotent, retrying event ingestion (DESIGN §2).
 *
 *   const client = new LiveOpsClient({ baseUrl: 'http://localhost:7071', kid: 'dev', key });
 *   await client.sendEvent(newEvent('boss_kill', 'player_42', { bossId: 'dragon', tier: 3, points: 1500 }));
 */
export {
  BATCH_PATH,
  EVENTS_PATH,
  LiveOpsClient,
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
