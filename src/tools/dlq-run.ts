import { randomUUID } from 'node:crypto';
import type { DeadLetterAccess } from '../core/messaging/dead-letter-replay.js';
import { matchesFilter, replayDeadLetters } from '../core/messaging/dead-letter-replay.js';
import { signRequest } from '../core/ingestion/signing.js';
import { UsageError, type Connection } from './cli.js';
import type { DlqCommand } from './dlq-args.js';

/** Service Bus' duplicate-detection window of the entities (topology.json PT10M). */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

function view(entry: { readonly enqueuedTimeUtc: Date } & Record<string, unknown>): Record<string, unknown> {
  return { ...entry, enqueuedTimeUtc: entry.enqueuedTimeUtc.toISOString() };
}

/** `list`, `show` and `replay` against a DeadLetterAccess (Service Bus); returns the JSON to print. */
export async function runAgainstAccess(options: { readonly command: DlqCommand; readonly access: DeadLetterAccess; readonly nowMs: number }): Promise<unknown> {
  const { command, access } = options;
  if (command.kind === 'replay') {
    return replayDeadLetters({ access, filter: command.filter, dryRun: command.dryRun, nowMs: options.nowMs, duplicateWindowMs: DUPLICATE_WINDOW_MS });
  }
  const entries = (await access.list()).filter((e) => matchesFilter(e, command.filter));
  if (command.kind === 'show' && entries.length === 0) throw new UsageError(`no dead letter with messageId '${command.filter.messageId ?? ''}'`);
  return command.kind === 'show' ? { deadLetters: entries.map((e) => view({ ...e })) } : { deadLetters: entries.map((e) => summary(e)) };
}

function summary(e: { readonly store: string; readonly entity: string; readonly messageId: string; readonly reason: string; readonly deliveryCount: number; readonly enqueuedTimeUtc: Date }): Record<string, unknown> {
  return { messageId: e.messageId, entity: e.entity, store: e.store, reason: e.reason, deliveryCount: e.deliveryCount, enqueuedTimeUtc: e.enqueuedTimeUtc.toISOString() };
}

/** The same commands against the embedded host's signed admin routes (src/local/dead-letter-admin.ts). */
export async function runAgainstEmbedded(options: { readonly command: DlqCommand; readonly connection: Connection; readonly nowMs: number; readonly fetch?: typeof fetch }): Promise<unknown> {
  const { command, connection } = options;
  const call = options.fetch ?? fetch;
  const signed = async (method: 'GET' | 'POST', path: string, query: string, body: string): Promise<unknown> => {
    // The signature covers the path with its query as sent (DESIGN §2), and an admin write's
    // Idempotency-Key as a sixth line: one fresh key per command, so a rerun is a new replay.
    const idempotencyKey = method === 'POST' ? randomUUID() : undefined;
    const signature = signRequest({
      kid: connection.kid,
      key: Buffer.from(connection.key),
      t: Math.floor(options.nowMs / 1000),
      method,
      path: `${path}${query}`,
      body: Buffer.from(body),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    const url = new URL(`${path}${query}`, connection.url);
    const response = await call(url, {
      method,
      headers: { 'content-type': 'application/json', 'x-signature': signature, ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }) },
      ...(method === 'POST' ? { body } : {}),
    }).catch((error: unknown) => {
      // Not a bug: the host is not running, or the URL is wrong. One line, exit 1.
      throw new UsageError(`cannot reach ${url.origin} (is the embedded host running? --url / LIVEOPS_URL): ${error instanceof Error ? error.message : String(error)}`);
    });
    const text = await response.text();
    if (!response.ok) throw new UsageError(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  };
  if (command.kind === 'replay') {
    return signed('POST', '/api/admin/dead-letters/replay', '', JSON.stringify({ ...command.filter, dryRun: command.dryRun }));
  }
  const query = new URLSearchParams(Object.entries(command.filter).filter((kv): kv is [string, string] => typeof kv[1] === 'string')).toString();
  const listed = (await signed('GET', '/api/admin/dead-letters', query === '' ? '' : `?${query}`, '')) as { deadLetters?: unknown[] };
  if (command.kind === 'show' && (listed.deadLetters?.length ?? 0) === 0) throw new UsageError(`no dead letter with messageId '${command.filter.messageId ?? ''}'`);
  return listed;
}
