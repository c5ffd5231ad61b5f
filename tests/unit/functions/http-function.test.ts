import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/app-context.js';
import { problems } from '../../../src/core/errors/errors.js';
import { extendCall, httpFunction, json } from '../../../src/functions/http/http-function.js';
import { testApp } from '../../support/app.js';
import { sampleValue } from '../sidecar/prom-text.js';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const ok = httpFunction({ name: 'ok', route: 'ok', methods: ['GET'], authLevel: 'anonymous', handle: () => Promise.resolve(json(200, { ok: true })) });
const refused = httpFunction({ name: 'refused', route: 'refused', methods: ['GET'], authLevel: 'anonymous', handle: () => Promise.reject(problems.notFound('nothing here')) });
const traced = httpFunction({
  name: 'traced', route: 'traced', methods: ['GET'], authLevel: 'anonymous',
  handle: ({ logger, traceparent }) => {
    logger.info('handled');
    return Promise.resolve(json(200, { traceparent }));
  },
});

const extended = httpFunction({
  name: 'extended', route: 'extended', methods: ['GET'], authLevel: 'anonymous',
  handle: (call) => {
    const { logger, traceparent, kid } = extendCall(call, { kid: 'ops' });
    logger.info('extended');
    return Promise.resolve(json(200, { traceparent, kid }));
  },
});

const apps: AppContext[] = [];
afterEach(async () => { await Promise.all(apps.splice(0).map((a) => a.close())); });

function call(options: { app: AppContext; definition: typeof ok; headers?: Record<string, string> }) {
  const handler = options.definition.handler(options.app);
  const request = new HttpRequest({ method: 'GET', url: `http://localhost/api/${options.definition.options.route}`, headers: options.headers ?? {} });
  return handler(request, new InvocationContext({ functionName: options.definition.name }));
}

/** The JSON body of a handler's response (these handlers answer with `json(...)`). */
function jsonBodyOf(response: Awaited<ReturnType<typeof call>>): unknown {
  return 'jsonBody' in response ? response.jsonBody : undefined;
}

describe('httpFunction', () => {
  it('counts requests by status and times each one, the refused included', async () => {
    const { app } = testApp();
    apps.push(app);
    await call({ app, definition: ok });
    await call({ app, definition: ok });
    const response = await call({ app, definition: refused });
    expect(response.status).toBe(404);
    const text = await app.metrics.metrics();
    expect(sampleValue(text, 'liveops_http_requests_total', { function: 'ok', route: 'ok', status: '200' })).toBe(2);
    expect(sampleValue(text, 'liveops_http_requests_total', { function: 'refused', route: 'refused', status: '404' })).toBe(1);
    expect(sampleValue(text, 'liveops_http_request_duration_seconds_count', { function: 'ok', route: 'ok' })).toBe(2);
    expect(sampleValue(text, 'liveops_http_request_duration_seconds_count', { function: 'refused', route: 'refused' })).toBe(1);
  });

  it("logs with the caller's trace context when the handler uses the logger", async () => {
    const { app, lines } = testApp({ captureLogs: true });
    apps.push(app);
    const response = await call({ app, definition: traced, headers: { traceparent: TRACE } });
    expect(jsonBodyOf(response)).toEqual({ traceparent: TRACE });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'handled');
    expect(logged).toMatchObject({ function: 'traced', traceparent: TRACE });
  });

  it('starts a new trace when the caller sent none', async () => {
    const { app } = testApp();
    apps.push(app);
    const response = await call({ app, definition: traced });
    const body = jsonBodyOf(response) as { traceparent: string };
    expect(body.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(body.traceparent).not.toBe(TRACE);
  });

  it('keeps the trace context and logger of a call it extends (a spread would drop them)', async () => {
    const { app, lines } = testApp({ captureLogs: true });
    apps.push(app);
    const response = await call({ app, definition: extended, headers: { traceparent: TRACE } });
    expect(jsonBodyOf(response)).toEqual({ traceparent: TRACE, kid: 'ops' });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'extended')).toMatchObject({ function: 'extended', traceparent: TRACE });
  });
});
