/**
 * One Functions host around one AppContext: the app's definitions registered through the real
 * `@azure/functions` (src/functions/register.ts), HTTP served through the library's stream proxy,
 * and the app's memory bus playing Service Bus behind the host: it delivers session batches to
 * the triggers, and the host settles them the way the real one does — success completes the
 * batch, any failure abandons all of it (the host never sees a PoisonMessageError), and the
 * broker dead-letters after the max delivery count.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/app/app-context.js';
import { resolveBindingExpression } from '../../src/core/config/binding-expressions.js';
import { DEVELOPMENT_HMAC_KEY } from '../../src/core/config/settings-key-rings.js';
import { signRequest } from '../../src/core/ingestion/signing.js';
import type { BusSource, DeadLetter, ReceivedMessage, Subscription } from '../../src/core/messaging/bus.js';
import { MemoryBus } from '../../src/adapters/memory/memory-bus.js';
import { FunctionsCore, installFunctionsCore } from './functions-core.js';
import { WorkerHost } from './worker-host.js';

/** host.json `extensions.serviceBus.maxMessageBatchSize`. */
const HOST_BATCH_SIZE = 100;

export interface Harness {
  readonly core: FunctionsCore;
  readonly host: WorkerHost;
  readonly bus: MemoryBus;
  /** Every batch the host handed a function, in delivery order, with the outcome. */
  readonly deliveries: { readonly functionName: string; readonly messageIds: readonly string[]; readonly deliveryCounts: readonly number[]; readonly ok: boolean }[];
  /** Resolves when the broker has nothing left to deliver now. */
  settle(): Promise<void>;
  /** `POST /api/events` signed with the development key at the app's clock. */
  postEvent(body: Record<string, unknown>): Promise<Response>;
  /** `POST /api/events/batch`: one signature for all, so a clock that moves meanwhile cannot stale it. */
  postEvents(bodies: readonly Record<string, unknown>[]): Promise<Response>;
  deadLetters(): { readonly source: string; readonly deadLetter: DeadLetter }[];
  /** What consumers parked on BUS_PARKED_QUEUE (nothing consumes it, so it stays active). */
  parkedCount(): number;
  close(): Promise<void>;
}

export async function startHarness(app: AppContext): Promise<Harness> {
  const core = new FunctionsCore();
  const uninstall = installFunctionsCore(core);
  const { app: functionsApp } = await import('@azure/functions');
  const { functions } = await import('../../src/functions/catalog.js');
  const { registerWithFunctionsHost } = await import('../../src/functions/register.js');
  // What src/functions/index.ts does, with this test's AppContext instead of the process's.
  functionsApp.setup({ enableHttpStream: true });
  registerWithFunctionsHost({ definitions: functions, getApp: () => Promise.resolve(app) });
  const host = new WorkerHost(core);
  await host.start();

  const bus = app.bus;
  if (!(bus instanceof MemoryBus)) throw new Error('the harness plays the broker with the memory bus');
  const deliveries: Harness['deliveries'][number][] = [];
  const sources: { label: string; source: BusSource }[] = [];
  const subscriptions: Subscription[] = [];
  const resolve = (expression: unknown): string => resolveBindingExpression(String(expression), app.settings);
  for (const [name] of core.functions) {
    const { binding } = host.trigger(name);
    if (binding.type !== 'serviceBusTrigger') continue;
    const source: BusSource =
      binding.queueName === undefined
        ? { topic: resolve(binding.topicName), subscription: resolve(binding.subscriptionName) }
        : { queue: resolve(binding.queueName) };
    sources.push({ label: 'queue' in source ? source.queue : `${source.topic}/subscriptions/${source.subscription}`, source });
    subscriptions.push(
      bus.subscribe({
        source,
        maxBatchSize: binding.cardinality === 'many' ? HOST_BATCH_SIZE : 1,
        handler: async (batch: readonly ReceivedMessage[]) => {
          const outcome = await host.serviceBusBatch(name, batch);
          deliveries.push({ functionName: name, messageIds: batch.map((m) => m.messageId), deliveryCounts: batch.map((m) => m.deliveryCount), ok: outcome.status === 'success' });
          // The host abandons the whole batch on any failure; it cannot name messages.
          if (outcome.status === 'failure') throw new Error(`invocation failed: ${outcome.error.message}`);
        },
      }),
    );
  }

  const signedPost = (name: string, path: string, body: unknown): Promise<Response> => {
    const raw = JSON.stringify(body);
    const signature = signRequest({ kid: 'dev', key: Buffer.from(DEVELOPMENT_HMAC_KEY), t: Math.floor(app.now() / 1000), method: 'POST', path, body: Buffer.from(raw) });
    return host.http(name, { method: 'POST', path, headers: { 'x-signature': signature }, body: raw });
  };

  return {
    core,
    host,
    bus,
    deliveries,
    settle: () => bus.idle(),
    postEvent: (body) => signedPost('postEvent', '/api/events', body),
    postEvents: (bodies) => signedPost('postEventBatch', '/api/events/batch', { events: bodies }),
    deadLetters: () => sources.flatMap(({ label, source }) => bus.deadLetters(source).map((deadLetter) => ({ source: label, deadLetter }))),
    parkedCount: () => bus.activeMessageCount({ queue: app.settings.bus.parkedQueue }),
    close: async () => {
      await Promise.all(subscriptions.map((s) => s.close()));
      await host.stop();
      await app.close();
      uninstall();
    },
  };
}

export function bossKill(playerId: string, points: number, tsMs: number): Record<string, unknown> {
  return { eventId: randomUUID(), type: 'boss_kill', playerId, ts: tsMs, payload: { bossId: 'dragon', tier: 3, points } };
}

export function xpGain(playerId: string, deltaXp: number, tsMs: number): Record<string, unknown> {
  return { eventId: randomUUID(), type: 'progression', playerId, ts: tsMs, payload: { deltaXp, activity: 'quest' } };
}
