import type { Database } from '@switchboard/db';
import type { UserId } from '@switchboard/identity';
import type { Kysely } from 'kysely';

type Db = Kysely<Database>;

/** Users already known to exist, per database, so provisioning costs one insert per user, not per request. */
const knownUsers = new WeakMap<Db, Set<string>>();
const KNOWN_USERS_MAX = 50_000;

/** Provisions a user on first sight (the token's subject is the stable user id). */
export async function ensureUser(db: Db, userId: UserId): Promise<void> {
  let known = knownUsers.get(db);
  if (!known) {
    known = new Set();
    knownUsers.set(db, known);
  }
  if (known.has(userId)) return;
  await db
    .insertInto('users')
    .values({ id: userId })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  if (known.size >= KNOWN_USERS_MAX) known.clear();
  known.add(userId);
}

export async function userExists(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

export async function upsertUser(db: Db, user: { id: string; displayName?: string | null }) {
  await db
    .insertInto('users')
    .values({ id: user.id, display_name: user.displayName ?? null })
    .onConflict((oc) => oc.column('id').doUpdateSet({ display_name: user.displayName ?? null }))
    .execute();
}
