import { randomUUID } from 'node:crypto';
import type { EventType, GameEvent } from '../core/ingestion/envelope.js';

export type { EventType, GameEvent } from '../core/ingestion/envelope.js';

type PayloadMap = { [K in EventType]: Extract<GameEvent, { type: K }>['payload'] };
/** The payload of one event type, e.g. `PayloadOf<'boss_kill'>` = `{bossId, tier, points}`. */
export type PayloadOf<T extends EventType> = PayloadMap[T];
/**
 * The envelope of one event type, e.g. `EventOf<'boss_kill'>`. Spelled as a mapped type rather than
 * `Extract<GameEvent, …>` so that a generic `T` still type-checks inside {@link newEvent} without a cast.
 */
export type EventOf<T extends EventType> = Omit<GameEvent, 'type' | 'payload'> & { type: T; payload: PayloadOf<T> };

export interface NewEventOptions {
  /** Clock in epoch milliseconds (default `Date.now`); injectable so tests pin `ts`. */
  readonly now?: () => number;
  /** Omit to let the server use the current season. */
  readonly season?: number;
  /** Defaults to a random UUID. Supply one only to re-send the same logical event. */
  readonly eventId?: string;
}

/**
 * Builds an envelope with a fresh `eventId` and `ts`. The eventId is the end-to-end dedup key
 * (DESIGN §2), so it is made once per logical event: re-sending the returned object, even later
 * or from another process, is recognised as a duplicate rather than counted twice.
 */
export function newEvent<T extends EventType>(type: T, playerId: string, payload: PayloadOf<T>, options: NewEventOptions = {}): EventOf<T> {
  const ts = (options.now ?? Date.now)();
  return {
    eventId: options.eventId ?? randomUUID(),
    type,
    playerId,
    ts,
    ...(options.season === undefined ? {} : { season: options.season }),
    payload,
  };
}
