import { describe, expect, it } from 'vitest';
import { createMemoryCache } from './shared-cache.js';

describe('the in-memory shared cache', () => {
  it('loads a key once and answers from memory after', async () => {
    const cache = createMemoryCache<string[]>({ ttlMs: 60_000 });
    let loads = 0;
    const load = async () => {
      loads += 1;
      return ['a'];
    };
    expect(await cache.get('k', load)).toStrictEqual(['a']);
    expect(await cache.get('k', load)).toStrictEqual(['a']);
    expect(loads).toBe(1);
  });

  it('shares one load among concurrent misses of a key', async () => {
    const cache = createMemoryCache<string[]>({ ttlMs: 60_000 });
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return [`load ${loads}`];
    };
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.get('k', load)));
    expect(loads).toBe(1);
    expect(new Set(answers.map((a) => a[0]))).toStrictEqual(new Set(['load 1']));
  });

  it('loads again once the entry expired', async () => {
    const cache = createMemoryCache<number[]>({ ttlMs: 20 });
    let loads = 0;
    const load = async () => [++loads];
    expect(await cache.get('k', load)).toStrictEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await cache.get('k', load)).toStrictEqual([2]);
  });

  it('keeps nothing of a failed load: the next call loads again', async () => {
    const cache = createMemoryCache<number[]>({ ttlMs: 60_000 });
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => [1])).toStrictEqual([1]);
  });
});
