import { type Database, type IdempotencyKeyStatus, preparedStatement } from '@switchboard/db';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import {
  ATTEMPT_COLUMNS,
  ATTEMPT_ROWS,
  attemptArrays,
  type ExecutionAttempt,
  SETTLE_ATTEMPTS,
  type Settlement,
  settlementArrays,
} from '../audit/audit.repo.js';

type Db = Kysely<Database>;

/** One caller's claim of one key for one execution. */
export interface KeyClaim {
  actorUserId: string;
  key: string;
  requestHash: string;
  executionId: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface StoredKey {
  requestHash: string;
  executionId: string;
  status: IdempotencyKeyStatus;
  response: unknown;
  expiresAt: Date;
}

/** An attempt written ahead of its call, with the key it claims if it has one. */
export interface AttemptWrite {
  attempt: ExecutionAttempt;
  claim?: KeyClaim | undefined;
}

// The claim is the insert itself: the primary key lets exactly one of any number of racing
// inserts (on any instance) in, the others do nothing; a key twice in one batch is claimed by the
// first, the second finds it taken. The pending row is written in the same statement, and only
// if its claim won: an attempt and its key are committed together or not at all, so no key is
// left claimed by a call that was never made, and a repeat writes no row.
const BEGIN_CLAIMING_SQL = preparedStatement(`with claimed as (
    insert into idempotency_keys
      (actor_user_id, key, request_hash, execution_id, status, created_at, expires_at)
    select actor_user_id, key, request_hash, execution_id, 'running', created_at, expires_at
    from unnest($19::text[], $20::text[], $21::text[], $22::uuid[], $23::timestamptz[],
      $24::timestamptz[]) as c(actor_user_id, key, request_hash, execution_id, created_at, expires_at)
    on conflict (actor_user_id, key) do nothing
    returning execution_id
  )
  insert into tool_executions (${ATTEMPT_COLUMNS})
  select * from ${ATTEMPT_ROWS}
  where a.execution_id in (select execution_id from claimed) or a.execution_id <> all($22::uuid[])
  returning execution_id::text as execution_id`);

/**
 * Writes attempts ahead of their calls, claiming the keys of those that have one; answers, for
 * each, whether it was written (an unkeyed one always is; a keyed one if its claim won).
 */
export async function beginClaimingKeys(
  db: Db,
  writes: readonly AttemptWrite[],
): Promise<boolean[]> {
  const claims = writes.flatMap((write) => (write.claim ? [write.claim] : []));
  const result = await db.executeQuery<{ execution_id: string }>(
    CompiledQuery.raw(BEGIN_CLAIMING_SQL, [
      ...attemptArrays(writes.map((write) => write.attempt)),
      claims.map((c) => c.actorUserId),
      claims.map((c) => c.key),
      claims.map((c) => c.requestHash),
      claims.map((c) => c.executionId),
      claims.map((c) => c.createdAt),
      claims.map((c) => c.expiresAt),
    ]),
  );
  const written = new Set(result.rows.map((row) => row.execution_id));
  return writes.map((write) => written.has(write.attempt.executionId));
}

export async function readKey(
  db: Db,
  actorUserId: string,
  key: string,
): Promise<StoredKey | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'execution_id', 'status', 'response', 'expires_at'])
    .where('actor_user_id', '=', actorUserId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row
    ? {
        requestHash: row.request_hash,
        executionId: row.execution_id,
        status: row.status,
        response: row.response,
        expiresAt: row.expires_at,
      }
    : undefined;
}

/**
 * Deletes the key if its 24 hours have passed, so that it can be claimed again. Racing callers
 * may all delete it (one row, deleted once); the claim after it lets only one of them in.
 */
export async function deleteExpiredKey(
  db: Db,
  actorUserId: string,
  key: string,
  now: Date,
): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('actor_user_id', '=', actorUserId)
    .where('key', '=', key)
    .where('expires_at', '<=', now)
    .execute();
}

/** One execution's hold on its key: found by the primary key, held only by that execution. */
export interface KeyRef {
  actorUserId: string;
  key: string;
  executionId: string;
}

/** A settlement, with the answer its key keeps for every repeat if the attempt has a key. */
export interface SettlementWrite {
  settlement: Settlement;
  answer?: { key: KeyRef; response: unknown } | undefined;
}

// The answers are kept in the statement that settles the rows, both or neither: if it fails,
// the sweeper finds the row pending and its key running and settles both as unknown. Only
// unindexed columns of a key change, so on a page with room (the table's fillfactor) the update
// is HOT: no index is touched.
const SETTLE_ANSWERING_SQL = preparedStatement(`with answered as (
    update idempotency_keys k
    set status = 'done', response = r.response::json
    from unnest($5::text[], $6::text[], $7::uuid[], $8::text[])
      as r(actor_user_id, key, execution_id, response)
    where k.actor_user_id = r.actor_user_id and k.key = r.key
      and k.execution_id = r.execution_id and k.status = 'running'
  )
  ${SETTLE_ATTEMPTS}`);

/**
 * Settles pending rows and keeps the answers of their keys; answers, for each, whether its row
 * was still pending (and is now settled).
 */
export async function settleAnsweringKeys(
  db: Db,
  writes: readonly SettlementWrite[],
): Promise<boolean[]> {
  const answers = writes.flatMap((write) => (write.answer ? [write.answer] : []));
  const result = await db.executeQuery<{ execution_id: string }>(
    CompiledQuery.raw(SETTLE_ANSWERING_SQL, [
      ...settlementArrays(writes.map((write) => write.settlement)),
      answers.map((a) => a.key.actorUserId),
      answers.map((a) => a.key.key),
      answers.map((a) => a.key.executionId),
      answers.map((a) => JSON.stringify(a.response)),
    ]),
  );
  const settled = new Set(result.rows.map((row) => row.execution_id));
  return writes.map((write) => settled.has(write.settlement.executionId));
}

/**
 * Keys still `running` long after their execution's deadline belong to a process that stopped:
 * with an audit row, Composio may have run the call, so the key can only say `unknown`; without
 * one the call was never made (it is made only after its row is written), so the key is freed.
 * A key and its row are now written in one statement; the second step stays for keys an older
 * version claimed before writing the row, while instances of both versions run side by side.
 * Keys past their 24 hours are deleted. Answers how many keys each step touched.
 */
export async function sweepKeys(
  db: Db,
  now: Date,
  runningBefore: Date,
  limit: number,
): Promise<{ unknown: number; freed: number; expired: number }> {
  const unknown = await sql`update idempotency_keys k set status = 'unknown'
    where k.status = 'running' and k.created_at < ${runningBefore}
      and exists (select 1 from tool_executions t where t.execution_id = k.execution_id)`.execute(
    db,
  );
  const freed = await sql`delete from idempotency_keys k
    where k.status = 'running' and k.created_at < ${runningBefore}
      and not exists (select 1 from tool_executions t where t.execution_id = k.execution_id)`.execute(
    db,
  );
  const expired = await sql`delete from idempotency_keys
    where (actor_user_id, key) in (
      select actor_user_id, key from idempotency_keys where expires_at < ${now}
      limit ${limit} for update skip locked
    )`.execute(db);
  return {
    unknown: Number(unknown.numAffectedRows ?? 0),
    freed: Number(freed.numAffectedRows ?? 0),
    expired: Number(expired.numAffectedRows ?? 0),
  };
}
