import type { ServerResponse } from 'node:http';
import { MemoryBus } from '../adapters/memory/memory-bus.js';
import type { AppContext } from '../app/app-context.js';
import type { BusSource, DeadLetter } from '../core/messaging/bus.js';
import type { ExtraRoute } from './http-server.js';

/** Where the embedded host lists the memory bus's dead letters (outside `/api`: not a function). */
export const DEAD_LETTERS_PATH = '/_embedded/dead-letters';

/**
 * Routes the embedded host serves itself, outside the function catalogue: `/metrics` (in a pod the
 * sidecar serves it) and, for the in-memory bus, the dead-letter list a developer inspects. With
 * Service Bus the dead-letter queues live in Azure (Service Bus Explorer), so the route answers 404.
 */
export function hostRoutes(app: AppContext): readonly ExtraRoute[] {
  return [
    {
      path: '/metrics',
      handle: async (res) => {
        send(res, 200, app.metrics.contentType, await app.metrics.metrics());
      },
    },
    {
      path: DEAD_LETTERS_PATH,
      handle: (res) => {
        const { bus } = app;
        if (!(bus instanceof MemoryBus)) {
          send(res, 404, 'application/problem+json', JSON.stringify({
            type: 'urn:liveops:problem:not-found',
            title: 'Not Found',
            status: 404,
            detail: 'Dead letters are only listed here for the in-memory bus; use Service Bus Explorer for BUS_KIND=servicebus.',
          }));
          return Promise.resolve();
        }
        const sources = busSources(app).map(({ label, source }) => ({
          source: label,
          deadLetters: bus.deadLetters(source).map(toDeadLetterView),
        }));
        send(res, 200, 'application/json', JSON.stringify({ sources }, null, 2));
        return Promise.resolve();
      },
    },
  ];
}

/** Every queue and subscription of DESIGN §3, named as in Service Bus (`topic/subscription`). */
function busSources(app: AppContext): readonly { label: string; source: BusSource }[] {
  const b = app.settings.bus;
  return [
    { label: b.ingressQueue, source: { queue: b.ingressQueue } },
    { label: `${b.verifiedTopic}/${b.progressionSubscription}`, source: { topic: b.verifiedTopic, subscription: b.progressionSubscription } },
    { label: `${b.verifiedTopic}/${b.leaderboardSubscription}`, source: { topic: b.verifiedTopic, subscription: b.leaderboardSubscription } },
  ];
}

function toDeadLetterView(dead: DeadLetter): Record<string, unknown> {
  const { message } = dead;
  return {
    messageId: message.messageId,
    sessionId: message.sessionId,
    deliveryCount: message.deliveryCount,
    reason: dead.reason,
    description: dead.description,
    deadLetteredAt: dead.deadLetteredAt.toISOString(),
    enqueuedTimeUtc: message.enqueuedTimeUtc.toISOString(),
    applicationProperties: message.applicationProperties,
    body: message.body,
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}
