import type { Sanction, SanctionStore } from '../../core/ingestion/ports.js';
import { ExpiringMap } from './expiring-map.js';

export class MemorySanctionStore implements SanctionStore {
  readonly #sanctions = new ExpiringMap<Sanction>();

  activeSanction(options: { playerId: string; nowMs: number }): Promise<Sanction | undefined> {
    return Promise.resolve(this.#sanctions.get(options.playerId, options.nowMs));
  }

  /** The later end wins: a short automatic block never shortens a longer one an admin set. */
  block(options: { playerId: string; untilMs: number; reason: string; nowMs: number }): Promise<void> {
    const current = this.#sanctions.get(options.playerId, options.nowMs);
    if (options.untilMs > options.nowMs && (current === undefined || current.blockedUntilMs < options.untilMs)) {
      this.#sanctions.set(options.playerId, { blockedUntilMs: options.untilMs, reason: options.reason }, options.untilMs, options.nowMs);
    }
    return Promise.resolve();
  }

  unblock(options: { playerId: string }): Promise<void> {
    this.#sanctions.delete(options.playerId);
    return Promise.resolve();
  }
}
