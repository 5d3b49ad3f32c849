import { type Database, type IdempotencyKeyStatus, preparedStatement } from '@switchboard/db';
import { CompiledQuery, type Kysely, sql } from 'kysely';

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

// The claim is the insert itself: the primary key lets exactly one of any number of racing
// inserts (on any instance) in, the others do nothing. Several claims go as one statement; a key
// twice in one batch is claimed by the first, the second finds it taken.
const CLAIM_SQL = preparedStatement(`insert into idempotency_keys
    (actor_user_id, key, request_hash, execution_id, status, created_at, expires_at)
  select actor_user_id, key, request_hash, execution_id, 'running', created_at, expires_at
  from unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[], $6::timestamptz[])
    as c(actor_user_id, key, request_hash, execution_id, created_at, expires_at)
  on conflict (actor_user_id, key) do nothing
  returning execution_id::text as execution_id`);

/** Claims keys; answers, for each claim, whether it won. */
export async function claimKeys(db: Db, claims: readonly KeyClaim[]): Promise<boolean[]> {
  const result = await db.executeQuery<{ execution_id: string }>(
    CompiledQuery.raw(CLAIM_SQL, [
      claims.map((c) => c.actorUserId),
      claims.map((c) => c.key),
      claims.map((c) => c.requestHash),
      claims.map((c) => c.executionId),
      claims.map((c) => c.createdAt),
      claims.map((c) => c.expiresAt),
    ]),
  );
  const won = new Set(result.rows.map((row) => row.execution_id));
  return claims.map((c) => won.has(c.executionId));
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

/** Takes over a key whose 24 hours have passed; only one of racing takers gets it. */
export async function takeOverExpiredKey(db: Db, claim: KeyClaim): Promise<boolean> {
  const row = await db
    .updateTable('idempotency_keys')
    .set({
      request_hash: claim.requestHash,
      execution_id: claim.executionId,
      status: 'running',
      response: null,
      created_at: claim.createdAt,
      expires_at: claim.expiresAt,
    })
    .where('actor_user_id', '=', claim.actorUserId)
    .where('key', '=', claim.key)
    .where('expires_at', '<=', claim.createdAt)
    .returning('execution_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** One execution's hold on its key: found by the primary key, held only by that execution. */
export interface KeyRef {
  actorUserId: string;
  key: string;
  executionId: string;
}

/** The answer a finished execution gives every repeat of its key. */
export interface KeyResult extends KeyRef {
  response: unknown;
}

// Only unindexed columns change, so on a page with room (the table's fillfactor) the update is
// HOT: no index is touched.
const COMPLETE_SQL = preparedStatement(`update idempotency_keys k
  set status = 'done', response = r.response::json
  from unnest($1::text[], $2::text[], $3::uuid[], $4::text[])
    as r(actor_user_id, key, execution_id, response)
  where k.actor_user_id = r.actor_user_id and k.key = r.key
    and k.execution_id = r.execution_id and k.status = 'running'`);

export async function completeKeys(db: Db, results: readonly KeyResult[]): Promise<void> {
  await db.executeQuery(
    CompiledQuery.raw(COMPLETE_SQL, [
      results.map((r) => r.actorUserId),
      results.map((r) => r.key),
      results.map((r) => r.executionId),
      results.map((r) => JSON.stringify(r.response)),
    ]),
  );
}

/** Gives a key back when its execution never reached Composio: a retry may run it. */
export async function releaseKey(db: Db, ref: KeyRef): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('actor_user_id', '=', ref.actorUserId)
    .where('key', '=', ref.key)
    .where('execution_id', '=', ref.executionId)
    .where('status', '=', 'running')
    .execute();
}

/**
 * Keys still `running` long after their execution's deadline belong to a process that stopped:
 * with an audit row, Composio may have run the call, so the key can only say `unknown`; without
 * one the call was never made (it is made only after its row is written), so the key is freed.
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
