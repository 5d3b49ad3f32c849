import type { Redis } from 'ioredis';

/** A small cache for data instances may share and lose (tool schemas). */
export interface TtlCache<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T): Promise<void>;
}

export function createMemoryCache<T>(
  ttlMs: number,
  maxEntries = 1_000,
  now: () => number = Date.now,
): TtlCache<T> {
  const entries = new Map<string, { value: T; expiresAt: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    async set(key, value) {
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(key, { value, expiresAt: now() + ttlMs });
    },
  };
}

/**
 * Redis behind a short-lived local copy: most reads never leave the process, and every instance
 * sees what another cached within `ttlMs`.
 */
export function createRedisCache<T>(redis: Redis, prefix: string, ttlMs: number): TtlCache<T> {
  const local = createMemoryCache<T>(Math.min(ttlMs, 5_000));
  return {
    async get(key) {
      const hit = await local.get(key);
      if (hit !== undefined) return hit;
      const raw = await redis.get(`${prefix}${key}`);
      if (raw === null) return undefined;
      const value = JSON.parse(raw) as T;
      await local.set(key, value);
      return value;
    },
    async set(key, value) {
      await local.set(key, value);
      await redis.set(`${prefix}${key}`, JSON.stringify(value), 'PX', ttlMs);
    },
  };
}
