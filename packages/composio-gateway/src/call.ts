import {
  type ErrorContext,
  type GatewayError,
  isRetryableFailure,
  retryAfterMsOf,
  toGatewayError,
} from './errors.js';
import type { GatewayLogger } from './gateway.js';

/** The time one gateway call may take, retries and waits included. */
export class Deadline {
  readonly at: number;

  constructor(budgetMs: number) {
    this.at = Date.now() + budgetMs;
  }

  remaining(): number {
    return this.at - Date.now();
  }
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface CallOptions<T> {
  /** Send again on 429/5xx/connection errors. Only for idempotent calls. */
  retry: boolean;
  /**
   * Lets a failure count as success, e.g. a retried DELETE that finds nothing left to delete
   * (the first attempt did it). Gets the attempt number, starting at 1.
   */
  recover?: (error: GatewayError, attempt: number) => { value: T } | undefined;
}

/**
 * Runs `fn` with an `AbortSignal` that fires at the deadline, and races it against that deadline so
 * the call settles on time even if something underneath ignores the signal. Failures become
 * `GatewayError`s; idempotent calls are retried with exponential backoff (or the server's
 * retry-after) while the budget allows.
 */
export async function runCall<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  context: ErrorContext,
  deadline: Deadline,
  policy: RetryPolicy,
  logger: GatewayLogger,
  options: CallOptions<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(fn, deadline);
    if (outcome.ok) return outcome.value;

    const error = toGatewayError(outcome.error, { ...context, timedOut: outcome.timedOut });
    const recovered = options.recover?.(error, attempt);
    if (recovered) return recovered.value;

    const retryable =
      options.retry &&
      !outcome.timedOut &&
      attempt < policy.attempts &&
      isRetryableFailure(outcome.error);
    if (!retryable) throw error;

    const retryAfterMs = retryAfterMsOf(outcome.error);
    const delay = retryAfterMs === undefined ? backoff(attempt, policy) : Math.max(retryAfterMs, 1);
    // Waiting longer than we allow, or past the deadline, cannot end well: report now and let the
    // caller (who sees retryAfterSeconds) decide.
    if (delay > policy.maxDelayMs || delay >= deadline.remaining()) throw error;

    logger.debug?.(
      `composio-gateway: ${context.operation} failed (${error.reason}), retry ${attempt}/${policy.attempts - 1} in ${delay}ms`,
    );
    await sleep(delay);
  }
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; timedOut: boolean };

async function attemptOnce<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  deadline: Deadline,
): Promise<Outcome<T>> {
  const remaining = deadline.remaining();
  if (remaining <= 0) {
    return { ok: false, error: new Error('deadline passed before the call'), timedOut: true };
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new DOMException('Composio call timed out', 'TimeoutError');
      controller.abort(reason);
      reject(reason);
    }, remaining);
  });
  const work = fn(controller.signal);
  // If the deadline wins the race, `work` still settles later; keep its rejection handled.
  work.catch(() => undefined);
  try {
    return { ok: true, value: await Promise.race([work, expired]) };
  } catch (error) {
    return { ok: false, error, timedOut: controller.signal.aborted };
  } finally {
    clearTimeout(timer);
  }
}

/** Exponential backoff with jitter: half of the nominal delay fixed, half random. */
export function backoff(attempt: number, policy: RetryPolicy, random: () => number = Math.random) {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
