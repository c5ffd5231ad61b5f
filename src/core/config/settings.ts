/**
 * The settings loader: every setting of DESIGN §7a is read, validated and defaulted here, once
 * per cold start, and returned as one deeply frozen {@link Settings}. `parseSettings` is pure:
 * `src/app/load-settings.ts` gathers the raw values (environment → SECRETS_DIR → Key Vault).
 *
 * Besides DESIGN §7a, these settings exist (defaults in brackets):
 *
 * | setting | meaning |
 * |---|---|
 * | `LOG_LEVEL` [info] | `debug`, `info`, `warn` or `error` |
 * | `SHUTDOWN_GRACE_S` [25] | seconds a graceful shutdown waits for in-flight work (1..3600) |
 * | `BUS_INGRESS_QUEUE` [liveops-ingress] | Service Bus queue for accepted events |
 * | `BUS_VERIFIED_TOPIC` [liveops-verified] | Service Bus topic for events fairness passed |
 * | `BUS_SUB_PROGRESSION` [progression] | subscription of the progression consumer |
 * | `BUS_SUB_LEADERBOARD` [leaderboard] | subscription of the leaderboard consumer |
 * | `BUS_MAX_DELIVERY_COUNT` [10] | deliveries before dead-lettering (1..2000; match the entity) |
 *
 * Rules worth knowing: empty or blank values count as unset. When HMAC_KEYS is unset the
 * published development ring (kid `dev`, {@link DEVELOPMENT_HMAC_KEY}, and the client key
 * `dev-client`) is used and SERVER_KEY_IDS and ADMIN_KEY_IDS default to `dev`; PLAYER_TOKEN_KEYS
 * falls back to the published `dev-tokens` key the same way; when RECEIPT_KEYS is unset, {@link DEVELOPMENT_RECEIPT_KEY} (kid
 * `dev-receipts`). The published keys are refused with BUS_KIND=servicebus and whenever REDIS_URL,
 * MYSQL_URL or Table Storage points at another machine (`publishedKeysRefusal`). IDEMPOTENCY_TTL_S
 * must be at least 2 × SIGNATURE_TOLERANCE_S. Error messages never contain a setting's value.
 */
import { readFairnessCaps, readPayloadMax } from './settings-payload.js';
import { readProgression } from './settings-progression.js';
import { readLeaderboardPrizes } from './settings-prizes.js';
import type { PayloadMax, Settings } from './types.js';
import { SettingsError } from './settings-error.js';
import { deepFreeze } from './deep-freeze.js';
import {
  createSettingsReader,
  integer,
  ipAddress,
  oneOf,
  positiveNumber,
  sixFieldCron,
  timeZone,
  type RawSettings,
  type SettingsReader,
} from './settings-reader.js';
import { readReceiptKeys, readSigningKeys } from './settings-key-rings.js';
import { checkBoardSources, readLeaderboards } from './settings-leaderboards.js';
import { readBus, readDatabases, readSecretLocations, readTables } from './settings-services.js';
import { readTelemetrySettings } from './settings-telemetry.js';
import { publishedKeysRefusal } from './settings-deployment.js';
import { readPlayerTokens, readStaffTokens } from './settings-player-tokens.js';

export {
  DEVELOPMENT_CLIENT_KEY,
  DEVELOPMENT_CLIENT_KID,
  DEVELOPMENT_HMAC_KEY,
  DEVELOPMENT_HMAC_KID,
  DEVELOPMENT_TOKEN_KEY,
  DEVELOPMENT_TOKEN_KID,
  DEVELOPMENT_RECEIPT_KEY,
  DEVELOPMENT_RECEIPT_KID,
} from './settings-key-rings.js';
export { DEFAULT_LEADERBOARDS } from './settings-leaderboards.js';
export type { RawSettings } from './settings-reader.js';

const DAY_S = 86_400;
const YEAR_S = 365 * DAY_S;

interface IntegerSpec {
  readonly default: number;
  readonly max: number;
}

function integers(reader: SettingsReader): (setting: string, spec: IntegerSpec) => number {
  return (setting, spec) => reader.read(setting, integer({ min: 1, max: spec.max }), spec.default);
}

function readLimits(reader: SettingsReader, toleranceS: number): Settings['limits'] {
  const int = integers(reader);
  const idempotencyTtlS = int('IDEMPOTENCY_TTL_S', { default: DAY_S, max: YEAR_S });
  // A captured request must be either stale (outside the signing window) or a remembered replay.
  const failedEither = reader.failed('IDEMPOTENCY_TTL_S') || reader.failed('SIGNATURE_TOLERANCE_S');
  if (!failedEither && idempotencyTtlS < 2 * toleranceS) {
    reader.problem(
      'IDEMPOTENCY_TTL_S',
      `must be at least 2 × SIGNATURE_TOLERANCE_S (${2 * toleranceS} s), so a captured request is either stale or a replay`,
    );
  }
  return {
    idempotencyTtlS,
    maxBodyBytes: int('MAX_BODY_BYTES', { default: 1_048_576, max: 104_857_600 }),
    batchMaxEvents: int('BATCH_MAX_EVENTS', { default: 500, max: 10_000 }),
    eventMaxAgeS: int('EVENT_MAX_AGE_S', { default: DAY_S, max: YEAR_S }),
    rateLimitPlayerPerSec: reader.read('RATE_LIMIT_PLAYER_PER_SEC', positiveNumber(1_000_000), 50),
    rateLimitPlayerBurst: int('RATE_LIMIT_PLAYER_BURST', { default: 100, max: 1_000_000 }),
    rateLimitKeyPerSec: reader.read('RATE_LIMIT_KEY_PER_SEC', positiveNumber(1_000_000), 5000),
    payloadMax: readPayloadMax(reader),
  };
}

function readFairness(reader: SettingsReader): Settings['fairness'] {
  const int = integers(reader);
  const fairness = {
    floodMaxPerSec: int('FLOOD_MAX_PER_SEC', { default: 10, max: 1_000_000 }),
    anomalyZ: reader.read('ANOMALY_Z', positiveNumber(1000), 3.5),
    anomalyMinFactor: reader.read('ANOMALY_MIN_FACTOR', positiveNumber(1000), 3),
    history: int('FAIRNESS_HISTORY', { default: 50, max: 10_000 }),
    flagThreshold: int('FLAG_THRESHOLD', { default: 3, max: 10_000 }),
    flagWindowS: int('FLAG_WINDOW_S', { default: 3600, max: YEAR_S }),
    blockSec: int('BLOCK_SEC', { default: 60, max: YEAR_S }),
    maxBlockSec: int('BLOCK_MAX_SEC', { default: DAY_S, max: YEAR_S }),
    minHistory: int('FAIRNESS_MIN_HISTORY', { default: 10, max: 10_000 }),
    caps: readFairnessCaps(reader),
  };
  if (!reader.failed('FAIRNESS_MIN_HISTORY') && !reader.failed('FAIRNESS_HISTORY') && fairness.minHistory > fairness.history) {
    reader.problem('FAIRNESS_MIN_HISTORY', `must not exceed FAIRNESS_HISTORY (${fairness.history}), or no player is ever judged on their own history`);
  }
  if (!reader.failed('BLOCK_MAX_SEC') && !reader.failed('BLOCK_SEC') && fairness.maxBlockSec < fairness.blockSec) {
    reader.problem('BLOCK_MAX_SEC', `must be at least BLOCK_SEC (${fairness.blockSec})`);
  }
  return fairness;
}

function readLeaderboardSettings(reader: SettingsReader, payloadMax: PayloadMax): Settings['leaderboards'] {
  const int = integers(reader);
  const boards = readLeaderboards(reader);
  if (!reader.failed('PAYLOAD_MAX')) checkBoardSources({ reader, boards, payloadMax });
  return {
    boards,
    timeZone: reader.read('LEADERBOARD_TZ', timeZone, 'UTC'),
    topN: int('LB_TOPN', { default: 100, max: 100_000 }),
    snapshotCron: reader.read('SNAPSHOT_CRON', sixFieldCron, '0 */15 * * * *'),
    topCacheMs: reader.read('LB_CACHE_MS', integer({ min: 0, max: 60_000 }), 1_000),
    seasonId: int('SEASON_ID', { default: 1, max: 1_000_000 }),
    prizes: readLeaderboardPrizes(reader),
  };
}

/**
 * Validates `raw` (setting name → value) and returns the frozen settings. Throws one
 * {@link SettingsError} listing every problem found.
 */
export function parseSettings(raw: RawSettings): Settings {
  const reader = createSettingsReader(raw);
  const int = integers(reader);
  const bus = readBus(reader);
  // Read before the key rings: whether the published keys may sign depends on where these point.
  const databases = readDatabases(reader);
  const tables = readTables(reader);
  const listenAddress = reader.read('LISTEN_ADDRESS', ipAddress(), '127.0.0.1');
  const refusePublished = publishedKeysRefusal({ bus, ...databases, tables, listenAddress });
  const toleranceS = int('SIGNATURE_TOLERANCE_S', { default: 300, max: DAY_S });
  const limits = readLimits(reader, toleranceS);
  // In this order, so problems are listed as before: signing, receipts, then player tokens.
  const signing = { ...readSigningKeys(reader, { refusePublished }), toleranceS };
  const receipts = readReceiptKeys(reader, { refusePublished });
  const playerTokens = readPlayerTokens(reader, { refusePublished });
  const settings: Settings = {
    port: reader.read('PORT', integer({ min: 1, max: 65_535 }), 7071),
    listenAddress,
    logLevel: reader.read('LOG_LEVEL', oneOf(['debug', 'info', 'warn', 'error']), 'info'),
    shutdownGraceS: int('SHUTDOWN_GRACE_S', { default: 25, max: 3600 }),
    signing,
    receipts,
    playerTokens,
    staffTokens: readStaffTokens(reader, playerTokens),
    limits,
    fairness: readFairness(reader),
    leaderboards: readLeaderboardSettings(reader, limits.payloadMax),
    progression: readProgression(reader),
    ...databases,
    bus,
    tables,
    secrets: readSecretLocations(reader),
    telemetry: readTelemetrySettings(reader),
  };
  // The consumer refuses events older than the ledger's memory (core/progression/ledger-retention.ts):
  // every event the gateway accepts must be well inside it, with a day to spare for queues.
  if (!reader.failed('LEDGER_RETENTION_DAYS') && !reader.failed('EVENT_MAX_AGE_S') && settings.progression.ledgerRetentionDays * DAY_S < settings.limits.eventMaxAgeS + DAY_S) {
    reader.problem('LEDGER_RETENTION_DAYS', `must be at least EVENT_MAX_AGE_S plus one day (${Math.ceil(settings.limits.eventMaxAgeS / DAY_S) + 1} days here), or accepted events would be refused as too old`);
  }
  if (reader.problems.length > 0) throw new SettingsError(reader.problems);
  return deepFreeze(settings);
}

/**
 * SECRETS_DIR and KEY_VAULT_URI alone, validated: the loader needs them before it can fetch the
 * secrets that `parseSettings` validates. Throws a {@link SettingsError} when either is invalid.
 */
export function parseSecretLocations(raw: RawSettings): Settings['secrets'] {
  const reader = createSettingsReader(raw);
  const locations = readSecretLocations(reader);
  if (reader.problems.length > 0) throw new SettingsError(reader.problems);
  return Object.freeze(locations);
}

/**
 * The bus settings alone (BUS_*, SERVICEBUS_*), validated: the dead-letter tool (`npm run dlq`)
 * talks to Service Bus only, so it must not need the app's signing keys. Throws a
 * {@link SettingsError} listing every problem.
 */
export function parseBusSettings(raw: RawSettings): Settings['bus'] {
  const reader = createSettingsReader(raw);
  const bus = readBus(reader);
  if (reader.problems.length > 0) throw new SettingsError(reader.problems);
  return bus;
}
