import { z } from 'zod';
import { MemoryBus } from '../adapters/memory/memory-bus.js';
import { memoryDeadLetterAccess } from '../adapters/memory/memory-dead-letters.js';
import { DEFAULT_DUPLICATE_DETECTION_WINDOW_MS } from '../adapters/memory/memory-topology.js';
import type { AppContext } from '../app/app-context.js';
import { problems } from '../core/errors/errors.js';
import { toFieldError } from '../core/ingestion/envelope.js';
import { matchesFilter, replayDeadLetters, type DeadLetterAccess, type DeadLetterEntry } from '../core/messaging/dead-letter-replay.js';
import { adminRoute } from '../functions/admin/admin-route.js';
import type { HttpFunctionDefinition } from '../functions/definition.js';
import { httpFunction, json } from '../functions/http/http-function.js';

const filterFields = {
  entity: z.string().min(1).max(400).optional(),
  reason: z.string().min(1).max(200).optional(),
  messageId: z.string().min(1).max(200).optional(),
};
const replayBody = z.strictObject({ ...filterFields, dryRun: z.boolean().optional() });

/** The memory bus' dead letters; a Service Bus deployment uses `npm run dlq` against Azure instead. */
function accessOf(app: AppContext): DeadLetterAccess {
  const { bus } = app;
  if (!(bus instanceof MemoryBus)) throw problems.notFound('dead letters are served here only for the in-memory bus; use `npm run dlq` against Service Bus');
  return memoryDeadLetterAccess({ bus, settings: app.settings.bus });
}

export function entryView(entry: DeadLetterEntry): Record<string, unknown> {
  return { ...entry, enqueuedTimeUtc: entry.enqueuedTimeUtc.toISOString() };
}

/**
 * Embedded host only (not in the Functions catalogue): the dead-letter tooling of `npm run dlq`
 * as admin routes, signed with an ADMIN_KEY_IDS key like the other admin routes.
 */
export const embeddedDeadLetterFunctions: readonly HttpFunctionDefinition[] = [
  httpFunction({
    name: 'adminListDeadLetters',
    route: 'admin/dead-letters',
    methods: ['GET'],
    authLevel: 'anonymous',
    build: adminRoute({
      handle: async ({ app, request }) => {
        const filter = z.object(filterFields).safeParse(Object.fromEntries(request.query.entries()));
        if (!filter.success) throw problems.validation(filter.error.issues.map((issue) => toFieldError(issue)));
        const entries = (await accessOf(app).list()).filter((e) => matchesFilter(e, filter.data));
        return json(200, { deadLetters: entries.map(entryView) });
      },
    }),
  }),
  httpFunction({
    name: 'adminReplayDeadLetters',
    route: 'admin/dead-letters/replay',
    methods: ['POST'],
    authLevel: 'anonymous',
    build: adminRoute({
      body: replayBody,
      handle: async ({ app, body, by }) => {
        const { dryRun, ...filter } = body;
        const report = await replayDeadLetters({
          access: accessOf(app),
          filter,
          dryRun: dryRun ?? false,
          nowMs: app.now(),
          duplicateWindowMs: DEFAULT_DUPLICATE_DETECTION_WINDOW_MS,
        });
        app.logger.info('dead letters replayed', { by, dryRun: report.dryRun, replayed: report.replayed.length, skipped: report.skipped.length });
        return json(200, report);
      },
    }),
  }),
];
