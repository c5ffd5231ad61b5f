import { describe, expect, it } from 'vitest';
import { createJsonLogger } from '../../../src/adapters/logging/json-logger.js';

const fixedNow = (): Date => new Date('2026-11-25T10:00:00.000Z');

describe('createJsonLogger', () => {
  it('writes one JSON object per line with level, time, message and correlation fields', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'info', write: (l) => lines.push(l), now: fixedNow });
    logger.child({ function: 'ingest', invocationId: 'inv-1' }).info('accepted', { eventId: 'e-1', playerId: 'p_1' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'info', time: '2026-11-25T10:00:00.000Z', msg: 'accepted',
      function: 'ingest', invocationId: 'inv-1', eventId: 'e-1', playerId: 'p_1',
    });
  });

  it('drops lines below the configured level', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'warn', write: (l) => lines.push(l) });
    logger.info('quiet');
    logger.debug('quieter');
    logger.warn('loud');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['loud']);
  });

  it('scrubs every known secret, wherever it appears, including inside error messages', () => {
    const secret = 'super-secret-password-123';
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'debug', secrets: [secret], write: (l) => lines.push(l) });
    logger.error(`connect to redis://:${secret}@db failed`, { err: new Error(`auth ${secret} refused`), url: `mysql://u:${secret}@h` });
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[redacted]');
  });

  it('serialises errors as name, message and code without a stack', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'debug', write: (l) => lines.push(l) });
    logger.error('boom', { err: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
    const record = JSON.parse(lines[0]!) as { err: unknown };
    expect(record.err).toEqual({ name: 'Error', message: 'refused', code: 'ECONNREFUSED' });
  });
});
