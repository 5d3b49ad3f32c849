import type { Database } from '@switchboard/db';
import type { Kysely } from 'kysely';
import { GroupedCalls } from '../../platform/grouped-calls.js';
import { type ExecutionAttempt, insertAttempt, insertAttempts } from './audit.repo.js';

export interface AuditWriterOptions {
  /** Rows in one statement at most. */
  maxBatch?: number;
  /** Statements in flight at once; further rows wait and go together in the next one. */
  maxConcurrent?: number;
}

/**
 * Writes audit rows in groups (see `GroupedCalls`): rows recorded while a write is in flight go
 * together in the next statement. Each caller still waits for its own row to be committed, so no
 * execution is answered before its attempt is recorded. A row the database refuses (its
 * organization deleted meanwhile, say) is retried alone and fails only its own caller.
 */
export class AuditWriter {
  private readonly writes: GroupedCalls<ExecutionAttempt, void>;

  constructor(db: Kysely<Database>, options: AuditWriterOptions = {}) {
    this.writes = new GroupedCalls(
      async (attempts) => {
        await insertAttempts(db, attempts);
        return attempts.map(() => undefined);
      },
      {
        maxBatch: options.maxBatch ?? 256,
        maxConcurrent: options.maxConcurrent ?? 2,
        retryAlone: (attempt) => insertAttempt(db, attempt),
      },
    );
  }

  private readonly listeners: Array<(attempt: ExecutionAttempt) => void> = [];

  /**
   * Calls `listener` once for every attempt whose final outcome is committed (metrics count
   * executions here). A listener must not throw; it runs after the row is safe.
   */
  onSettled(listener: (attempt: ExecutionAttempt) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves once the row is committed; rejects with the database's error if it could not be. */
  async record(attempt: ExecutionAttempt): Promise<void> {
    await this.writes.call(attempt);
    for (const listener of this.listeners) listener(attempt);
  }
}
