import { describe, expect, it } from 'vitest';
import { TtlCache } from './tool-cache.js';

function clock(start = 0) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('TtlCache', () => {
  it('returns a value until its TTL passes', () => {
    const time = clock();
    const cache = new TtlCache<string>(100, 10, time.now);
    cache.set('a', 'A');
    time.advance(99);
    expect(cache.get('a')).toBe('A');
    time.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry when full', () => {
    const cache = new TtlCache<string>(1_000, 2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.get('a');
    cache.set('c', 'C');
    expect(cache.get('a')).toBe('A');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBe('C');
    expect(cache.size).toBe(2);
  });

  it('caches nothing with a TTL of 0', () => {
    const cache = new TtlCache<string>(0, 2);
    cache.set('a', 'A');
    expect(cache.get('a')).toBeUndefined();
  });

  it('shares one load between concurrent misses and caches the result', async () => {
    const cache = new TtlCache<string>(1_000, 10);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      return 'A';
    };
    const results = await Promise.all([cache.getOrLoad('a', load), cache.getOrLoad('a', load)]);
    expect(results).toStrictEqual(['A', 'A']);
    expect(await cache.getOrLoad('a', load)).toBe('A');
    expect(loads).toBe(1);
  });

  it('does not cache a failed load', async () => {
    const cache = new TtlCache<string>(1_000, 10);
    await expect(cache.getOrLoad('a', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await cache.getOrLoad('a', async () => 'A')).toBe('A');
  });
});
