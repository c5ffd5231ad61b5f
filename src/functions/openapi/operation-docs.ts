import type { z } from 'zod';
import type { Settings } from '../../core/config/types.js';
import type { RouteAccess } from '../../core/auth/access.js';

/**
 * What the OpenAPI document says about one HTTP function. Schemas are zod schemas built from the
 * settings, the very ones that validate requests, so the document cannot drift from the code.
 */
export interface OperationDocs {
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** Who may call it (DESIGN §2a); unset for public routes. Rendered as the operation's `security`. */
  readonly auth?: RouteAccess;
  /** Accepts `Idempotency-Key`. */
  readonly idempotent?: boolean;
  readonly requestBody?: (settings: Settings) => z.ZodType;
  /** Query parameters, as one object schema. */
  readonly query?: (settings: Settings) => z.ZodObject;
  /** Status → description and, for JSON bodies, the schema; problem statuses need no schema. */
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: (settings: Settings) => z.ZodType }>>;
}
