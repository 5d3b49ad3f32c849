import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * Values instances may share and lose (tool schemas), loaded on a miss. Concurrent misses of one
 * key share one load: when an entry expires under load, every request in flight misses it at
 * once, and without that each of them would ask Composio for the same list.
 */
export interface SharedCache<T extends object> {
  get(key: string, load: () => Promise<T>): Promise<T>;
}

export interface SharedCacheOptions {
  ttlMs: number;
  max?: number;
}

interface Loader<T> {
  load: () => Promise<T>;
}

function lru<T extends object>(
  ttlMs: number,
  max: number,
  fetchMethod: (key: string, loader: Loader<T>) => Promise<T>,
) {
  return new LRUCache<string, T, Loader<T>>({
    max,
    ttl: ttlMs,
    fetchMethod: (key, _stale, { context }) => fetchMethod(key, context),
  });
}

async function fetchFrom<T extends object>(
  cache: LRUCache<string, T, Loader<T>>,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  const value = await cache.fetch(key, { context: { load } });
  // fetchMethod always returns a value or throws; lru-cache types allow undefined for aborts.
  if (value === undefined) throw new Error(`the cache load of ${key} returned nothing`);
  return value;
}

export function createMemoryCache<T extends object>(options: SharedCacheOptions): SharedCache<T> {
  const cache = lru<T>(options.ttlMs, options.max ?? 1_000, (_key, loader) => loader.load());
  return { get: (key, load) => fetchFrom(cache, key, load) };
}

export interface RedisCacheOptions extends SharedCacheOptions {
  prefix: string;
  /** How long a value read from Redis is kept in this process before Redis is asked again. */
  localTtlMs?: number;
  onRedisError?: (error: unknown) => void;
}

/**
 * Redis behind a short-lived local copy: most reads never leave the process, and every instance
 * sees what another cached within `ttlMs`. Redis failing is a miss, not an error: the value is
 * loaded from its source, as a single instance without Redis would.
 */
export function createRedisCache<T extends object>(
  redis: Redis,
  options: RedisCacheOptions,
): SharedCache<T> {
  const report = options.onRedisError ?? (() => undefined);
  const cache = lru<T>(
    Math.min(options.ttlMs, options.localTtlMs ?? 5_000),
    options.max ?? 1_000,
    async (key, loader) => {
      const redisKey = `${options.prefix}${key}`;
      const raw = await redis.get(redisKey).catch((error: unknown) => {
        report(error);
        return null;
      });
      if (raw !== null) return JSON.parse(raw) as T;
      const value = await loader.load();
      await redis
        .set(redisKey, JSON.stringify(value), 'PX', options.ttlMs)
        .catch((error: unknown) => report(error));
      return value;
    },
  );
  return { get: (key, load) => fetchFrom(cache, key, load) };
}
