import type { Pool } from 'mysql2/promise';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Settings } from '../core/config/types.js';
import type { Dependency } from '../core/health/dependency.js';
import type { Logger } from '../core/logging/logger.js';
import type { Consumer, Publisher } from '../core/messaging/bus.js';
import type { TableStorage } from '../adapters/tables/table-storage.js';
import type { IdempotencyStore, RateLimiter, SanctionStore } from '../core/ingestion/ports.js';
import type { FairnessAudit } from '../core/fairness/audit.js';
import type { FairnessStore } from '../core/fairness/ports.js';
import type { Progression } from '../core/progression/progression.js';
import type { RewardGrants } from '../core/progression/grants.js';
import type { LeaderboardParts } from './leaderboard-parts.js';
import type { StaffTokens } from '../core/auth/staff-tokens.js';
import type { PlayerTokens } from '../core/auth/player-tokens.js';

/**
 * What a function handler may use: the frozen settings, the logger, the clock, and the adapters
 * chosen by the settings. Real connections are created on first use, once per worker process.
 */
export interface AppContext {
  readonly settings: Settings;
  readonly logger: Logger;
  /** Epoch milliseconds; core logic takes time as an argument, and this is where it comes from. */
  readonly now: () => number;
  /**
   * Waits `ms` on the same clock as `now`: consumers back off through it while they hold a
   * session through an outage, so tests can pin both (docs/production-path.md).
   */
  readonly sleep: (ms: number) => Promise<void>;
  readonly bus: AppBus;
  /** `undefined` when REDIS_URL is unset (the embedded default uses in-memory stores). */
  readonly redis: Redis | undefined;
  /** `undefined` when MYSQL_URL is unset. */
  readonly mysql: Pool | undefined;
  /** `undefined` when neither TABLES_CONNECTION nor TABLES_ENDPOINT is set. */
  readonly tables: TableStorage | undefined;
  /** The gateway's stores: Redis when REDIS_URL is set, else in memory (one instance per process). */
  readonly stores: GatewayStores;
  /** Fairness state (Redis or memory) and its audit trail (Table Storage or memory). */
  readonly fairness: FairnessStores;
  /** Progress, rewards and receipts: MySQL when MYSQL_URL is set (Redis cache with REDIS_URL), else memory. */
  readonly progression: Progression;
  /** The grant interface for other capabilities (leaderboard prizes); the same object as `progression`. */
  readonly grants: RewardGrants;
  /** Leaderboard store (Redis or memory), archive and lock (MySQL or memory), period calendar. */
  readonly leaderboards: LeaderboardParts;
  /** Player session tokens: minting ours, verifying ours and the studio's (DESIGN §2a). */
  readonly playerTokens: PlayerTokens;
  /** Staff bearer tokens on the admin routes: ours (`npm run admin-token`) and the studio IdP's. */
  readonly staffTokens: StaffTokens;
  /** This process's Prometheus registry (DESIGN §8); served at `/metrics` or pushed to the sidecar. */
  readonly metrics: Registry;
  /** Every configured dependency, for readiness and shutdown, in start-up order. */
  readonly dependencies: readonly Dependency[];
  /** Closes every connection that was opened; safe to call twice. */
  close(): Promise<void>;
}

export type AppBus = Publisher & Consumer;

export interface GatewayStores {
  readonly idempotency: IdempotencyStore;
  readonly rateLimiter: RateLimiter;
  readonly sanctions: SanctionStore;
}

export interface FairnessStores {
  readonly store: FairnessStore;
  readonly audit: FairnessAudit;
}
