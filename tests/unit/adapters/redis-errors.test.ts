import { describe, expect, it } from 'vitest';
import { redisCall } from '../../../src/adapters/redis/redis-errors.js';
import { DependencyUnavailableError } from '../../../src/core/errors/errors.js';

function replyError(message: string): Error {
  const error = new Error(message);
  error.name = 'ReplyError';
  return error;
}

describe('redisCall', () => {
  it('maps connection failures and transient replies to DependencyUnavailableError', async () => {
    for (const error of [new Error('Connection is closed.'), replyError('LOADING Redis is loading the dataset in memory'), replyError('READONLY You cannot write against a read only replica.'), replyError('CLUSTERDOWN The cluster is down')]) {
      await expect(redisCall(() => Promise.reject(error))).rejects.toBeInstanceOf(DependencyUnavailableError);
    }
  });

  it('lets a reply error caused by our own command through unchanged', async () => {
    const bug = replyError('WRONGTYPE Operation against a key holding the wrong kind of value');
    await expect(redisCall(() => Promise.reject(bug))).rejects.toBe(bug);
  });

  it('returns the result of a successful call', async () => {
    expect(await redisCall(() => Promise.resolve('OK'))).toBe('OK');
  });
});
