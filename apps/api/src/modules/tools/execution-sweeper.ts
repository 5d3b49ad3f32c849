import type { Config } from '../../config.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { IdempotencyKeys } from './idempotency.js';

/**
 * How long a pending row may wait for its settlement: the call and, after a refusal, the account
 * check each have Composio's timeout, plus a second for the database. Past it, the sweeper
 * settles the row as `unknown`.
 */
export function settleWindowMs(config: Pick<Config, 'COMPOSIO_TIMEOUT_MS'>): number {
  return config.COMPOSIO_TIMEOUT_MS * 2 + 1_000;
}

export interface SweepCounts {
  /** Audit rows settled as `unknown`. */
  unknown: number;
  /** Keys whose execution was cut off mid-call, now `unknown`. */
  keysUnknown: number;
  /** Keys of calls never made, given back. */
  keysFreed: number;
  /** Keys past their lifetime, deleted. */
  keysExpired: number;
}

export interface ExecutionSweeperOptions {
  audit: Pick<AuditWriter, 'sweep'>;
  idempotency: Pick<IdempotencyKeys<unknown>, 'sweep'>;
  /** How long a pending row may wait to be settled (see `settleWindowMs`). */
  settleWindowMs: number;
  intervalMs: number;
  now: () => Date;
  logger: { warn(obj: object, message?: string): void };
}

/**
 * Settles what a stopped process left behind: audit rows still `pending` past their deadline
 * become `unknown`, their keys too, and expired idempotency keys are deleted. Every instance runs
 * one; their statements skip rows another is settling, so they never settle a row twice.
 */
export class ExecutionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly options: ExecutionSweeperOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // One pass at a time: a slow database must not pile passes up.
      if (this.running) return;
      this.running = this.sweep().finally(() => {
        this.running = undefined;
      });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One pass; answers what it settled. Failures (the database away) wait for the next pass. */
  async sweep(): Promise<SweepCounts> {
    const now = this.options.now();
    try {
      const unknown = await this.options.audit.sweep(now);
      const keys = await this.options.idempotency.sweep(
        now,
        new Date(now.getTime() - this.options.settleWindowMs),
      );
      return {
        unknown,
        keysUnknown: keys.unknown,
        keysFreed: keys.freed,
        keysExpired: keys.expired,
      };
    } catch (error) {
      this.options.logger.warn({ err: error }, 'execution sweep failed; retrying on the next pass');
      return { unknown: 0, keysUnknown: 0, keysFreed: 0, keysExpired: 0 };
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
