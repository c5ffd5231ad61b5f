import { problems, type ClientError } from '../errors/errors.js';
import type { Refusal } from './access.js';

/** The problem a refusal is answered with (DESIGN §2a's status codes and problem types). */
export function toRefusalError(refusal: Refusal): ClientError {
  switch (refusal.kind) {
    case 'token-missing':
      return problems.tokenMissing();
    case 'token-invalid':
      return problems.tokenInvalid(refusal.reason);
    case 'server-only':
      return problems.forbiddenKey('Only a server key (SERVER_KEY_IDS) may call this route');
    case 'admin-only':
      return problems.forbiddenKey('An admin-only key may call /api/admin/* only; sign with a server key');
    case 'not-admin':
      return problems.forbiddenKey();
    case 'player-mismatch':
      return problems.playerMismatch(refusal.playerId);
    case 'event-type-not-allowed':
      return problems.eventTypeNotAllowed(refusal.type);
  }
}
