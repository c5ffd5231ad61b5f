import type { Settings } from './types.js';
import type { RawSettings } from './settings-reader.js';

/**
 * The settings that hold secrets (DESIGN §4). Only these are looked up in secret sources, and
 * only their values are scrubbed from logs.
 */
export const SECRET_SETTINGS = [
  'HMAC_KEYS',
  'RECEIPT_KEYS',
  'PLAYER_TOKEN_KEYS',
  'REDIS_URL',
  'MYSQL_URL',
  'SERVICEBUS_CONNECTION',
  'TABLES_CONNECTION',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
] as const;

export type SecretSetting = (typeof SECRET_SETTINGS)[number];

/** A place secrets live besides the environment: a mounted directory, a Key Vault. */
export interface SecretSource {
  /** For error messages and diagnostics, e.g. `SECRETS_DIR`. */
  readonly name: string;
  /** The value of a secret setting; `undefined` when this source does not hold it. */
  get(setting: string): Promise<string | undefined>;
}

export interface ResolveSecretsOptions {
  readonly env: RawSettings;
  /** Consulted in order; the first that holds a secret wins. */
  readonly sources: readonly SecretSource[];
}

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

async function resolveOne(setting: SecretSetting, options: ResolveSecretsOptions): Promise<string | undefined> {
  const fromEnv = options.env[setting];
  if (isSet(fromEnv)) return fromEnv;
  for (const source of options.sources) {
    // Sequential on purpose: a later source is only asked when the earlier ones lack the secret.
    const value = await source.get(setting);
    if (isSet(value)) return value;
  }
  return undefined;
}

/**
 * The environment with every secret setting resolved: a non-empty environment value wins, then
 * each source in order. Non-secret settings come from the environment only.
 */
export async function resolveSecrets(options: ResolveSecretsOptions): Promise<Record<string, string | undefined>> {
  const resolved = await Promise.all(
    SECRET_SETTINGS.map(async (setting) => [setting, await resolveOne(setting, options)] as const),
  );
  return { ...options.env, ...Object.fromEntries(resolved) };
}

/** The password of a URL, raw and percent-decoded, since a driver may print either. */
function urlPasswords(url: string): string[] {
  if (!URL.canParse(url)) return [];
  const { password } = new URL(url);
  if (password === '') return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch (error: unknown) {
    // A malformed escape cannot be decoded by a driver either; the raw form is all there is.
    if (error instanceof URIError) return [password];
    throw error;
  }
}

/** Key components of connection strings, which SDKs sometimes quote without the rest. */
function connectionStringKeys(connection: string): string[] {
  const secretParts = new Set(['sharedaccesskey', 'accountkey', 'sharedaccesssignature', 'instrumentationkey']);
  return connection.split(';').flatMap((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return [];
    return secretParts.has(part.slice(0, eq).trim().toLowerCase()) ? [part.slice(eq + 1).trim()] : [];
  });
}

/**
 * Every secret string in `settings`, longest first (so a scrubber replaces a whole URL before the
 * password inside it): key material, URLs with credentials, connection strings and their keys.
 */
export function secretValuesOf(settings: Settings): string[] {
  const connections = [
    settings.bus.connectionString,
    settings.tables !== undefined && 'connectionString' in settings.tables ? settings.tables.connectionString : undefined,
    settings.telemetry.appInsightsConnectionString,
  ].filter((c): c is string => c !== undefined);
  const urls = [settings.redis?.url, settings.mysql?.url].filter((u): u is string => u !== undefined);
  const values = [
    ...settings.signing.hmacKeys.secretValues(),
    ...settings.receipts.keys.secretValues(),
    ...(settings.playerTokens.own?.keys.secretValues() ?? []),
    ...urls,
    ...urls.flatMap(urlPasswords),
    ...connections,
    ...connections.flatMap(connectionStringKeys),
  ];
  return [...new Set(values.filter((v) => v !== ''))].sort((a, b) => b.length - a.length);
}
