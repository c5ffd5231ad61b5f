import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../../src/adapters/logging/json-logger.js';
import { ClientError, DependencyUnavailableError } from '../../../src/core/errors/errors.js';
import { toProblemResponse } from '../../../src/functions/http/problem-response.js';

function capture(): { lines: string[]; logger: ReturnType<typeof createJsonLogger> } {
  const lines: string[] = [];
  return { lines, logger: createJsonLogger({ level: 'debug', write: (l) => lines.push(l) }) };
}

describe('toProblemResponse', () => {
  it('renders a client error as RFC 9457 with its status, extensions and headers', () => {
    const { logger } = capture();
    const err = new ClientError({
      type: 'rate-limited', title: 'Too Many Requests', status: 429, detail: 'slow down',
      extensions: { retryAfterS: 3 }, headers: { 'Retry-After': '3' },
    });
    const res = toProblemResponse(err, { logger, instance: '/api/events' });
    expect(res.status).toBe(429);
    expect(res.headers).toMatchObject({ 'Content-Type': 'application/problem+json', 'Retry-After': '3' });
    expect(JSON.parse(res.body as string)).toEqual({
      type: 'urn:liveops:problem:rate-limited', title: 'Too Many Requests', status: 429,
      detail: 'slow down', instance: '/api/events', retryAfterS: 3,
    });
  });

  it('renders a known outage as 503 with Retry-After, naming the dependency but not the cause', () => {
    const { logger } = capture();
    const cause = new Error('connect ECONNREFUSED 10.0.0.7:6379');
    const res = toProblemResponse(new DependencyUnavailableError({ dependency: 'redis', retryAfterS: 2, cause }), { logger });
    expect(res.status).toBe(503);
    expect(res.headers).toMatchObject({ 'Retry-After': '2' });
    expect(res.body as string).toContain('redis');
    expect(res.body as string).not.toContain('10.0.0.7');
  });

  it('hides an unexpected error behind a bare 500 and logs it', () => {
    const { logger, lines } = capture();
    const res = toProblemResponse(new TypeError('x is undefined at secret/internal/path.ts'), { logger });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body as string)).toEqual({ type: 'urn:liveops:problem:internal', title: 'Internal Server Error', status: 500 });
    expect(lines.join('')).toContain('x is undefined');
  });
});
