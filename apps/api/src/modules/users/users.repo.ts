import type { Database } from '@switchboard/db';
import type { UserId } from '@switchboard/identity';
import type { Kysely } from 'kysely';
import type { LRUCache } from 'lru-cache';

type Db = Kysely<Database>;

/**
 * Provisions a user on first sight (the token's subject is the stable user id). `known` holds the
 * users already provisioned in `db`, so this costs one insert per user, not one per request.
 */
export async function ensureUser(
  db: Db,
  known: LRUCache<string, true>,
  userId: UserId,
): Promise<void> {
  if (known.has(userId)) return;
  await db
    .insertInto('users')
    .values({ id: userId })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  known.set(userId, true);
}

export async function userExists(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  return row !== undefined;
}
