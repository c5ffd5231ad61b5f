import type { FunctionDefinition } from './definition.js';
import { healthz, readyz } from './health.js';

/**
 * Every function of the app. The Functions host entry (index.ts) registers these with `app.*`;
 * the embedded host serves them; the OpenAPI test checks routes against this list.
 */
export const functions: readonly FunctionDefinition[] = [healthz, readyz];
