import type { FunctionDefinition } from './definition.js';
import { fairnessAdminFunctions } from './admin/fairness-admin.js';
import { fairness } from './fairness/fairness.js';
import { ledgerPruneTimer } from './progression/ledger-prune.js';
import { progression } from './progression/progression.js';
import { progressionRoutes } from './progression/routes.js';
import { postEvent, postEventBatch } from './gateway/events.js';
import { leaderboardFunctions } from './leaderboard/functions.js';
import { healthz, readyz } from './health.js';
import { openApiFunction } from './openapi/openapi.js';
import { postSession } from './auth/sessions.js';
import { consoleFunction, defaultConsoleDir } from './console/console.js';

/**
 * Every function of the app. The Functions host entry (index.ts) registers these with `app.*`;
 * the embedded host serves them; the OpenAPI document is generated from this list.
 */
export const functions: readonly FunctionDefinition[] = [
  healthz,
  readyz,
  postSession,
  postEvent,
  postEventBatch,
  fairness,
  ...fairnessAdminFunctions,
  progression,
  ...progressionRoutes,
  ledgerPruneTimer,
  ...leaderboardFunctions,
  openApiFunction({ catalog: () => functions }),
  consoleFunction({ dir: defaultConsoleDir() }),
];
