import { KeyRing } from './key-ring.js';
import type { Settings } from './types.js';
import type { SettingsReader } from './settings-reader.js';
import { readJsonSetting } from './settings-reader.js';

/**
 * The published development keys. Like Azurite's well-known account key they are public on
 * purpose, so `npm start` works with no settings; they are refused in anything that looks like a
 * deployment (see `publishedKeysRefusal` in settings-deployment.ts).
 */
export const DEVELOPMENT_HMAC_KID = 'dev';
export const DEVELOPMENT_HMAC_KEY = 'liveops-dev-key-0000000000000000-not-for-production';
/** The published development *client* key: signs like a game client, so it needs a player token. */
export const DEVELOPMENT_CLIENT_KID = 'dev-client';
export const DEVELOPMENT_CLIENT_KEY = 'liveops-dev-client-key-000000000-not-for-production';
export const DEVELOPMENT_RECEIPT_KID = 'dev-receipts';
export const DEVELOPMENT_RECEIPT_KEY = 'liveops-dev-receipt-key-00000000-not-for-production';
/** The published development key of the PLAYER_TOKEN_KEYS ring (HS256 player tokens). */
export const DEVELOPMENT_TOKEN_KID = 'dev-tokens';
export const DEVELOPMENT_TOKEN_KEY = 'liveops-dev-token-key-0000000000-not-for-production';

const PUBLISHED_KEYS: ReadonlySet<string> = new Set([DEVELOPMENT_HMAC_KEY, DEVELOPMENT_CLIENT_KEY, DEVELOPMENT_RECEIPT_KEY, DEVELOPMENT_TOKEN_KEY]);
export const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const MIN_KEY_BYTES = 32;

interface RingOptions {
  readonly setting: string;
  /** The published ring used when the setting is unset. */
  readonly development: Readonly<Record<string, string>>;
  /** Why published keys must not sign here (a deployment, never a laptop); undefined: they may. */
  readonly refusePublished: string | undefined;
}

interface ReadRing {
  readonly ring: KeyRing;
  readonly source: 'configured' | 'development';
}

export function readRing(reader: SettingsReader, options: RingOptions): ReadRing {
  const { setting } = options;
  const refuse = (why: string): void => {
    reader.problem(setting, `the published development key is refused when ${why}`);
  };
  const why = options.refusePublished;
  const text = reader.value(setting);
  if (text === undefined) {
    if (why !== undefined) refuse(why);
    return { ring: new KeyRing(options.development), source: 'development' };
  }
  const empty = { ring: new KeyRing({}), source: 'configured' } as const;
  const json = readJsonSetting(reader, setting, '{"kid":"secret",…}');
  if (json?.ok !== true) return empty;
  const parsed = json.value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    reader.problem(setting, 'must be a JSON object {"kid":"secret",…}');
    return empty;
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) reader.problem(setting, 'must contain at least one key');
  const keys: Record<string, string> = {};
  entries.forEach(([kid, secret], index) => {
    // An id that fails the pattern may be a pasted secret, so it is named by position only.
    if (!KID_PATTERN.test(kid)) {
      reader.problem(setting, `key #${index + 1} has an invalid id; ids must match ${KID_PATTERN.source}`);
    } else if (typeof secret !== 'string') {
      reader.problem(setting, `key '${kid}' must be a string`);
    } else if (Buffer.byteLength(secret, 'utf8') < MIN_KEY_BYTES) {
      reader.problem(setting, `key '${kid}' is ${Buffer.byteLength(secret, 'utf8')} bytes; at least ${MIN_KEY_BYTES} required`);
    } else {
      keys[kid] = secret;
    }
  });
  if (why !== undefined && Object.values(keys).some((secret) => PUBLISHED_KEYS.has(secret))) refuse(why);
  return { ring: new KeyRing(keys), source: 'configured' };
}

/**
 * HMAC_KEYS, SERVER_KEY_IDS and ADMIN_KEY_IDS (DESIGN §2a). With the published ring, `dev` is a
 * server and admin key and `dev-client` a client key, so `npm start` needs nothing; a configured
 * ring grants the server and admin roles to nobody by default, so every key is a client key until
 * an operator says otherwise.
 */
export function readSigningKeys(
  reader: SettingsReader,
  options: { readonly refusePublished: string | undefined },
): Omit<Settings['signing'], 'toleranceS'> {
  const { ring, source } = readRing(reader, {
    setting: 'HMAC_KEYS',
    development: { [DEVELOPMENT_HMAC_KID]: DEVELOPMENT_HMAC_KEY, [DEVELOPMENT_CLIENT_KID]: DEVELOPMENT_CLIENT_KEY },
    refusePublished: options.refusePublished,
  });
  const roleList = (setting: string): string[] => {
    const listed = reader.value(setting);
    if (listed === undefined) return source === 'development' ? [DEVELOPMENT_HMAC_KID] : [];
    const kids = listed
      .split(',')
      .map((kid) => kid.trim())
      .filter((kid) => kid !== '');
    kids.forEach((kid, index) => {
      if (!KID_PATTERN.test(kid)) {
        reader.problem(setting, `entry #${index + 1} is not a valid key id (${KID_PATTERN.source})`);
      } else if (!reader.failed('HMAC_KEYS') && !ring.has(kid)) {
        reader.problem(setting, `'${kid}' is not a kid in HMAC_KEYS`);
      }
    });
    return [...new Set(kids)];
  };
  return { hmacKeys: ring, hmacKeysSource: source, serverKeyIds: roleList('SERVER_KEY_IDS'), adminKeyIds: roleList('ADMIN_KEY_IDS') };
}

/**
 * The kid that signs new tokens or receipts: `setting` when given (it must be in the ring), else
 * the ring's only key; several keys without a choice is a problem, since either could be meant.
 */
export function readActiveKid(reader: SettingsReader, options: { readonly setting: string; readonly ringSetting: string; readonly ring: KeyRing }): string {
  const { setting, ringSetting, ring } = options;
  const active = reader.value(setting);
  const ringKnown = !reader.failed(ringSetting);
  if (active === undefined) {
    const [only, ...others] = ring.kids;
    if (ringKnown && others.length > 0) reader.problem(setting, `required when ${ringSetting} holds more than one key`);
    return only ?? '';
  }
  if (!KID_PATTERN.test(active)) {
    reader.problem(setting, `must be a key id (${KID_PATTERN.source})`);
  } else if (ringKnown && !ring.has(active)) {
    reader.problem(setting, `'${active}' is not a kid in ${ringSetting}`);
  }
  return active;
}

/** RECEIPT_KEYS and RECEIPT_ACTIVE_KID. */
export function readReceiptKeys(reader: SettingsReader, options: { readonly refusePublished: string | undefined }): Settings['receipts'] {
  const { ring, source } = readRing(reader, {
    setting: 'RECEIPT_KEYS',
    development: { [DEVELOPMENT_RECEIPT_KID]: DEVELOPMENT_RECEIPT_KEY },
    refusePublished: options.refusePublished,
  });
  return { keys: ring, keysSource: source, activeKid: readActiveKid(reader, { setting: 'RECEIPT_ACTIVE_KID', ringSetting: 'RECEIPT_KEYS', ring }) };
}
