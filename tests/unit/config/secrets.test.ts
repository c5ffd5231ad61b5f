import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { directorySecretSource } from '../../../src/adapters/secrets/directory-source.js';
import { keyVaultSecretSource, type KeyVaultSecretReader } from '../../../src/adapters/secrets/key-vault-source.js';
import { loadSettings } from '../../../src/app/load-settings.js';
import { resolveSecrets, secretValuesOf, SECRET_SETTINGS, type SecretSource } from '../../../src/core/config/secrets.js';
import { parseSettings } from '../../../src/core/config/settings.js';

const ring = (kid: string, secret: string): string => JSON.stringify({ [kid]: secret });
const KEY = (tag: string): string => `${tag}-secret-key-material-0123456789abcdef`;

/** A fake Key Vault: names → values; missing names answer like the service does (404). */
function fakeVault(secrets: Record<string, string>, asked: string[] = []): KeyVaultSecretReader {
  return {
    getSecret(name) {
      asked.push(name);
      const value = secrets[name];
      if (value !== undefined) return Promise.resolve({ value });
      return Promise.reject(Object.assign(new Error(`${name} not found`), { statusCode: 404, code: 'SecretNotFound' }));
    },
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'liveops-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveSecrets', () => {
  it('resolves environment → SECRETS_DIR → Key Vault, first defined wins', async () => {
    await writeFile(join(dir, 'HMAC_KEYS'), ring('from-dir', KEY('dir')));
    await writeFile(join(dir, 'RECEIPT-KEYS'), `${ring('from-dir', KEY('dir-receipt'))}\n`);
    const vault = keyVaultSecretSource({
      vaultUrl: 'https://v.vault.azure.net',
      client: fakeVault({
        'HMAC-KEYS': ring('from-vault', KEY('vault')),
        'RECEIPT-KEYS': ring('from-vault', KEY('vault')),
        'REDIS-URL': 'redis://:vault-pw@cache:6379',
      }),
    });
    const resolved = await resolveSecrets({
      env: { HMAC_KEYS: ring('from-env', KEY('env')), MYSQL_URL: '', PORT: '8080' },
      sources: [directorySecretSource(dir), vault],
    });
    expect(resolved.HMAC_KEYS).toBe(ring('from-env', KEY('env')));
    expect(resolved.RECEIPT_KEYS).toBe(ring('from-dir', KEY('dir-receipt')));
    expect(resolved.REDIS_URL).toBe('redis://:vault-pw@cache:6379');
    expect(resolved.MYSQL_URL).toBeUndefined();
    expect(resolved.PORT).toBe('8080');
  });

  it('asks sources for secret settings only, and only until one answers', async () => {
    const asked: string[] = [];
    const first: SecretSource = {
      name: 'first',
      get: (setting) => {
        asked.push(`first:${setting}`);
        return Promise.resolve(setting === 'REDIS_URL' ? 'redis://cache' : '');
      },
    };
    const second: SecretSource = {
      name: 'second',
      get: (setting) => {
        asked.push(`second:${setting}`);
        return Promise.resolve(undefined);
      },
    };
    await resolveSecrets({ env: { PORT: '1', HMAC_KEYS: 'x' }, sources: [first, second] });
    expect(asked.filter((a) => a.startsWith('first:'))).toEqual(
      SECRET_SETTINGS.filter((s) => s !== 'HMAC_KEYS').map((s) => `first:${s}`),
    );
    expect(asked).not.toContain('second:REDIS_URL');
    expect(asked).not.toContain('first:PORT');
  });
});

describe('directorySecretSource', () => {
  it('finds HMAC_KEYS, HMAC-KEYS or hmac-keys and trims one trailing newline', async () => {
    const source = directorySecretSource(dir);
    await writeFile(join(dir, 'hmac-keys'), 'lower\n\n');
    expect(await source.get('HMAC_KEYS')).toBe('lower\n');
    await writeFile(join(dir, 'HMAC-KEYS'), 'hyphen\r\n');
    expect(await source.get('HMAC_KEYS')).toBe('hyphen');
    await writeFile(join(dir, 'HMAC_KEYS'), 'exact');
    expect(await source.get('HMAC_KEYS')).toBe('exact');
    expect(await source.get('MYSQL_URL')).toBeUndefined();
  });

  it('names SECRETS_DIR when the directory is missing', async () => {
    const missing = join(dir, 'not-mounted');
    await expect(directorySecretSource(missing).get('HMAC_KEYS')).rejects.toThrow(
      `SECRETS_DIR: directory '${missing}' does not exist`,
    );
  });

  it('names the file but not its content on other errors', async () => {
    await mkdir(join(dir, 'HMAC_KEYS'));
    await expect(directorySecretSource(dir).get('HMAC_KEYS')).rejects.toThrow(
      `SECRETS_DIR: cannot read secret file '${join(dir, 'HMAC_KEYS')}' (EISDIR)`,
    );
    if (process.getuid?.() !== 0) {
      await writeFile(join(dir, 'REDIS_URL'), 'redis://:unreadable-pw@cache');
      await chmod(join(dir, 'REDIS_URL'), 0o000);
      const error: unknown = await directorySecretSource(dir).get('REDIS_URL').catch((e: unknown) => e);
      expect(String(error)).toContain('(EACCES)');
      expect(String(error)).not.toContain('unreadable-pw');
    }
  });
});

describe('keyVaultSecretSource', () => {
  it('maps setting names to Key Vault names and 404 to undefined', async () => {
    const asked: string[] = [];
    const source = keyVaultSecretSource({ vaultUrl: 'https://v.vault.azure.net', client: fakeVault({ 'TABLES-CONNECTION': 'c' }, asked) });
    expect(await source.get('TABLES_CONNECTION')).toBe('c');
    expect(await source.get('HMAC_KEYS')).toBeUndefined();
    expect(asked).toEqual(['TABLES-CONNECTION', 'HMAC-KEYS']);
  });

  it('names KEY_VAULT_URI, the secret and the code on other errors, never the details', async () => {
    const client: KeyVaultSecretReader = {
      getSecret: () =>
        Promise.reject(Object.assign(new Error('response body mentions leaked-value'), { statusCode: 403, code: 'Forbidden' })),
    };
    const error: unknown = await keyVaultSecretSource({ vaultUrl: 'https://v.vault.azure.net', client })
      .get('HMAC_KEYS')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("KEY_VAULT_URI: cannot read secret 'HMAC-KEYS' (Forbidden, 403)");
    expect((error as Error).cause).toBeUndefined();
  });
});

describe('loadSettings', () => {
  it('loads from the environment, SECRETS_DIR and Key Vault, in that order', async () => {
    await writeFile(join(dir, 'HMAC-KEYS'), ring('dir', KEY('dir')));
    const settings = await loadSettings(
      { SECRETS_DIR: dir, KEY_VAULT_URI: 'https://v.vault.azure.net', PORT: '9000', BUS_KIND: 'servicebus', SERVICEBUS_NAMESPACE: 'n.servicebus.windows.net' },
      { keyVaultClient: fakeVault({ 'HMAC-KEYS': ring('vault', KEY('vault')), 'RECEIPT-KEYS': ring('r', KEY('vault-receipt')), 'PLAYER-TOKEN-KEYS': ring('t', KEY('vault-token')) }) },
    );
    expect(settings.port).toBe(9000);
    expect(settings.signing.hmacKeys.kids).toEqual(['dir']);
    expect(settings.receipts.keys.kids).toEqual(['r']);
    expect(settings.playerTokens.own?.keys.kids).toEqual(['t']);
  });

  it('refuses the development keys with the real bus when no source provides keys', async () => {
    await expect(loadSettings({ SECRETS_DIR: dir, BUS_KIND: 'servicebus', SERVICEBUS_NAMESPACE: 'n.servicebus.windows.net' })).rejects.toThrow(
      'HMAC_KEYS: the published development key is refused when BUS_KIND=servicebus\nRECEIPT_KEYS: the published development key is refused when BUS_KIND=servicebus\n' +
        'PLAYER_TOKEN_KEYS: the published development key is refused when BUS_KIND=servicebus',
    );
  });

  it('fails clearly when SECRETS_DIR is not mounted', async () => {
    await expect(loadSettings({ SECRETS_DIR: join(dir, 'nope') })).rejects.toThrow(/^SECRETS_DIR: directory '.*' does not exist$/);
  });
});

describe('secretValuesOf', () => {
  it('lists key material, URLs, passwords and connection-string keys, longest first', () => {
    const settings = parseSettings({
      HMAC_KEYS: ring('k', KEY('hmac')),
      RECEIPT_KEYS: ring('r', KEY('receipt')),
      PLAYER_TOKEN_KEYS: ring('t', KEY('token')),
      REDIS_URL: 'redis://:p%40ss-word@cache:6379',
      MYSQL_URL: 'mysql://app:db-password@db/liveops',
      TABLES_CONNECTION: 'AccountName=a;AccountKey=table-key==',
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=ai-key',
    });
    const values = secretValuesOf(settings);
    for (const expected of [
      KEY('hmac'),
      KEY('receipt'),
      KEY('token'),
      'redis://:p%40ss-word@cache:6379',
      'p%40ss-word',
      'p@ss-word',
      'mysql://app:db-password@db/liveops',
      'db-password',
      'AccountName=a;AccountKey=table-key==',
      'table-key==',
      'InstrumentationKey=ai-key',
    ]) {
      expect(values).toContain(expected);
    }
    expect(values.map((v) => v.length)).toEqual([...values.map((v) => v.length)].sort((a, b) => b - a));
    // The published rings: dev and dev-client, dev-receipts, dev-tokens.
    expect(secretValuesOf(parseSettings({}))).toHaveLength(4);
  });
});
