import type { HttpRequestView } from '../http/request-view.js';
import type { KeyRing } from '../../core/config/key-ring.js';
import { problems } from '../../core/errors/errors.js';
import { SIGNATURE_HEADER, verifySignature as verify } from '../../core/ingestion/signing.js';
import { signedPath } from './request-body.js';

export interface SignatureCheck {
  /** The verified key id; throws 401, one problem type per reason. What the key may do is asked elsewhere. */
  (options: { readonly request: HttpRequestView; readonly body: Uint8Array; readonly bodySha256Hex?: string; readonly path?: string; readonly idempotencyKey?: string; readonly nowMs: number }): string;
}

/**
 * Builds the signature check once per handler: options are validated here, not per request
 * (Hono's `verifySignature({keys, toleranceS})` style).
 */
export function verifySignature(options: { readonly keys: KeyRing; readonly toleranceS: number }): SignatureCheck {
  const { keys, toleranceS } = options;
  if (!(Number.isInteger(toleranceS) && toleranceS > 0)) throw new Error('verifySignature: toleranceS must be a positive integer');
  if (keys.kids.length === 0) throw new Error('verifySignature: the key ring is empty');
  return ({ request, body, bodySha256Hex, path, idempotencyKey, nowMs }) => {
    const verdict = verify({
      header: request.headers.get(SIGNATURE_HEADER),
      lookupKey: (kid) => keys.get(kid),
      method: request.method,
      path: path ?? signedPath(request),
      body,
      ...(bodySha256Hex === undefined ? {} : { bodySha256Hex }),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      nowS: Math.floor(nowMs / 1000),
      toleranceS,
    });
    if (!verdict.ok) throw problems.signature(verdict.reason, toleranceS);
    return verdict.kid;
  };
}
