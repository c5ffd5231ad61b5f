import { z } from 'zod';
import { OWN_AUDIENCE } from '../auth/player-tokens.js';
import { EVENT_TYPES, type EventType } from '../ingestion/envelope.js';
import { DEVELOPMENT_TOKEN_KEY, DEVELOPMENT_TOKEN_KID, readActiveKid, readRing } from './settings-key-rings.js';
import { integer, urlWith, type SettingsReader } from './settings-reader.js';
import type { Settings } from './types.js';

/** CLIENT_EVENT_TYPES' default (DESIGN §2a): what a game client may report itself. */
export const DEFAULT_CLIENT_EVENT_TYPES: readonly EventType[] = ['progression', 'drop_claimed'];
const WEEK_S = 7 * 86_400;

/**
 * Player session tokens (DESIGN §2a): our HS256 ring (PLAYER_TOKEN_KEYS, PLAYER_TOKEN_ACTIVE_KID,
 * PLAYER_TOKEN_TTL_S) and, optionally, the studio's identity provider (PLAYER_TOKEN_JWKS_URL with
 * its issuer, audience and player claim). With the IdP configured and no ring of our own, minting
 * is off rather than falling back to the published development key.
 */
export function readPlayerTokens(reader: SettingsReader, options: { readonly refusePublished: string | undefined }): Settings['playerTokens'] {
  const jwksUrl = reader.readOptional('PLAYER_TOKEN_JWKS_URL', urlWith(['https:', 'http:'], 'must be an http(s) URL of a JWKS document'));
  const ringUnset = reader.value('PLAYER_TOKEN_KEYS') === undefined;
  // A deployment that takes its players' tokens from the studio need not mint any itself.
  const mintingOff = ringUnset && options.refusePublished !== undefined && (jwksUrl !== undefined || reader.failed('PLAYER_TOKEN_JWKS_URL'));
  const { ring, source } = mintingOff
    ? { ring: undefined, source: 'configured' as const }
    : readRing(reader, { setting: 'PLAYER_TOKEN_KEYS', development: { [DEVELOPMENT_TOKEN_KID]: DEVELOPMENT_TOKEN_KEY }, refusePublished: options.refusePublished });
  const own =
    ring === undefined
      ? undefined
      : {
          keys: ring,
          keysSource: source,
          activeKid: readActiveKid(reader, { setting: 'PLAYER_TOKEN_ACTIVE_KID', ringSetting: 'PLAYER_TOKEN_KEYS', ring }),
          ttlS: reader.read('PLAYER_TOKEN_TTL_S', integer({ min: 60, max: WEEK_S }), 3600),
        };
  const issuer = reader.value('PLAYER_TOKEN_ISSUER');
  const audience = reader.value('PLAYER_TOKEN_AUDIENCE') ?? OWN_AUDIENCE;
  const playerClaim = reader.read('PLAYER_TOKEN_PLAYER_CLAIM', z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/, { error: 'must be a JWT claim name' }), 'sub');
  if (jwksUrl !== undefined && issuer === undefined) {
    reader.problem('PLAYER_TOKEN_ISSUER', 'required with PLAYER_TOKEN_JWKS_URL: a token is only accepted from the issuer you name');
  }
  if (jwksUrl === undefined && !reader.failed('PLAYER_TOKEN_JWKS_URL')) {
    for (const setting of ['PLAYER_TOKEN_ISSUER', 'PLAYER_TOKEN_AUDIENCE', 'PLAYER_TOKEN_PLAYER_CLAIM']) {
      if (reader.value(setting) !== undefined) reader.problem(setting, 'only means something with PLAYER_TOKEN_JWKS_URL');
    }
  }
  return {
    own,
    external: jwksUrl === undefined ? undefined : { jwksUrl, issuer: issuer ?? '', audience, playerClaim },
    clientEventTypes: readClientEventTypes(reader),
  };
}

const CLAIM_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:/-]{0,127}$/, { error: 'must be a JWT claim name' });

/**
 * STAFF_TOKEN_AUDIENCE (+ STAFF_TOKEN_ROLE_CLAIM, STAFF_TOKEN_NAME_CLAIM): staff sign in to the
 * console with the studio's identity provider. Same JWKS and issuer as the players' tokens, but
 * its own audience, so no player token is ever a staff token.
 */
export function readStaffTokens(reader: SettingsReader, playerTokens: Settings['playerTokens']): Settings['staffTokens'] {
  const audience = reader.value('STAFF_TOKEN_AUDIENCE');
  if (audience === undefined) {
    for (const setting of ['STAFF_TOKEN_ROLE_CLAIM', 'STAFF_TOKEN_NAME_CLAIM']) {
      if (reader.value(setting) !== undefined) reader.problem(setting, 'only means something with STAFF_TOKEN_AUDIENCE');
    }
    return { idp: undefined };
  }
  if (playerTokens.external === undefined && !reader.failed('PLAYER_TOKEN_JWKS_URL')) reader.problem('STAFF_TOKEN_AUDIENCE', 'needs PLAYER_TOKEN_JWKS_URL and PLAYER_TOKEN_ISSUER: staff tokens come from the same identity provider');
  if (audience === playerTokens.external?.audience) reader.problem('STAFF_TOKEN_AUDIENCE', 'must differ from PLAYER_TOKEN_AUDIENCE, or every player token would open the admin routes');
  return {
    idp: {
      audience,
      roleClaim: reader.read('STAFF_TOKEN_ROLE_CLAIM', CLAIM_NAME, 'liveops_role'),
      nameClaim: reader.read('STAFF_TOKEN_NAME_CLAIM', CLAIM_NAME, 'email'),
    },
  };
}

/** CLIENT_EVENT_TYPES: the event types a client key may send; the rest only server keys. */
function readClientEventTypes(reader: SettingsReader): readonly EventType[] {
  const listed = reader.value('CLIENT_EVENT_TYPES');
  if (listed === undefined) return DEFAULT_CLIENT_EVENT_TYPES;
  const types = listed
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const valid: EventType[] = [];
  types.forEach((type, index) => {
    if (isEventType(type)) valid.push(type);
    else reader.problem('CLIENT_EVENT_TYPES', `entry #${index + 1} is not an event type (${EVENT_TYPES.join(', ')})`);
  });
  return [...new Set(valid)];
}

function isEventType(type: string): type is EventType {
  return (EVENT_TYPES as readonly string[]).includes(type);
}
