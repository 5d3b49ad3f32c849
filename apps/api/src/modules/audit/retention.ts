import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Database } from '@switchboard/db';
import { type Kysely, sql, type Transaction } from 'kysely';

/** The advisory lock the instances take turns on; any fixed number no other code uses. */
const RETENTION_LOCK = '8217640221203001';

/** Rows per delete statement: each is a short transaction that locks only its own rows. */
export const RETENTION_BATCH_ROWS = 1_000;

export interface RetentionRun {
  /** Another instance held the lock, so this one left the work to it. */
  skipped: boolean;
  /** Rows deleted from the execution log and from the log of other audited steps. */
  executions: number;
  events: number;
}

export interface RetentionOptions {
  db: Kysely<Database>;
  /** Rows older than this many days go. */
  days: number;
  /** How often each instance offers to run. */
  intervalMs: number;
  batchRows?: number;
  now: () => Date;
  logger: { info(obj: object, message?: string): void; warn(obj: object, message?: string): void };
}

type Trx = Transaction<Database>;

/** Deletes up to `limit` of the oldest executions started before `cutoff`. */
async function deleteExecutions(trx: Trx, cutoff: Date, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('tool_executions')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('tool_executions')
        .select('id')
        .where('started_at', '<', cutoff)
        .orderBy('started_at')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes up to `limit` of the oldest audit events that occurred before `cutoff`. */
async function deleteEvents(trx: Trx, cutoff: Date, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('audit_events')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('audit_events')
        .select('id')
        .where('occurred_at', '<', cutoff)
        .orderBy('occurred_at')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * `AUDIT_RETENTION_DAYS`: every instance offers, each interval, to delete the audit rows older
 * than the retention, a batch at a time; one instance works at a time. Each batch is its own
 * transaction that first takes a transaction-scoped advisory lock (`pg_try_advisory_xact_lock`):
 * an instance that finds it taken ends its run and leaves the rest to the holder. The lock lasts
 * as long as one short batch, so no connection is held between batches (PGlite has only one) and
 * an instance that dies mid-run holds nothing.
 */
export class AuditRetention {
  private readonly batchRows: number;
  private timer: NodeJS.Timeout | undefined;
  private latest: Promise<RetentionRun> | undefined;
  private stopped = false;

  constructor(private readonly options: RetentionOptions) {
    this.batchRows = options.batchRows ?? RETENTION_BATCH_ROWS;
  }

  /** Runs once now, then every interval, until {@link stop}. */
  start(): void {
    this.stopped = false;
    const tick = () => {
      this.runOnce()
        .catch((error: unknown) =>
          this.options.logger.warn({ err: error }, 'audit retention run failed; retrying later'),
        )
        .finally(() => {
          if (!this.stopped) {
            this.timer = setTimeout(tick, this.options.intervalMs);
            this.timer.unref();
          }
        });
    };
    tick();
  }

  /** Stops scheduling, and waits for a batch in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.latest?.catch(() => undefined);
  }

  /** A whole run that starts now (after one in progress, if any); resolves with what it did. */
  runOnce(): Promise<RetentionRun> {
    const previous = this.latest?.catch(() => undefined) ?? Promise.resolve();
    const run = previous.then(() => this.run());
    this.latest = run;
    return run;
  }

  private async run(): Promise<RetentionRun> {
    const { db, days, now, logger } = this.options;
    const cutoff = new Date(now().getTime() - days * 86_400_000);
    const done: RetentionRun = { skipped: false, executions: 0, events: 0 };
    const logs = [
      ['executions', deleteExecutions],
      ['events', deleteEvents],
    ] as const;
    for (const [counted, deleteBatch] of logs) {
      for (;;) {
        if (this.stopped) return done;
        const deleted = await db.transaction().execute(async (trx) => {
          const lock = await sql<{ locked: boolean }>`
            select pg_try_advisory_xact_lock(${RETENTION_LOCK}::bigint) as locked`.execute(trx);
          if (!lock.rows[0]?.locked) return undefined;
          return deleteBatch(trx, cutoff, this.batchRows);
        });
        if (deleted === undefined) {
          done.skipped = true;
          return done;
        }
        done[counted] += deleted;
        if (deleted < this.batchRows) break;
        // Requests get the connection between batches.
        await nextTurn();
      }
    }
    if (done.executions + done.events > 0) {
      logger.info({ ...done, cutoff: cutoff.toISOString() }, 'audit retention deleted old rows');
    }
    return done;
  }
}
