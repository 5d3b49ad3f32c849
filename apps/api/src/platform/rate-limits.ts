import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets; what Retry-After says when refused. */
  retryAfterSeconds: number;
}

/** Who a tool execution is counted against (rule 11). */
export type QuotaKind = 'user' | 'org';

/** Tool executions per minute, per user and per organization. */
export interface ExecutionQuotas {
  /** Counts one execution against `kind`'s quota for `id`, and says whether it is within it. */
  take(kind: QuotaKind, id: string): Promise<RateDecision>;
}

export interface QuotaLimits {
  userPerMinute: number;
  orgPerMinute: number;
}

const WINDOW_SECONDS = 60;

function decisionOf(res: RateLimiterRes, allowed: boolean): RateDecision {
  return { allowed, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
}

function quotasFrom(limiters: Record<QuotaKind, RateLimiterAbstract>): ExecutionQuotas {
  return {
    async take(kind, id) {
      try {
        return decisionOf(await limiters[kind].consume(id), true);
      } catch (refusal) {
        // rate-limiter-flexible rejects with its result when the quota is spent; anything else
        // is a failure of the store (the insurance limiter has already been tried).
        if (refusal instanceof RateLimiterRes) return decisionOf(refusal, false);
        throw refusal;
      }
    },
  };
}

/** `quotas`, telling `onRefusal` of each execution a quota refused (metrics count them). */
export function reportingRefusals(
  quotas: ExecutionQuotas,
  onRefusal: (kind: QuotaKind) => void,
): ExecutionQuotas {
  return {
    async take(kind, id) {
      const decision = await quotas.take(kind, id);
      if (!decision.allowed) onRefusal(kind);
      return decision;
    },
  };
}

/** Per-process counters: one instance, or a Redis outage's fallback. */
export function createMemoryQuotas(limits: QuotaLimits): ExecutionQuotas {
  return quotasFrom({
    user: new RateLimiterMemory({
      keyPrefix: 'user',
      points: limits.userPerMinute,
      duration: WINDOW_SECONDS,
    }),
    org: new RateLimiterMemory({
      keyPrefix: 'org',
      points: limits.orgPerMinute,
      duration: WINDOW_SECONDS,
    }),
  });
}

/**
 * Counters in Redis, so the limits hold across instances. Each limiter is insured by an
 * in-memory one: while Redis cannot answer (down, or not ready), executions are counted per
 * instance against the same limits instead of failing, and the shared counters take over again
 * once Redis is back. With N instances an outage therefore admits up to N times the limit.
 */
export function createRedisQuotas(
  redis: Redis,
  limits: QuotaLimits,
  keyPrefix = 'sb:rl',
): ExecutionQuotas {
  const limiter = (kind: QuotaKind, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:${kind}`,
      points,
      duration: WINDOW_SECONDS,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({
        keyPrefix: `${keyPrefix}:${kind}`,
        points,
        duration: WINDOW_SECONDS,
      }),
    });
  return quotasFrom({
    user: limiter('user', limits.userPerMinute),
    org: limiter('org', limits.orgPerMinute),
  });
}
