import { LiveOpsClient, type CallOptions, type GameEvent, type LiveOpsClientOptions, type SendBatchResult, type SendEventResult } from '../../client/index.js';
import type { EventType } from '../../core/ingestion/envelope.js';

/** What the driver needs of a client; a plain LiveOpsClient (`--as server`) is one too. */
export type EventSender = Pick<LiveOpsClient, 'sendEvent' | 'sendBatch'>;

export interface PlayerClientsOptions {
  /** A server key's client: mints each player's token and sends the authoritative event types. */
  readonly server: Pick<LiveOpsClient, 'sendEvent' | 'sendBatch' | 'createSession'>;
  /** How each player's own client is made (base URL, the client key, retries); `token` is added. */
  readonly client: Omit<LiveOpsClientOptions, 'token'>;
  /** What a client key may send (the server's CLIENT_EVENT_TYPES); the rest go through `server`. */
  readonly clientEventTypes: readonly EventType[];
  /** Epoch ms (default `Date.now`): a token this close to its expiry is renewed first. */
  readonly now?: () => number;
}

const RENEW_BEFORE_MS = 60_000;

/**
 * Plays each player as a game client would (DESIGN §2a): a session token per player from the
 * game server, then that player's own events signed with the client key and the token. The
 * authoritative types (boss kills, match results) come from the game server, as in a real game.
 * A batch is split accordingly and its results put back in the order sent.
 */
export class PlayerClients implements EventSender {
  readonly #o: PlayerClientsOptions;
  readonly #clientTypes: ReadonlySet<string>;
  readonly #players = new Map<string, Promise<{ readonly client: LiveOpsClient; readonly expiresAtMs: number }>>();

  constructor(options: PlayerClientsOptions) {
    this.#o = options;
    this.#clientTypes = new Set(options.clientEventTypes);
  }

  async sendEvent(event: GameEvent, options: CallOptions = {}): Promise<SendEventResult> {
    if (!this.#clientTypes.has(event.type)) return this.#o.server.sendEvent(event, options);
    return (await this.#clientOf(event.playerId)).sendEvent(event, options);
  }

  async sendBatch(events: readonly GameEvent[], options: CallOptions = {}): Promise<SendBatchResult> {
    const groups = new Map<string, number[]>();
    events.forEach((event, index) => {
      const group = this.#clientTypes.has(event.type) ? `player:${event.playerId}` : 'server';
      const list = groups.get(group) ?? [];
      list.push(index);
      groups.set(group, list);
    });
    const results: SendBatchResult['results'][number][] = new Array<SendBatchResult['results'][number]>(events.length);
    let replayed = false;
    // One Idempotency-Key per request: each group is its own request, so none may share the caller's.
    const { idempotencyKey: _shared, ...perRequest } = options;
    await Promise.all(
      [...groups].map(async ([group, indexes]) => {
        const batch = indexes.map((i) => events[i]).filter((e): e is GameEvent => e !== undefined);
        const first = batch[0];
        if (first === undefined) return;
        const sender = group === 'server' ? this.#o.server : await this.#clientOf(first.playerId);
        const reply = await sender.sendBatch(batch, perRequest);
        replayed ||= reply.replayed;
        indexes.forEach((index, k) => {
          const item = reply.results[k];
          if (item !== undefined) results[index] = item;
        });
      }),
    );
    return { results, replayed };
  }

  /** The player's client, minting (or renewing) its token first; concurrent callers share one mint. */
  async #clientOf(playerId: string): Promise<LiveOpsClient> {
    const now = (this.#o.now ?? Date.now)();
    const known = this.#players.get(playerId);
    if (known !== undefined) {
      // A mint that failed is retried below; its error was the earlier caller's to report.
      const entry = await known.catch(() => undefined);
      if (entry !== undefined && entry.expiresAtMs - RENEW_BEFORE_MS > now) return entry.client;
    }
    const minting = this.#o.server.createSession(playerId).then((session) => ({
      client: new LiveOpsClient({ ...this.#o.client, token: session.token }),
      expiresAtMs: Date.parse(session.expiresAt),
    }));
    this.#players.set(playerId, minting);
    minting.catch(() => {
      // A failed mint is not kept: the next event of this player tries again.
      if (this.#players.get(playerId) === minting) this.#players.delete(playerId);
    });
    return (await minting).client;
  }
}
