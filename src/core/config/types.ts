import type { LeaderboardPrize } from './settings-prizes.js';
import type { TelemetrySettings } from './settings-telemetry.js';
import type { KeyRing } from './key-ring.js';
import type { EventType } from '../ingestion/envelope.js';

/**
 * The validated, frozen settings of one worker process. Names follow DESIGN §7a; the loader
 * (`settings.ts`) is the only code that reads `process.env` for them.
 */
export interface Settings {
  readonly port: number;
  /**
   * LISTEN_ADDRESS: where the embedded host (`npm start`) binds; 127.0.0.1 unless a container or
   * a LAN test opts in with 0.0.0.0. The Functions host ignores it and binds its own.
   */
  readonly listenAddress: string;
  readonly logLevel: LogLevel;
  /** Seconds a graceful shutdown waits for in-flight work before closing connections anyway. */
  readonly shutdownGraceS: number;

  readonly signing: {
    readonly hmacKeys: KeyRing;
    /** `development` when HMAC_KEYS was unset and the published dev key (kid `dev`) is in use. */
    readonly hmacKeysSource: 'configured' | 'development';
    /** SERVER_KEY_IDS: may act for any player (game servers, tools). */
    readonly serverKeyIds: readonly string[];
    /** ADMIN_KEY_IDS: may call /api/admin/*. Every kid in neither list is a client key. */
    readonly adminKeyIds: readonly string[];
    readonly toleranceS: number;
  };
  /** Player session tokens, which bind a client key's request to one player (DESIGN §2a). */
  readonly playerTokens: {
    /** Our HS256 tokens (POST /api/sessions); `undefined` when only the studio's IdP mints them. */
    readonly own:
      | {
          readonly keys: KeyRing;
          readonly keysSource: 'configured' | 'development';
          readonly activeKid: string;
          /** PLAYER_TOKEN_TTL_S: default and longest lifetime of a minted token. */
          readonly ttlS: number;
        }
      | undefined;
    /** The studio's identity provider (PLAYER_TOKEN_JWKS_URL …), RS256 or ES256. */
    readonly external:
      | { readonly jwksUrl: string; readonly issuer: string; readonly audience: string; readonly playerClaim: string }
      | undefined;
    /** CLIENT_EVENT_TYPES: what a client key may send. */
    readonly clientEventTypes: readonly EventType[];
  };
  /**
   * Staff tokens from the studio's identity provider on the admin routes (STAFF_TOKEN_AUDIENCE …),
   * through the players' JWKS and issuer; unset: only our own (`npm run admin-token`).
   */
  readonly staffTokens: { readonly idp: { readonly audience: string; readonly roleClaim: string; readonly nameClaim: string } | undefined };
  readonly receipts: {
    readonly keys: KeyRing;
    readonly keysSource: 'configured' | 'development';
    readonly activeKid: string;
  };
  readonly limits: {
    readonly idempotencyTtlS: number;
    readonly maxBodyBytes: number;
    readonly batchMaxEvents: number;
    readonly eventMaxAgeS: number;
    readonly rateLimitPlayerPerSec: number;
    readonly rateLimitPlayerBurst: number;
    readonly rateLimitKeyPerSec: number;
    /** Upper bounds of numeric payload fields (`PAYLOAD_MAX`). */
    readonly payloadMax: PayloadMax;
  };
  readonly fairness: {
    readonly floodMaxPerSec: number;
    readonly anomalyZ: number;
    /** ANOMALY_MIN_FACTOR: an anomaly must also be this multiple of the usual value. */
    readonly anomalyMinFactor: number;
    readonly history: number;
    readonly flagThreshold: number;
    readonly flagWindowS: number;
    readonly blockSec: number;
    /** Longest block for repeat offenders (BLOCK_MAX_SEC); blocks double up to it. */
    readonly maxBlockSec: number;
    /** Own values needed before a player is judged against their own history (FAIRNESS_MIN_HISTORY). */
    readonly minHistory: number;
    readonly caps: FairnessCaps;
  };
  readonly leaderboards: {
    readonly boards: readonly LeaderboardDefinition[];
    readonly timeZone: string;
    readonly topN: number;
    readonly snapshotCron: string;
    /** LB_CACHE_MS: how long a top page may be served from memory; 0 reads Redis every time. */
    readonly topCacheMs: number;
    readonly seasonId: number;
    /** LEADERBOARD_PRIZES: what the top of a board wins when a period closes. */
    readonly prizes: readonly LeaderboardPrize[];
  };
  readonly progression: ProgressionSettings;
  readonly redis: { readonly url: string } | undefined;
  readonly mysql: { readonly url: string } | undefined;
  readonly bus: BusSettings;
  readonly tables: { readonly connectionString: string } | { readonly endpoint: string } | undefined;
  readonly secrets: { readonly dir: string | undefined; readonly keyVaultUri: string | undefined };
  readonly telemetry: TelemetrySettings;
}

/** The numeric payload fields with a configurable upper bound, as `<type>.<field>`. */
export type PayloadField = 'progression.deltaXp' | 'boss_kill.points' | 'match_end.score' | 'match_end.durationMs';
export type PayloadMax = Readonly<Record<PayloadField, number>>;
export type FairnessCaps = Readonly<Record<PayloadField, number>>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface BusSettings {
  readonly kind: 'memory' | 'servicebus';
  /** Set when kind is `servicebus`: exactly one of the two. */
  readonly connectionString: string | undefined;
  readonly namespace: string | undefined;
  readonly ingressQueue: string;
  readonly verifiedTopic: string;
  readonly progressionSubscription: string;
  readonly leaderboardSubscription: string;
  /** Where consumers under the Functions host park poison messages (docs/production-path.md). */
  readonly parkedQueue: string;
  readonly maxDeliveryCount: number;
}

export type LeaderboardWindow = 'daily' | 'weekly' | 'seasonal' | 'alltime';

export interface LeaderboardDefinition {
  readonly id: string;
  readonly source: { readonly type: string; readonly field: string };
  readonly operator: 'incr' | 'best' | 'set';
  readonly order: 'desc' | 'asc';
  readonly windows: readonly LeaderboardWindow[];
}

export interface RewardDefinition {
  readonly id: string;
  /** Entitlement: reaching a level in the season, or killing a boss of at least this tier. */
  readonly requires: { readonly level: number } | { readonly bossTier: number };
  readonly item: string;
  readonly qty: number;
}

export interface ProgressionSettings {
  /** XP per level when LEVEL_THRESHOLDS is unset (XP_PER_LEVEL). */
  readonly xpPerLevel: number;
  /** Total XP at which levels 2, 3, … start (LEVEL_THRESHOLDS); beyond the last, XP_PER_LEVEL each. */
  readonly levelThresholds?: readonly number[];
  /** XP per boss-kill point (BOSS_XP_FACTOR). */
  readonly bossXpFactor: number;
  /** The reward catalogue (REWARDS). */
  readonly rewards: readonly RewardDefinition[];
  /** How long a receipt is valid (RECEIPT_TTL_S). */
  readonly receiptTtlS: number;
  /**
   * LEDGER_RETENTION_DAYS: how long `processed_events` remembers an applied eventId. Events older
   * than that (by `ts`) are dead-lettered by the consumer instead of applied (docs/progression.md).
   */
  readonly ledgerRetentionDays: number;
  /** LEDGER_PRUNE_CRON: when the `ledgerPrune` timer deletes ledger rows past their retention. */
  readonly ledgerPruneCron: string;
  /** MAX_ITEM_KINDS: distinct inventory items one player may hold in one season (issue #19 item 6). */
  readonly maxItemKinds: number;
}
