import { APIConnectionError, APIError } from '@composio/client';
import { describe, expect, it, vi } from 'vitest';
import { backoff, Deadline, runCall } from './call.js';
import { GatewayError } from './errors.js';

const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 50 };
const logger = { warn: vi.fn(), error: vi.fn(), debug: vi.fn() };
const ctx = { operation: 'test.op' };

function httpError(status: number, headers: Record<string, string> = {}) {
  return APIError.generate(status, {}, undefined, new Headers(headers));
}

/** A call that fails with the given errors, one per attempt, then resolves 'ok'. */
function failing(...errors: unknown[]) {
  let n = 0;
  const fn = vi.fn(async (_signal: AbortSignal) => {
    const error = errors[n++];
    if (error !== undefined) throw error;
    return 'ok';
  });
  return fn;
}

describe('runCall', () => {
  it('retries an idempotent call on 5xx and connection errors, then succeeds', async () => {
    const fn = failing(httpError(503), new APIConnectionError({ message: 'refused' }));
    await expect(
      runCall(fn, ctx, new Deadline(1_000), policy, logger, { retry: true }),
    ).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('sends a write once', async () => {
    const fn = failing(httpError(503));
    await expect(
      runCall(fn, ctx, new Deadline(1_000), policy, logger, { retry: false }),
    ).rejects.toMatchObject({ reason: 'UPSTREAM_UNAVAILABLE' });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('gives up after the configured attempts', async () => {
    const fn = failing(httpError(500), httpError(500), httpError(500), httpError(500));
    await expect(
      runCall(fn, ctx, new Deadline(1_000), policy, logger, { retry: true }),
    ).rejects.toMatchObject({ reason: 'UPSTREAM_UNAVAILABLE' });
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('does not retry a client error', async () => {
    const fn = failing(httpError(400));
    await expect(
      runCall(fn, ctx, new Deadline(1_000), policy, logger, { retry: true }),
    ).rejects.toMatchObject({ reason: 'INVALID_ARGUMENTS' });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('reports RATE_LIMITED at once when retry-after is longer than it may wait', async () => {
    const fn = failing(httpError(429, { 'retry-after': '30' }));
    const error = await runCall(fn, ctx, new Deadline(1_000), policy, logger, {
      retry: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ reason: 'RATE_LIMITED', retryAfterSeconds: 30 });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('waits out a short retry-after and tries again', async () => {
    const fn = failing(httpError(429, { 'retry-after-ms': '20' }));
    const started = Date.now();
    await expect(
      runCall(fn, ctx, new Deadline(1_000), { ...policy, maxDelayMs: 2_000 }, logger, {
        retry: true,
      }),
    ).resolves.toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(18);
  });

  it('times out within its budget even when the call ignores the signal', async () => {
    const fn = vi.fn(() => new Promise<string>(() => undefined));
    const started = Date.now();
    await expect(
      runCall(fn, ctx, new Deadline(80), policy, logger, { retry: true }),
    ).rejects.toMatchObject({ reason: 'UPSTREAM_TIMEOUT' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(75);
    expect(elapsed).toBeLessThan(300);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('aborts the signal it hands out when the deadline passes', async () => {
    let seen: AbortSignal | undefined;
    const fn = (signal: AbortSignal) => {
      seen = signal;
      return new Promise<string>((_, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    };
    await expect(
      runCall(fn, ctx, new Deadline(30), policy, logger, { retry: false }),
    ).rejects.toMatchObject({ reason: 'UPSTREAM_TIMEOUT' });
    expect(seen?.aborted).toBe(true);
  });

  it('does not start a retry it has no time left for', async () => {
    const fn = failing(httpError(503), httpError(503));
    await expect(
      runCall(fn, ctx, new Deadline(20), { ...policy, baseDelayMs: 100, maxDelayMs: 100 }, logger, {
        retry: true,
      }),
    ).rejects.toMatchObject({ reason: 'UPSTREAM_UNAVAILABLE' });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('lets recover() turn a failure into success', async () => {
    const fn = failing(httpError(503), httpError(404));
    await expect(
      runCall(fn, { ...ctx, notFound: 'ACCOUNT_NOT_FOUND' }, new Deadline(1_000), policy, logger, {
        retry: true,
        recover: (error, attempt) =>
          attempt > 1 && error.reason === 'ACCOUNT_NOT_FOUND' ? { value: 'gone' } : undefined,
      }),
    ).resolves.toBe('gone');
  });
});

describe('backoff', () => {
  it('doubles per attempt, stays within half..full of nominal, and is capped', () => {
    const p = { attempts: 5, baseDelayMs: 100, maxDelayMs: 300 };
    expect(backoff(1, p, () => 0)).toBe(50);
    expect(backoff(1, p, () => 1)).toBe(100);
    expect(backoff(2, p, () => 1)).toBe(200);
    expect(backoff(3, p, () => 1)).toBe(300);
    expect(backoff(6, p, () => 0)).toBe(150);
  });
});
