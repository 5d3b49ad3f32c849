import type { Database } from '@switchboard/db';
import type { Kysely } from 'kysely';
import { GroupedCalls } from '../../platform/grouped-calls.js';
import {
  type ExecutionAttempt,
  type FinalOutcome,
  insertAttempt,
  insertAttempts,
  type Settlement,
  settleAttempts,
  sweepPendingAttempts,
} from './audit.repo.js';

export interface AuditWriterOptions {
  /** Rows in one statement at most. */
  maxBatch?: number;
  /** Statements in flight at once; further rows wait and go together in the next one. */
  maxConcurrent?: number;
}

/** A written-ahead attempt, to be settled once Composio has answered. */
export interface PendingAttempt {
  attempt: ExecutionAttempt;
  startedAt: number;
}

/**
 * Writes audit rows in groups (see `GroupedCalls`): rows recorded while a write is in flight go
 * together in the next statement. Each caller still waits for its own row to be committed.
 *
 * Two paths. A refusal (or a failure before Composio is called) is one final row (`record`). An
 * attempt that reaches Composio is written ahead as `pending` (`begin`, awaited before the call:
 * if the database cannot take it, the call is not made) and completed by an UPDATE after it
 * (`settle`); a row nobody settles is given up on by `sweep` as `unknown`. So an attempt never
 * vanishes, and no row claims success for a call Composio never got.
 */
export class AuditWriter {
  private readonly writes: GroupedCalls<ExecutionAttempt, void>;
  private readonly settlements: GroupedCalls<Settlement, boolean>;

  constructor(
    private readonly db: Kysely<Database>,
    options: AuditWriterOptions = {},
  ) {
    const batching = {
      maxBatch: options.maxBatch ?? 256,
      maxConcurrent: options.maxConcurrent ?? 2,
    };
    this.writes = new GroupedCalls(
      async (attempts) => {
        await insertAttempts(db, attempts);
        return attempts.map(() => undefined);
      },
      { ...batching, retryAlone: (attempt) => insertAttempt(db, attempt) },
    );
    this.settlements = new GroupedCalls((settlements) => settleAttempts(db, settlements), {
      ...batching,
      retryAlone: async (settlement) => (await settleAttempts(db, [settlement]))[0] ?? false,
    });
  }

  private readonly listeners: Array<(attempt: ExecutionAttempt) => void> = [];

  /**
   * Calls `listener` once for every attempt whose final outcome is committed (metrics count
   * executions here), `unknown` included when this instance's sweeper settled it. A listener
   * must not throw; it runs after the row is safe.
   */
  onSettled(listener: (attempt: ExecutionAttempt) => void): void {
    this.listeners.push(listener);
  }

  private announce(attempt: ExecutionAttempt) {
    for (const listener of this.listeners) listener(attempt);
  }

  /** A final row. Resolves once committed; rejects with the database's error if it could not be. */
  async record(attempt: ExecutionAttempt): Promise<void> {
    await this.writes.call(attempt);
    this.announce(attempt);
  }

  /**
   * Writes the attempt as `pending`, to be settled by `settleBy`. Resolves once committed: only
   * then may Composio be called.
   */
  async begin(
    attempt: Omit<ExecutionAttempt, 'outcome' | 'errorCode' | 'settleBy'>,
    settleBy: Date,
  ): Promise<PendingAttempt> {
    const pending: ExecutionAttempt = { ...attempt, outcome: 'pending', errorCode: null, settleBy };
    await this.writes.call(pending);
    return { attempt: pending, startedAt: performance.now() - attempt.durationMs };
  }

  /**
   * Completes a pending row with how the call ended. Rejects if the database could not take it
   * (the row stays pending, for the sweeper); resolves `false` when the sweeper got there first.
   */
  async settle(
    pending: PendingAttempt,
    outcome: FinalOutcome,
    errorCode: string | null,
  ): Promise<boolean> {
    const durationMs = performance.now() - pending.startedAt;
    const settled = await this.settlements.call({
      executionId: pending.attempt.executionId,
      outcome,
      errorCode,
      durationMs,
    });
    if (settled) {
      this.announce({ ...pending.attempt, outcome, errorCode, durationMs, settleBy: null });
    }
    return settled;
  }

  /** Settles up to `limit` rows pending past their deadline as `unknown`; answers how many. */
  async sweep(now: Date, limit = 500): Promise<number> {
    const swept = await sweepPendingAttempts(this.db, now, limit);
    for (const attempt of swept) this.announce(attempt);
    return swept.length;
  }
}
