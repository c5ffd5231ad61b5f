import { describe, expect, it } from 'vitest';
import { MicroCache } from '../../../src/core/cache/micro-cache.js';

/** A load that counts its calls and resolves when told to. */
function controlledLoad<V>(): { load: () => Promise<V>; calls: () => number; resolve: (value: V) => void; reject: (error: Error) => void } {
  let calls = 0;
  let settle: { resolve: (value: V) => void; reject: (error: Error) => void } | undefined;
  return {
    load: () => {
      calls += 1;
      return new Promise<V>((resolve, reject) => {
        settle = { resolve, reject };
      });
    },
    calls: () => calls,
    resolve: (value) => settle?.resolve(value),
    reject: (error) => settle?.reject(error),
  };
}

describe('MicroCache', () => {
  it('serves a loaded value until ttlMs has passed, then loads again', async () => {
    const cache = new MicroCache<string>({ ttlMs: 1000, maxEntries: 10 });
    let calls = 0;
    const load = (): Promise<string> => Promise.resolve(`v${(calls += 1)}`);
    expect(await cache.get({ key: 'k', nowMs: 5_000, load })).toBe('v1');
    expect(await cache.get({ key: 'k', nowMs: 5_999, load })).toBe('v1');
    expect(await cache.get({ key: 'k', nowMs: 6_000, load })).toBe('v2');
    expect(calls).toBe(2);
  });

  it('shares one running load among the callers of a key', async () => {
    const cache = new MicroCache<number>({ ttlMs: 1000, maxEntries: 10 });
    const loader = controlledLoad<number>();
    const waiting = [1, 2, 3].map(() => cache.get({ key: 'k', nowMs: 0, load: loader.load }));
    loader.resolve(42);
    expect(await Promise.all(waiting)).toEqual([42, 42, 42]);
    expect(loader.calls()).toBe(1);
  });

  it('does not store a failed load: the next caller tries again', async () => {
    const cache = new MicroCache<number>({ ttlMs: 1000, maxEntries: 10 });
    const failing = controlledLoad<number>();
    const first = cache.get({ key: 'k', nowMs: 0, load: failing.load });
    failing.reject(new Error('redis down'));
    await expect(first).rejects.toThrow('redis down');
    expect(await cache.get({ key: 'k', nowMs: 1, load: () => Promise.resolve(7) })).toBe(7);
  });

  it('forgetPrefix drops stored values and keeps a load that began before it from being stored', async () => {
    const cache = new MicroCache<string>({ ttlMs: 1000, maxEntries: 10 });
    await cache.get({ key: 'k', nowMs: 0, load: () => Promise.resolve('old') });
    await cache.get({ key: 'other', nowMs: 0, load: () => Promise.resolve('kept') });
    cache.forgetPrefix('k');
    expect(await cache.get({ key: 'other', nowMs: 1, load: () => Promise.resolve('reloaded') })).toBe('kept');
    const slow = controlledLoad<string>();
    const before = cache.get({ key: 'k', nowMs: 1, load: slow.load });
    cache.forgetPrefix('k');
    slow.resolve('read before the write');
    // Its own caller still gets the answer; later callers load afresh.
    expect(await before).toBe('read before the write');
    expect(await cache.get({ key: 'k', nowMs: 2, load: () => Promise.resolve('after the write') })).toBe('after the write');
  });

  it('keeps at most maxEntries values, dropping the oldest', async () => {
    const cache = new MicroCache<string>({ ttlMs: 1000, maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) await cache.get({ key, nowMs: 0, load: () => Promise.resolve(key) });
    let reloaded: string[] = [];
    const load = (key: string) => () => {
      reloaded = [...reloaded, key];
      return Promise.resolve(`${key}2`);
    };
    expect(await cache.get({ key: 'c', nowMs: 1, load: load('c') })).toBe('c');
    expect(await cache.get({ key: 'b', nowMs: 1, load: load('b') })).toBe('b');
    expect(await cache.get({ key: 'a', nowMs: 1, load: load('a') })).toBe('a2');
    expect(reloaded).toEqual(['a']);
  });

  it('loads every time when ttlMs is 0', async () => {
    const cache = new MicroCache<number>({ ttlMs: 0, maxEntries: 1 });
    let calls = 0;
    const load = (): Promise<number> => Promise.resolve((calls += 1));
    await cache.get({ key: 'k', nowMs: 0, load });
    await cache.get({ key: 'k', nowMs: 0, load });
    expect(cache.enabled).toBe(false);
    expect(calls).toBe(2);
  });

  it('refuses nonsense options', () => {
    expect(() => new MicroCache({ ttlMs: -1, maxEntries: 1 })).toThrow(RangeError);
    expect(() => new MicroCache({ ttlMs: 10, maxEntries: 0 })).toThrow(RangeError);
  });
});
