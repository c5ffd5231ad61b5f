import { describe, it, expect } from 'vitest';
import { parseSecretLocations, parseSettings } from '../../../src/core/config/settings.js';
import { SettingsError } from '../../../src/core/config/settings-error.js';
import { errorOf, problemsOf } from './problems.js';

const board = (fields: Record<string, unknown>): Record<string, unknown> => ({
  id: 'xp',
  source: { type: 'progression', field: 'deltaXp' },
  operator: 'incr',
  order: 'desc',
  windows: ['daily'],
  ...fields,
});
const boards = (...list: unknown[]): { LEADERBOARDS: string } => ({ LEADERBOARDS: JSON.stringify(list) });

describe('LEADERBOARDS', () => {
  it.each([
    [board({ windows: [] }), "LEADERBOARDS: board 'xp': windows must not be empty"],
    [board({ windows: ['daily', 'daily'] }), "LEADERBOARDS: board 'xp': windows must not contain duplicates"],
    [board({ windows: ['hourly'] }), "LEADERBOARDS: board 'xp': windows may contain only daily, weekly, seasonal, alltime"],
    [board({ windows: undefined }), "LEADERBOARDS: board 'xp': windows is required"],
    [board({ operator: 'max' }), "LEADERBOARDS: board 'xp': operator must be one of incr, best, set"],
    [board({ order: 'up' }), "LEADERBOARDS: board 'xp': order must be desc or asc"],
    [board({ colour: 'red' }), "LEADERBOARDS: board 'xp': unknown field 'colour'"],
    [board({ source: { type: 'progression', field: 'deltaXp', scale: 2 } }), "LEADERBOARDS: board 'xp': source: unknown field 'scale'"],
    [board({ source: 'progression.deltaXp' }), "LEADERBOARDS: board 'xp': source must be an object {\"type\",\"field\"}"],
    [board({ id: 'Bad Id' }), 'LEADERBOARDS: board #1: id must match ^[a-z0-9_]{1,32}$'],
    ['xp', 'LEADERBOARDS: board #1: must be an object'],
  ])('%j → %s', (definition, problem) => {
    expect(problemsOf(boards(definition))).toEqual([problem]);
  });

  it('rejects duplicate ids', () => {
    expect(problemsOf(boards(board({}), board({ operator: 'best' })))).toEqual([
      "LEADERBOARDS: board 'xp': id is declared more than once",
    ]);
  });

  it('reports each broken board', () => {
    expect(problemsOf(boards(board({ windows: [] }), board({ id: 'pts', order: 'up' })))).toEqual([
      "LEADERBOARDS: board 'xp': windows must not be empty",
      "LEADERBOARDS: board 'pts': order must be desc or asc",
    ]);
  });

  it.each([
    [board({ source: { type: 'boss_kil', field: 'points' } }), "LEADERBOARDS: board 'xp': source.type 'boss_kil' is not an event type (one of progression, boss_kill, drop_claimed, match_end)"],
    [board({ source: { type: 'boss_kill', field: 'pointz' } }), "LEADERBOARDS: board 'xp': source.field 'pointz' is not an integer field of boss_kill (one of tier, points)"],
    [board({ source: { type: 'boss_kill', field: 'bossId' } }), "LEADERBOARDS: board 'xp': source.field 'bossId' is not an integer field of boss_kill (one of tier, points)"],
    [board({ source: { type: 'drop_claimed', field: 'weight' } }), "LEADERBOARDS: board 'xp': source.field 'weight' is not an integer field of drop_claimed (drop_claimed has none)"],
  ])('a source that could never score stops start-up: %j', (definition, problem) => {
    expect(problemsOf(boards(definition))).toEqual([problem]);
  });

  it('accepts every integer field as a source, the tier of a boss kill included', () => {
    const settings = parseSettings(boards(board({ source: { type: 'boss_kill', field: 'tier' } }), board({ id: 'longest', source: { type: 'match_end', field: 'durationMs' }, operator: 'best' })));
    expect(settings.leaderboards.boards.map((b) => b.id)).toEqual(['xp', 'longest']);
  });

  it('refuses a PAYLOAD_MAX that would let one value pass the largest score a window encodes', () => {
    // Weekly boards hold scores up to 2^33 − 1 (8 589 934 591), daily ones up to 2^36 − 1.
    const weekly = board({ source: { type: 'match_end', field: 'score' }, operator: 'best', windows: ['daily', 'weekly'] });
    expect(problemsOf({ ...boards(weekly), PAYLOAD_MAX: JSON.stringify({ 'match_end.score': 8_589_934_592 }) })).toEqual([
      "PAYLOAD_MAX: 'match_end.score' allows 8589934592, above the largest score board 'xp' can rank on its weekly window (8589934591); lower it to at most that",
    ]);
    expect(parseSettings({ ...boards(weekly), PAYLOAD_MAX: JSON.stringify({ 'match_end.score': 8_589_934_591 }) }).limits.payloadMax['match_end.score']).toBe(8_589_934_591);
    // Only boards that rank the field are concerned.
    expect(parseSettings({ ...boards(board({})), PAYLOAD_MAX: JSON.stringify({ 'match_end.score': 2 ** 40 }) }).limits.payloadMax['match_end.score']).toBe(2 ** 40);
  });

  it('rejects invalid JSON, non-arrays and empty lists', () => {
    expect(problemsOf({ LEADERBOARDS: '[{' })).toEqual([
      'LEADERBOARDS: not valid JSON (expected [{"id","source","operator","order","windows"},…])',
    ]);
    expect(problemsOf({ LEADERBOARDS: '{}' })).toEqual(['LEADERBOARDS: must be a non-empty JSON array of board definitions']);
    expect(problemsOf({ LEADERBOARDS: '[]' })).toEqual(['LEADERBOARDS: must be a non-empty JSON array of board definitions']);
  });
});

describe('leaderboard timing', () => {
  it('accepts IANA zones and six-field crons', () => {
    const settings = parseSettings({ LEADERBOARD_TZ: 'Asia/Seoul', SNAPSHOT_CRON: '0 0 * * * *', SEASON_ID: '7' });
    expect(settings.leaderboards).toMatchObject({ timeZone: 'Asia/Seoul', snapshotCron: '0 0 * * * *', seasonId: 7 });
  });

  it('rejects unknown zones and five-field crons', () => {
    expect(problemsOf({ LEADERBOARD_TZ: 'Mars/Olympus', SNAPSHOT_CRON: '*/15 * * * *' })).toEqual([
      'LEADERBOARD_TZ: must be an IANA time zone such as UTC or Europe/Berlin',
      "SNAPSHOT_CRON: must be a 6-field cron expression with seconds first, e.g. '0 */15 * * * *'",
    ]);
  });
});

describe('databases', () => {
  it('rejects URLs of the wrong kind without echoing them', () => {
    const error = errorOf({ REDIS_URL: 'http://user:hunter2-redis@cache:6379', MYSQL_URL: 'postgres://u:hunter2-mysql@db/x' });
    expect(error.message.split('\n')).toEqual([
      'REDIS_URL: must be a redis:// or rediss:// URL',
      'MYSQL_URL: must be a mysql:// URL',
    ]);
    expect(error.message).not.toContain('hunter2');
    expect(problemsOf({ REDIS_URL: 'redis://' })).toEqual(['REDIS_URL: must be a redis:// or rediss:// URL']);
  });
});

describe('BUS_KIND=servicebus', () => {
  const keys = {
    BUS_KIND: 'servicebus',
    HMAC_KEYS: JSON.stringify({ k: 'a-very-secret-signing-key-0123456789abcdef' }),
    RECEIPT_KEYS: JSON.stringify({ r: 'a-very-secret-receipt-key-0123456789abcdef' }),
    PLAYER_TOKEN_KEYS: JSON.stringify({ t: 'a-very-secret-token-key-0123456789abcdef' }),
  };
  const connection = 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=app;SharedAccessKey=sb-secret-1';

  it('requires exactly one of SERVICEBUS_CONNECTION and SERVICEBUS_NAMESPACE', () => {
    expect(problemsOf(keys)).toEqual([
      'SERVICEBUS_CONNECTION: set exactly one of SERVICEBUS_CONNECTION and SERVICEBUS_NAMESPACE when BUS_KIND=servicebus (neither is set)',
    ]);
    expect(problemsOf({ ...keys, SERVICEBUS_CONNECTION: connection, SERVICEBUS_NAMESPACE: 'ns.servicebus.windows.net' })).toEqual([
      'SERVICEBUS_CONNECTION: set exactly one of SERVICEBUS_CONNECTION and SERVICEBUS_NAMESPACE when BUS_KIND=servicebus (both are set)',
    ]);
  });

  it('accepts a connection string and checks its shape without echoing it', () => {
    expect(parseSettings({ ...keys, SERVICEBUS_CONNECTION: connection }).bus.connectionString).toBe(connection);
    const error = errorOf({ ...keys, SERVICEBUS_CONNECTION: 'sb-secret-2' });
    expect(error.message).toBe(
      'SERVICEBUS_CONNECTION: must be a Service Bus connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…)',
    );
    expect(error.message).not.toContain('sb-secret-2');
  });

  it('rejects a namespace that is not a host name', () => {
    expect(problemsOf({ ...keys, SERVICEBUS_NAMESPACE: 'https://ns' })).toEqual([
      'SERVICEBUS_NAMESPACE: must be a fully qualified namespace such as <name>.servicebus.windows.net',
    ]);
  });

  it('validates entity names', () => {
    expect(problemsOf({ BUS_SUB_PROGRESSION: 'has space' })).toEqual([
      "BUS_SUB_PROGRESSION: must be a Service Bus entity name (letters, digits, '.', '_', '-'; at most 50 characters)",
    ]);
  });
});

describe('tables, secrets and telemetry', () => {
  it('accepts either TABLES_CONNECTION or TABLES_ENDPOINT, not both', () => {
    const connection = 'UseDevelopmentStorage=true';
    expect(parseSettings({ TABLES_CONNECTION: connection }).tables).toEqual({ connectionString: connection });
    expect(parseSettings({ TABLES_ENDPOINT: 'http://127.0.0.1:10002/devstoreaccount1' }).tables).toEqual({
      endpoint: 'http://127.0.0.1:10002/devstoreaccount1',
    });
    expect(problemsOf({ TABLES_CONNECTION: connection, TABLES_ENDPOINT: 'https://a.table.core.windows.net' })).toEqual([
      'TABLES_CONNECTION: set only one of TABLES_CONNECTION and TABLES_ENDPOINT',
    ]);
    expect(problemsOf({ TABLES_ENDPOINT: 'ftp://tables' })).toEqual(['TABLES_ENDPOINT: must be an http:// or https:// URL']);
  });

  it('requires KEY_VAULT_URI to be https', () => {
    expect(problemsOf({ KEY_VAULT_URI: 'http://vault.vault.azure.net' })).toEqual(['KEY_VAULT_URI: must be an https:// URL']);
    expect(() => parseSecretLocations({ KEY_VAULT_URI: 'vault' })).toThrow(SettingsError);
    expect(parseSecretLocations({ SECRETS_DIR: '/mnt/secrets' })).toEqual({ dir: '/mnt/secrets', keyVaultUri: undefined });
  });

  it('keeps the Application Insights connection string', () => {
    const ai = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x.in.applicationinsights.azure.com/';
    expect(parseSettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: ai }).telemetry.appInsightsConnectionString).toBe(ai);
  });
});
