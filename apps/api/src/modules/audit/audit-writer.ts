import type { Database } from '@switchboard/db';
import type { Kysely } from 'kysely';
import { GroupedCalls } from '../../platform/grouped-calls.js';
import {
  type AttemptWrite,
  beginClaimingKeys,
  type KeyClaim,
  type KeyRef,
  type SettlementWrite,
  settleAnsweringKeys,
} from '../tools/idempotency.repo.js';
import {
  type ExecutionAttempt,
  type FinalOutcome,
  insertAttempts,
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
  /** The idempotency key the attempt holds, whose answer its settlement keeps. */
  key?: KeyRef | undefined;
}

/**
 * Writes audit rows in groups (see `GroupedCalls`): rows recorded while a write is in flight go
 * together in the next statement. Each caller still waits for its own row to be committed.
 *
 * Two paths. A refusal (or a failure before Composio is called) is one final row (`record`). An
 * attempt that reaches Composio is written ahead as `pending` (`begin`, awaited before the call:
 * if the database cannot take it, the call is not made) and completed by an UPDATE after it
 * (`settle`); a row nobody settles is given up on by `sweep` as `unknown`. So an attempt never
 * vanishes, and no row claims success for a call Composio never got. An attempt under an
 * idempotency key claims the key in the statement that writes its row ahead, and keeps its answer
 * in the one that settles it: a keyed call costs no statement more than an unkeyed one.
 */
export class AuditWriter {
  private readonly writes: GroupedCalls<AttemptWrite, boolean>;
  private readonly settlements: GroupedCalls<SettlementWrite, boolean>;

  constructor(
    private readonly db: Kysely<Database>,
    options: AuditWriterOptions = {},
  ) {
    const batching = {
      maxBatch: options.maxBatch ?? 256,
      maxConcurrent: options.maxConcurrent ?? 2,
    };
    this.writes = new GroupedCalls((writes) => writeAttempts(db, writes), {
      ...batching,
      retryAlone: async (write) => (await writeAttempts(db, [write]))[0] ?? false,
    });
    this.settlements = new GroupedCalls((writes) => settleWrites(db, writes), {
      ...batching,
      retryAlone: async (write) => (await settleWrites(db, [write]))[0] ?? false,
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
    await this.writes.call({ attempt });
    this.announce(attempt);
  }

  /**
   * Writes the attempt as `pending`, to be settled by `settleBy`. Resolves once committed: only
   * then may Composio be called.
   */
  async begin(attempt: BeginningAttempt, settleBy: Date): Promise<PendingAttempt> {
    const pending = pendingRow(attempt, settleBy);
    await this.writes.call({ attempt: pending });
    return { attempt: pending, startedAt: performance.now() - attempt.durationMs };
  }

  /**
   * Claims the idempotency key and, if the claim wins, writes the attempt as `pending`, in one
   * statement. Resolves once committed, with the pending attempt, or `undefined` when the key is
   * held already (nothing is written).
   */
  async beginClaiming(
    attempt: BeginningAttempt,
    settleBy: Date,
    claim: KeyClaim,
  ): Promise<PendingAttempt | undefined> {
    const pending = pendingRow(attempt, settleBy);
    if (!(await this.writes.call({ attempt: pending, claim }))) return undefined;
    const key = { actorUserId: claim.actorUserId, key: claim.key, executionId: claim.executionId };
    return { attempt: pending, startedAt: performance.now() - attempt.durationMs, key };
  }

  /**
   * Completes a pending row with how the call ended and, when it holds a key, keeps `answer` for
   * the key's repeats. Rejects if the database could not take it (the row stays pending and the
   * key running, for the sweeper); resolves `false` when the sweeper got there first.
   */
  async settle(
    pending: PendingAttempt,
    outcome: FinalOutcome,
    errorCode: string | null,
    answer?: unknown,
  ): Promise<boolean> {
    const durationMs = performance.now() - pending.startedAt;
    const settled = await this.settlements.call({
      settlement: { executionId: pending.attempt.executionId, outcome, errorCode, durationMs },
      answer: pending.key ? { key: pending.key, response: answer } : undefined,
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

/** An attempt about to reach Composio: its outcome is not known yet. */
export type BeginningAttempt = Omit<ExecutionAttempt, 'outcome' | 'errorCode' | 'settleBy'>;

function pendingRow(attempt: BeginningAttempt, settleBy: Date): ExecutionAttempt {
  return { ...attempt, outcome: 'pending', errorCode: null, settleBy };
}

/** Rows of a batch, final or pending: a plain insert unless one of them claims a key. */
async function writeAttempts(
  db: Kysely<Database>,
  writes: readonly AttemptWrite[],
): Promise<boolean[]> {
  if (writes.some((write) => write.claim)) return beginClaimingKeys(db, writes);
  await insertAttempts(
    db,
    writes.map((write) => write.attempt),
  );
  return writes.map(() => true);
}

/** Settlements of a batch: a plain update unless one of them keeps a key's answer. */
function settleWrites(
  db: Kysely<Database>,
  writes: readonly SettlementWrite[],
): Promise<boolean[]> {
  if (writes.some((write) => write.answer)) return settleAnsweringKeys(db, writes);
  return settleAttempts(
    db,
    writes.map((write) => write.settlement),
  );
}
