import { KeyRing } from './key-ring.js';
import type { Settings } from './types.js';
import type { SettingsReader } from './settings-reader.js';
import { readJsonSetting } from './settings-reader.js';

/**
 * The published development keys. Like Azurite's well-known account key they are public on
 * purpose, so `npm start` works with no settings; they are refused whenever BUS_KIND=servicebus.
 */
export const DEVELOPMENT_HMAC_KID = 'dev';
export const DEVELOPMENT_HMAC_KEY = 'liveops-dev-key-0000000000000000-not-for-production';
export const DEVELOPMENT_RECEIPT_KID = 'dev-receipts';
export const DEVELOPMENT_RECEIPT_KEY = 'liveops-dev-receipt-key-00000000-not-for-production';

const PUBLISHED_KEYS: ReadonlySet<string> = new Set([DEVELOPMENT_HMAC_KEY, DEVELOPMENT_RECEIPT_KEY]);
export const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const MIN_KEY_BYTES = 32;

interface RingOptions {
  readonly setting: string;
  readonly developmentKid: string;
  readonly developmentKey: string;
  /** With a real bus the app is a deployment, never a laptop: published keys must not sign. */
  readonly refusePublished: boolean;
}

interface ReadRing {
  readonly ring: KeyRing;
  readonly source: 'configured' | 'development';
}

function readRing(reader: SettingsReader, options: RingOptions): ReadRing {
  const { setting } = options;
  const refuse = (): void => {
    reader.problem(setting, 'the published development key is refused when BUS_KIND=servicebus');
  };
  const text = reader.value(setting);
  if (text === undefined) {
    if (options.refusePublished) refuse();
    return { ring: new KeyRing({ [options.developmentKid]: options.developmentKey }), source: 'development' };
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
  if (options.refusePublished && Object.values(keys).some((secret) => PUBLISHED_KEYS.has(secret))) refuse();
  return { ring: new KeyRing(keys), source: 'configured' };
}

/** HMAC_KEYS and ADMIN_KEY_IDS. */
export function readSigningKeys(
  reader: SettingsReader,
  options: { readonly refusePublished: boolean },
): Omit<Settings['signing'], 'toleranceS'> {
  const { ring, source } = readRing(reader, {
    setting: 'HMAC_KEYS',
    developmentKid: DEVELOPMENT_HMAC_KID,
    developmentKey: DEVELOPMENT_HMAC_KEY,
    refusePublished: options.refusePublished,
  });
  const listed = reader.value('ADMIN_KEY_IDS');
  if (listed === undefined) {
    // Locally the admin routes should just work; a configured ring grants admin to nobody by default.
    return { hmacKeys: ring, hmacKeysSource: source, adminKeyIds: source === 'development' ? [DEVELOPMENT_HMAC_KID] : [] };
  }
  const adminKeyIds = listed
    .split(',')
    .map((kid) => kid.trim())
    .filter((kid) => kid !== '');
  adminKeyIds.forEach((kid, index) => {
    if (!KID_PATTERN.test(kid)) {
      reader.problem('ADMIN_KEY_IDS', `entry #${index + 1} is not a valid key id (${KID_PATTERN.source})`);
    } else if (!reader.failed('HMAC_KEYS') && !ring.has(kid)) {
      reader.problem('ADMIN_KEY_IDS', `'${kid}' is not a kid in HMAC_KEYS`);
    }
  });
  return { hmacKeys: ring, hmacKeysSource: source, adminKeyIds: [...new Set(adminKeyIds)] };
}

/** RECEIPT_KEYS and RECEIPT_ACTIVE_KID. */
export function readReceiptKeys(reader: SettingsReader, options: { readonly refusePublished: boolean }): Settings['receipts'] {
  const { ring, source } = readRing(reader, {
    setting: 'RECEIPT_KEYS',
    developmentKid: DEVELOPMENT_RECEIPT_KID,
    developmentKey: DEVELOPMENT_RECEIPT_KEY,
    refusePublished: options.refusePublished,
  });
  const active = reader.value('RECEIPT_ACTIVE_KID');
  const ringKnown = !reader.failed('RECEIPT_KEYS');
  if (active === undefined) {
    const [only, ...others] = ring.kids;
    if (ringKnown && others.length > 0) {
      reader.problem('RECEIPT_ACTIVE_KID', 'required when RECEIPT_KEYS holds more than one key');
    }
    return { keys: ring, keysSource: source, activeKid: only ?? '' };
  }
  if (!KID_PATTERN.test(active)) {
    reader.problem('RECEIPT_ACTIVE_KID', `must be a key id (${KID_PATTERN.source})`);
  } else if (ringKnown && !ring.has(active)) {
    reader.problem('RECEIPT_ACTIVE_KID', `'${active}' is not a kid in RECEIPT_KEYS`);
  }
  return { keys: ring, keysSource: source, activeKid: active };
}
