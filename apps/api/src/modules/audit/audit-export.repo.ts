import type { Database } from '@switchboard/db';
import type { UserId } from '@switchboard/identity';
import { type Kysely, sql } from 'kysely';
import {
  type AuditEntry,
  type AuditQuery,
  matchingAttempts,
  type Outcome,
  toEntry,
} from './audit.repo.js';

type Db = Kysely<Database>;

/** A row of an export, with the key the next page starts after. */
export interface ExportedAttempt extends AuditEntry {
  actorName: string | null;
  /** `started_at` to the microsecond, in UTC: the (startedAt, id) key of the keyset. */
  startedAtKey: string;
}

export interface ExportPageQuery {
  filter: AuditQuery['filter'];
  from: Date;
  to: Date;
  toolkit?: string | undefined;
  outcome?: Outcome | undefined;
  actor?: UserId | undefined;
  /** Rows after this one in (started_at, id) order. */
  after?: { startedAtKey: string; id: string } | undefined;
  limit: number;
}

/**
 * One page of executions oldest first, by keyset on (started_at, id): each page is one index
 * range read however far into the log it is, and a row written meanwhile inside the range
 * neither repeats nor shifts what follows. The key is read back as text to the microsecond,
 * since a JavaScript Date would round `started_at` to the millisecond and skip or repeat rows
 * that share one.
 */
export async function exportPage(db: Db, query: ExportPageQuery): Promise<ExportedAttempt[]> {
  let q = db
    .selectFrom('tool_executions as t')
    .leftJoin('users as u', 'u.id', 't.actor_user_id')
    .selectAll('t')
    .select([
      'u.display_name as actor_name',
      sql<string>`to_char(t.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'started_at_key',
      ),
    ])
    .where('t.started_at', '>=', query.from)
    .where('t.started_at', '<', query.to)
    .orderBy('t.started_at')
    .orderBy('t.id')
    .where((eb) => matchingAttempts(eb, query))
    .limit(query.limit);
  const after = query.after;
  if (after) {
    q = q.where(
      sql<boolean>`(t.started_at, t.id) > (${after.startedAtKey}::timestamptz, ${after.id}::bigint)`,
    );
  }
  return (await q.execute()).map((row) => ({
    ...toEntry(row),
    actorName: row.actor_name,
    startedAtKey: row.started_at_key,
  }));
}
