import { DEFAULT_FAIRNESS_CAPS, DEFAULT_PAYLOAD_MAX } from '../../../src/core/config/settings-payload.js';
import { inspect } from 'node:util';
import { describe, it, expect } from 'vitest';
import {
  DEFAULT_LEADERBOARDS,
  DEVELOPMENT_CLIENT_KEY,
  DEVELOPMENT_HMAC_KEY,
  DEVELOPMENT_RECEIPT_KEY,
  DEVELOPMENT_TOKEN_KEY,
  parseSettings,
} from '../../../src/core/config/settings.js';
import type { Settings } from '../../../src/core/config/types.js';
import { errorOf, problemsOf } from './problems.js';

const KEY_A = 'a-very-secret-signing-key-0123456789abcdef';
const KEY_B = 'another-secret-signing-key-0123456789abcdef';
const RECEIPT_KEY = 'receipt-secret-signing-key-0123456789abcdef';
const TOKEN_KEY = 'player-token-secret-key-0123456789abcdef';

const production = {
  BUS_KIND: 'servicebus',
  SERVICEBUS_NAMESPACE: 'liveops.servicebus.windows.net',
  HMAC_KEYS: JSON.stringify({ 'game-1': KEY_A, ops: KEY_B }),
  RECEIPT_KEYS: JSON.stringify({ r1: RECEIPT_KEY }),
  PLAYER_TOKEN_KEYS: JSON.stringify({ t1: TOKEN_KEY }),
};

describe('parseSettings defaults', () => {
  const settings = parseSettings({});

  it('uses the DESIGN §7a defaults', () => {
    expect(settings.port).toBe(7071);
    expect(settings.logLevel).toBe('info');
    expect(settings.shutdownGraceS).toBe(25);
    expect(settings.signing.toleranceS).toBe(300);
    expect(settings.limits).toEqual({
      idempotencyTtlS: 86_400,
      maxBodyBytes: 1_048_576,
      batchMaxEvents: 500,
      eventMaxAgeS: 86_400,
      rateLimitPlayerPerSec: 50,
      rateLimitPlayerBurst: 100,
      rateLimitKeyPerSec: 5000,
      payloadMax: DEFAULT_PAYLOAD_MAX,
    });
    expect(settings.fairness).toEqual({
      floodMaxPerSec: 10,
      anomalyZ: 3.5,
      anomalyMinFactor: 3,
      history: 50,
      flagThreshold: 3,
      flagWindowS: 3600,
      blockSec: 60,
      maxBlockSec: 86_400,
      minHistory: 10,
      caps: DEFAULT_FAIRNESS_CAPS,
    });
    expect(settings.leaderboards).toEqual({
      boards: DEFAULT_LEADERBOARDS,
      timeZone: 'UTC',
      topN: 100,
      snapshotCron: '0 */15 * * * *',
      topCacheMs: 1000,
      seasonId: 1,
      prizes: [],
    });
    expect(settings.redis).toBeUndefined();
    expect(settings.mysql).toBeUndefined();
    expect(settings.tables).toBeUndefined();
    expect(settings.secrets).toEqual({ dir: undefined, keyVaultUri: undefined });
    expect(settings.telemetry).toEqual({ appInsightsConnectionString: undefined });
  });

  it('uses the memory bus with the DESIGN §3 names', () => {
    expect(settings.bus).toEqual({
      kind: 'memory',
      connectionString: undefined,
      namespace: undefined,
      ingressQueue: 'liveops-ingress',
      verifiedTopic: 'liveops-verified',
      progressionSubscription: 'progression',
      leaderboardSubscription: 'leaderboard',
      parkedQueue: 'liveops-parked',
      maxDeliveryCount: 10,
    });
  });

  it('declares the three DESIGN §6 boards with every window', () => {
    expect(settings.leaderboards.boards.map((b) => [b.id, b.source.type, b.source.field, b.operator, b.order])).toEqual([
      ['points', 'boss_kill', 'points', 'incr', 'desc'],
      ['xp', 'progression', 'deltaXp', 'incr', 'desc'],
      ['best_match', 'match_end', 'score', 'best', 'desc'],
    ]);
    for (const board of settings.leaderboards.boards) expect(board.windows).toEqual(['daily', 'weekly', 'seasonal', 'alltime']);
  });

  it('uses the published development rings: dev is server and admin, dev-client a client key', () => {
    expect(settings.signing.hmacKeysSource).toBe('development');
    expect(settings.signing.hmacKeys.kids).toEqual(['dev', 'dev-client']);
    expect(settings.signing.hmacKeys.get('dev')?.toString('utf8')).toBe(DEVELOPMENT_HMAC_KEY);
    expect(settings.signing.hmacKeys.get('dev-client')?.toString('utf8')).toBe(DEVELOPMENT_CLIENT_KEY);
    expect(settings.signing.adminKeyIds).toEqual(['dev']);
    expect(settings.signing.serverKeyIds).toEqual(['dev']);
    expect(settings.playerTokens.own?.keysSource).toBe('development');
    expect(settings.playerTokens.own?.keys.get('dev-tokens')?.toString('utf8')).toBe(DEVELOPMENT_TOKEN_KEY);
    expect(settings.playerTokens.own?.ttlS).toBe(3600);
    expect(settings.playerTokens.external).toBeUndefined();
    expect(settings.playerTokens.clientEventTypes).toEqual(['progression', 'drop_claimed']);
    expect(settings.receipts.keysSource).toBe('development');
    expect(settings.receipts.keys.kids).toEqual(['dev-receipts']);
    expect(settings.receipts.keys.get('dev-receipts')?.toString('utf8')).toBe(DEVELOPMENT_RECEIPT_KEY);
    expect(settings.receipts.activeKid).toBe('dev-receipts');
  });

  it('treats empty and blank strings as unset', () => {
    const blank = parseSettings({ PORT: '', HMAC_KEYS: '', LEADERBOARD_TZ: '  ', REDIS_URL: '', BUS_KIND: '' });
    expect(blank.port).toBe(7071);
    expect(blank.signing.hmacKeysSource).toBe('development');
    expect(blank.leaderboards.timeZone).toBe('UTC');
    expect(blank.redis).toBeUndefined();
    expect(blank.bus.kind).toBe('memory');
  });
});

describe('parseSettings values', () => {
  it('reads every setting it is given', () => {
    const settings = parseSettings({
      ...production,
      PORT: '8080',
      LOG_LEVEL: 'DEBUG',
      ADMIN_KEY_IDS: ' ops , ',
      ANOMALY_Z: '4.25',
      LEADERBOARD_TZ: 'Europe/Berlin',
      REDIS_URL: 'rediss://:pw-123456@cache:6380/0',
      MYSQL_URL: 'mysql://app:pw-654321@db:3306/liveops',
      TABLES_ENDPOINT: 'https://acct.table.core.windows.net',
      KEY_VAULT_URI: 'https://vault.vault.azure.net',
      SECRETS_DIR: '/mnt/secrets',
      BUS_SUB_LEADERBOARD: 'lb',
      BUS_MAX_DELIVERY_COUNT: '5',
    });
    expect(settings.port).toBe(8080);
    expect(settings.logLevel).toBe('debug');
    expect(settings.signing.hmacKeysSource).toBe('configured');
    expect(settings.signing.hmacKeys.kids).toEqual(['game-1', 'ops']);
    expect(settings.signing.adminKeyIds).toEqual(['ops']);
    expect(settings.receipts.activeKid).toBe('r1');
    expect(settings.fairness.anomalyZ).toBe(4.25);
    expect(settings.leaderboards.timeZone).toBe('Europe/Berlin');
    expect(settings.redis?.url).toBe('rediss://:pw-123456@cache:6380/0');
    expect(settings.mysql?.url).toBe('mysql://app:pw-654321@db:3306/liveops');
    expect(settings.tables).toEqual({ endpoint: 'https://acct.table.core.windows.net' });
    expect(settings.secrets).toEqual({ dir: '/mnt/secrets', keyVaultUri: 'https://vault.vault.azure.net' });
    expect(settings.bus).toMatchObject({ kind: 'servicebus', namespace: 'liveops.servicebus.windows.net', connectionString: undefined });
    expect(settings.bus.leaderboardSubscription).toBe('lb');
    expect(settings.bus.maxDeliveryCount).toBe(5);
  });

  it('grants admin to nobody by default when the ring is configured', () => {
    expect(parseSettings({ HMAC_KEYS: JSON.stringify({ k1: KEY_A }) }).signing.adminKeyIds).toEqual([]);
  });

  it('reads custom leaderboards', () => {
    const boards = [{ id: 'kills', source: { type: 'boss_kill', field: 'tier' }, operator: 'set', order: 'asc', windows: ['daily'] }];
    expect(parseSettings({ LEADERBOARDS: JSON.stringify(boards) }).leaderboards.boards).toEqual(boards);
  });

  it('returns a deeply frozen object', () => {
    const settings = parseSettings({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(() => {
      (settings as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (settings.limits as { maxBodyBytes: number }).maxBodyBytes = 1;
    }).toThrow(TypeError);
    expect(() => {
      (settings.leaderboards.boards as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (settings.leaderboards.boards[0]!.windows as string[])[0] = 'weekly';
    }).toThrow(TypeError);
    expect(() => {
      (settings.redis as { url: string }).url = 'redis://elsewhere';
    }).toThrow(TypeError);
  });

  it('prints no secret when serialised or inspected', () => {
    const settings: Settings = parseSettings({
      ...production,
      SERVICEBUS_NAMESPACE: undefined,
      SERVICEBUS_CONNECTION: 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=sas-secret-123',
      REDIS_URL: 'redis://:redis-secret-123@cache:6379',
      MYSQL_URL: 'mysql://app:mysql-secret-123@db/liveops?password=query-secret-123',
      TABLES_CONNECTION: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=table-secret-123',
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=ai-secret-123',
    });
    const printed = [JSON.stringify(settings), inspect(settings, { depth: 10 })];
    for (const text of printed) {
      for (const secret of [KEY_A, KEY_B, RECEIPT_KEY, 'sas-secret', 'redis-secret', 'mysql-secret', 'query-secret', 'table-secret', 'ai-secret']) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('cache:6379');
    }
    expect(settings.bus.connectionString).toContain('sas-secret-123');
  });
});

describe('parseSettings numeric rules', () => {
  it.each([
    ['PORT', '0', 'PORT: must be an integer from 1 to 65535'],
    ['PORT', '65536', 'PORT: must be an integer from 1 to 65535'],
    ['PORT', '80.5', 'PORT: must be an integer from 1 to 65535'],
    ['PORT', 'http', 'PORT: must be an integer from 1 to 65535'],
    ['SHUTDOWN_GRACE_S', '0', 'SHUTDOWN_GRACE_S: must be an integer from 1 to 3600'],
    ['BATCH_MAX_EVENTS', '-1', 'BATCH_MAX_EVENTS: must be an integer from 1 to 10000'],
    ['FLAG_THRESHOLD', '0', 'FLAG_THRESHOLD: must be an integer from 1 to 10000'],
    ['SEASON_ID', '0', 'SEASON_ID: must be an integer from 1 to 1000000'],
    ['LB_CACHE_MS', '-1', 'LB_CACHE_MS: must be an integer from 0 to 60000'],
    ['LB_CACHE_MS', '60001', 'LB_CACHE_MS: must be an integer from 0 to 60000'],
    ['BUS_MAX_DELIVERY_COUNT', '0', 'BUS_MAX_DELIVERY_COUNT: must be an integer from 1 to 2000'],
    ['ANOMALY_Z', '0', 'ANOMALY_Z: must be a number greater than 0 and at most 1000'],
    ['ANOMALY_Z', '-1', 'ANOMALY_Z: must be a number greater than 0 and at most 1000'],
    ['RATE_LIMIT_PLAYER_PER_SEC', 'fast', 'RATE_LIMIT_PLAYER_PER_SEC: must be a number greater than 0 and at most 1000000'],
  ])('%s=%s → %s', (setting, value, problem) => {
    expect(problemsOf({ [setting]: value })).toEqual([problem]);
  });

  it('keeps IDEMPOTENCY_TTL_S at least twice SIGNATURE_TOLERANCE_S', () => {
    expect(problemsOf({ SIGNATURE_TOLERANCE_S: '600', IDEMPOTENCY_TTL_S: '1199' })).toEqual([
      'IDEMPOTENCY_TTL_S: must be at least 2 × SIGNATURE_TOLERANCE_S (1200 s), so a captured request is either stale or a replay',
    ]);
    expect(parseSettings({ SIGNATURE_TOLERANCE_S: '600', IDEMPOTENCY_TTL_S: '1200' }).limits.idempotencyTtlS).toBe(1200);
  });

  it('rejects unknown enum values', () => {
    expect(problemsOf({ LOG_LEVEL: 'trace', BUS_KIND: 'kafka' })).toEqual([
      'BUS_KIND: must be one of memory, servicebus',
      'LOG_LEVEL: must be one of debug, info, warn, error',
    ]);
  });
});

describe('parseSettings collects problems', () => {
  it('reports every problem at once, one line each', () => {
    const error = errorOf({ PORT: '0', ANOMALY_Z: '0', LEADERBOARD_TZ: 'Mars/Olympus', SNAPSHOT_CRON: '*/15 * * * *' });
    expect(error.problems.map((p) => p.setting)).toEqual(['PORT', 'ANOMALY_Z', 'LEADERBOARD_TZ', 'SNAPSHOT_CRON']);
    expect(error.message.split('\n')).toEqual([
      'PORT: must be an integer from 1 to 65535',
      'ANOMALY_Z: must be a number greater than 0 and at most 1000',
      'LEADERBOARD_TZ: must be an IANA time zone such as UTC or Europe/Berlin',
      "SNAPSHOT_CRON: must be a 6-field cron expression with seconds first, e.g. '0 */15 * * * *'",
    ]);
    expect(error.name).toBe('SettingsError');
    expect(Object.isFrozen(error.problems)).toBe(true);
  });
});

describe('PAYLOAD_MAX', () => {
  it('overrides single field bounds and keeps the other defaults', () => {
    const settings = parseSettings({ PAYLOAD_MAX: '{"boss_kill.points": 5000}' });
    expect(settings.limits.payloadMax).toEqual({ ...DEFAULT_PAYLOAD_MAX, 'boss_kill.points': 5000 });
  });

  it('names unknown fields and bad values', () => {
    expect(() => parseSettings({ PAYLOAD_MAX: '{"boss_kill.hp": 5, "match_end.score": -1}' })).toThrow(
      /PAYLOAD_MAX: unknown field 'boss_kill.hp'[\s\S]*PAYLOAD_MAX: 'match_end.score' must be a positive integer/,
    );
    expect(() => parseSettings({ PAYLOAD_MAX: '[1]' })).toThrow(/PAYLOAD_MAX: must be a JSON object/);
  });
});

describe('fairness cross-setting rules', () => {
  it('refuses FAIRNESS_MIN_HISTORY above FAIRNESS_HISTORY and BLOCK_MAX_SEC below BLOCK_SEC', () => {
    expect(() => parseSettings({ FAIRNESS_HISTORY: '5', FAIRNESS_MIN_HISTORY: '6' })).toThrow(/FAIRNESS_MIN_HISTORY: must not exceed FAIRNESS_HISTORY \(5\)/);
    expect(() => parseSettings({ BLOCK_SEC: '600', BLOCK_MAX_SEC: '60' })).toThrow(/BLOCK_MAX_SEC: must be at least BLOCK_SEC \(600\)/);
  });

  it('reads FAIRNESS_CAPS overrides', () => {
    expect(parseSettings({ FAIRNESS_CAPS: '{"boss_kill.points": 20000}' }).fairness.caps['boss_kill.points']).toBe(20_000);
  });
});
