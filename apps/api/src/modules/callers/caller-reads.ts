import type { Database } from '@switchboard/db';
import type { UserId } from '@switchboard/identity';
import type { Kysely } from 'kysely';
import { GroupedCalls } from '../../platform/grouped-calls.js';
import {
  type AccountsRequest,
  type AccountsWanted,
  type CallerAccounts,
  type CallerSnapshot,
  callerAccounts,
  callerSnapshots,
} from './callers.repo.js';

// Two kinds of read, each with a few statements in flight, leave most of the pool (10) to the
// rest of the work while a batch waits on the database.
const READS = { maxBatch: 128, maxConcurrent: 3 };

/**
 * What every request reads about its caller, read for all requests that ask at the same time in
 * one statement (see `GroupedCalls`). Nothing is cached: each caller's memberships come from a
 * statement sent after their request arrived, so a removed member loses access on their next
 * call (rule 8).
 */
export class CallerReads {
  private readonly snapshots: GroupedCalls<UserId, CallerSnapshot>;
  private readonly withAccounts: GroupedCalls<AccountsRequest, CallerAccounts>;

  constructor(db: Kysely<Database>) {
    this.snapshots = new GroupedCalls((userIds) => callerSnapshots(db, userIds), READS);
    this.withAccounts = new GroupedCalls((requests) => callerAccounts(db, requests), READS);
  }

  /** The caller's display name and memberships, with each organization's toolkit policies. */
  snapshot(userId: UserId): Promise<CallerSnapshot> {
    return this.snapshots.call(userId);
  }

  /** The memberships, and the accounts of the caller's scope and of the organization named. */
  accounts(userId: UserId, wanted: AccountsWanted = {}): Promise<CallerAccounts> {
    return this.withAccounts.call({ userId, ...wanted });
  }
}
