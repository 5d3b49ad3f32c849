import type { Database } from '@switchboard/db';
import type { Kysely } from 'kysely';
import { type ExecutionAttempt, insertAttempt, insertAttempts } from './audit.repo.js';

interface Waiting {
  attempt: ExecutionAttempt;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface AuditWriterOptions {
  /** Rows in one statement at most. */
  maxBatch?: number;
  /** Statements in flight at once; further rows wait and go together in the next one. */
  maxConcurrent?: number;
}

/**
 * Writes audit rows in groups, the way databases commit groups of transactions: rows recorded
 * while a write is in flight go together in the next statement. Each caller still waits for its
 * own row to be committed, so no execution is answered before its attempt is recorded; under load
 * many rows share one round trip and one commit instead of paying for their own.
 */
export class AuditWriter {
  private readonly waiting: Waiting[] = [];
  private readonly maxBatch: number;
  private readonly maxConcurrent: number;
  private writing = 0;
  private scheduled = false;

  constructor(
    private readonly db: Kysely<Database>,
    options: AuditWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.maxConcurrent = options.maxConcurrent ?? 2;
  }

  /** Resolves once the row is committed; rejects with the database's error if it could not be. */
  record(attempt: ExecutionAttempt): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ attempt, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.writing >= this.maxConcurrent) return;
    this.scheduled = true;
    // After this turn's I/O callbacks: rows recorded by requests finishing together join one write.
    setImmediate(() => {
      this.scheduled = false;
      while (this.waiting.length > 0 && this.writing < this.maxConcurrent) {
        void this.write(this.waiting.splice(0, this.maxBatch));
      }
    });
  }

  private async write(batch: Waiting[]) {
    this.writing++;
    try {
      await insertAttempts(
        this.db,
        batch.map((waiting) => waiting.attempt),
      );
      for (const waiting of batch) waiting.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
      } else {
        // One bad row (its organization deleted meanwhile, say) must not fail the others.
        await Promise.all(
          batch.map((waiting) =>
            insertAttempt(this.db, waiting.attempt).then(waiting.resolve, waiting.reject),
          ),
        );
      }
    } finally {
      this.writing--;
      if (this.waiting.length > 0) this.schedule();
    }
  }
}
