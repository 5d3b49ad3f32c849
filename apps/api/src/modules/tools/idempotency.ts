import { createHash } from 'node:crypto';
import type { Database } from '@switchboard/db';
import type { Kysely } from 'kysely';
import { AppError, REASON_CODES, type Reason } from '../../errors.js';
import { deleteExpiredKey, type KeyClaim, readKey, sweepKeys } from './idempotency.repo.js';

/** What makes two calls "the same request" under one key (the account choice as asked). */
export interface KeyedRequest {
  tool: string;
  orgId: string | null;
  connectedAccountId: string | null;
  account: string | null;
  arguments: Record<string, unknown>;
}

/** JSON with every object's keys sorted, so equal arguments hash equally in any key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(request: KeyedRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/** The answer kept for a key: what the execution returned, or the error it ended with. */
export type StoredResponse<T> =
  | { output: T }
  | {
      error: {
        reason: Reason;
        message: string;
        details?: Record<string, unknown>;
        retryAfterSeconds?: number;
      };
    };

/** How a claim came out: this call runs the execution (begun), or here is the first one's answer. */
export type ClaimResult<T, P> =
  | { won: true; begun: P }
  | { won: false; response: StoredResponse<T> };

/** The refusals of a claim (the key's first request goes on elsewhere, or went wrong). */
export const KEY_REFUSALS: ReadonlySet<Reason> = new Set<Reason>([
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_PROGRESS',
  'EXECUTION_OUTCOME_UNKNOWN',
]);

export interface IdempotencyOptions {
  /** How long a key and its answer are kept. */
  ttlMs: number;
  /** How long a repeat waits for the first call to finish before it is told to retry. */
  waitMs: number;
  /** How often a waiting repeat looks again. */
  pollMs?: number;
  now: () => Date;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && Object.hasOwn(REASON_CODES, value);
}

/**
 * Idempotency keys of `tools.execute` (and MCP `tools/call`), held in PostgreSQL so that every
 * instance sees the same ones: claimed by an insert the primary key lets only one caller win
 * (made by the audit writer, in the statement that writes the attempt ahead), answered from the
 * stored outcome afterwards.
 */
export class IdempotencyKeys<T> {
  private readonly pollMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: IdempotencyOptions,
  ) {
    this.pollMs = options.pollMs ?? 50;
  }

  /**
   * Claims `key` for this execution with `begin` (which writes the attempt ahead if the claim
   * wins, and answers `undefined` if the key is held), or answers as the key's first execution
   * did: its stored output, or its error thrown again. A different request under the key is
   * refused (IDEMPOTENCY_KEY_REUSED); one still running is waited for, up to `waitMs`, then
   * refused with a retry-after (IDEMPOTENCY_KEY_IN_PROGRESS).
   */
  async claim<P>(
    actorUserId: string,
    key: string,
    request: KeyedRequest,
    executionId: string,
    begin: (claim: KeyClaim) => Promise<P | undefined>,
  ): Promise<ClaimResult<T, P>> {
    const hash = requestHash(request);
    const deadline = performance.now() + this.options.waitMs;
    for (;;) {
      const createdAt = this.options.now();
      const begun = await begin({
        actorUserId,
        key,
        requestHash: hash,
        executionId,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + this.options.ttlMs),
      });
      if (begun !== undefined) return { won: true, begun };
      const stored = await readKey(this.db, actorUserId, key);
      if (stored === undefined) continue; // given back meanwhile: claim it again
      if (stored.expiresAt <= createdAt) {
        // Past its lifetime the key is anyone's: delete it and claim it again.
        await deleteExpiredKey(this.db, actorUserId, key, createdAt);
        continue;
      }
      if (stored.requestHash !== hash) {
        throw new AppError(
          'IDEMPOTENCY_KEY_REUSED',
          'This idempotency key was used for a different request (another tool, organization, account or arguments); use a new key',
          { details: { executionId: stored.executionId } },
        );
      }
      if (stored.status === 'done') {
        return { won: false, response: stored.response as StoredResponse<T> };
      }
      if (stored.status === 'unknown') {
        throw new AppError(
          'EXECUTION_OUTCOME_UNKNOWN',
          'The execution under this idempotency key was cut off mid-call, so whether Composio ran it is unknown; check the audit log before retrying with a new key',
          { details: { executionId: stored.executionId } },
        );
      }
      if (performance.now() >= deadline) {
        throw new AppError(
          'IDEMPOTENCY_KEY_IN_PROGRESS',
          'An execution with this idempotency key is still running; retry shortly for its answer',
          { details: { executionId: stored.executionId }, retryAfterSeconds: 1 },
        );
      }
      await sleep(this.pollMs);
    }
  }

  /** Settles keys of stopped processes (see `sweepKeys`) and deletes expired ones. */
  sweep(now: Date, runningBefore: Date, limit = 1_000) {
    return sweepKeys(this.db, now, runningBefore, limit);
  }
}

/** The first execution's answer again: its output, or its error thrown again. */
export function replay<T>(response: StoredResponse<T>): T {
  if ('output' in response) return response.output;
  const { reason, message, details, retryAfterSeconds } = response.error;
  throw new AppError(isReason(reason) ? reason : 'INTERNAL', message, {
    ...(details ? { details } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

/** An error as a key keeps it, to be thrown again for every repeat. */
export function storedError(error: unknown): StoredResponse<never> {
  if (error instanceof AppError) {
    return {
      error: {
        reason: error.reason,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
        ...(error.retryAfterSeconds !== undefined
          ? { retryAfterSeconds: error.retryAfterSeconds }
          : {}),
      },
    };
  }
  return { error: { reason: 'INTERNAL', message: 'The execution failed' } };
}
