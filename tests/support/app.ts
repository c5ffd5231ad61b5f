import { createJsonLogger, silentLogger } from '../../src/adapters/logging/json-logger.js';
import type { AppContext } from '../../src/app/app-context.js';
import { createAppContext } from '../../src/app/composition-root.js';
import { parseSettings } from '../../src/core/config/settings.js';
import type { Logger } from '../../src/core/logging/logger.js';

/** An AppContext on the embedded defaults plus `env` overrides, with logs captured in `lines`. */
export function testApp(options: { env?: Record<string, string>; now?: () => number; sleep?: (ms: number) => Promise<void>; captureLogs?: boolean } = {}): {
  app: AppContext;
  lines: string[];
} {
  const lines: string[] = [];
  const settings = parseSettings({ ...options.env });
  const logger: Logger = options.captureLogs
    ? createJsonLogger({ level: 'debug', write: (l) => lines.push(l) })
    : silentLogger;
  const app = createAppContext({ settings, logger, ...(options.now ? { now: options.now } : {}), ...(options.sleep ? { sleep: options.sleep } : {}) });
  return { app, lines };
}
