import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import type { HttpRequest } from '@azure/functions';
import { DEVELOPMENT_CLIENT_KEY, DEVELOPMENT_CLIENT_KID } from '../../src/core/config/settings-key-rings.js';
import { signedRequest } from './gateway.js';

/** A request signed with the published client key (`dev-client`), with a bearer token when given. */
export function clientRequest(options: Parameters<typeof signedRequest>[0] & { readonly token?: string }): HttpRequest {
  const { token, headers, ...rest } = options;
  return signedRequest({
    kid: DEVELOPMENT_CLIENT_KID,
    key: DEVELOPMENT_CLIENT_KEY,
    ...rest,
    headers: { ...headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  });
}

export interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
}

export async function signingKey(kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** An identity provider's token, signed with `key`; claims override the defaults. */
export function idpToken(key: SigningKey, options: { readonly claims?: Record<string, unknown>; readonly nowS: number; readonly issuer?: string; readonly audience?: string; readonly expS?: number; readonly kid?: string | null }): Promise<string> {
  const header = options.kid === null ? { alg: key.alg } : { alg: key.alg, kid: options.kid ?? key.kid };
  return new SignJWT({ sub: 'alice', ...options.claims })
    .setProtectedHeader(header)
    .setIssuer(options.issuer ?? 'https://idp.example.test')
    .setAudience(options.audience ?? 'liveops')
    .setIssuedAt(options.nowS)
    .setExpirationTime(options.expS ?? options.nowS + 600)
    .sign(key.privateKey);
}

/** A JWKS endpoint on 127.0.0.1 whose key set (and availability) a test controls. */
export interface JwksServer {
  readonly url: string;
  /** Requests it has answered. */
  readonly hits: () => number;
  setKeys(keys: readonly JWK[]): void;
  /** `down`: answer 503 to every request, as an IdP outage would. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: readonly JWK[]): Promise<JwksServer> {
  let current = [...keys];
  let down = false;
  let hits = 0;
  const server: Server = createServer((_request, response) => {
    hits += 1;
    if (down) {
      response.writeHead(503).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: current }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    setKeys: (next) => {
      current = [...next];
    },
    setDown: (value) => {
      down = value;
    },
    close: () => new Promise((resolve) => server.close(() => { resolve(); })),
  };
}
