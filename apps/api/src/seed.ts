import type { Database } from '@switchboard/db';
import type { Kysely } from 'kysely';

export const DEMO_USERS = [
  { id: 'alice', displayName: 'Alice' },
  { id: 'bob', displayName: 'Bob' },
  { id: 'carol', displayName: 'Carol' },
  { id: 'dave', displayName: 'Dave' },
] as const;

export const DEMO_ORG = { id: 'acme', name: 'Acme' } as const;

const DEMO_ROLES = { alice: 'owner', bob: 'member', carol: 'viewer' } as const;

/** The demo world of `pnpm dev`: Acme with alice, bob and carol, and dave outside it. Idempotent. */
export async function seedDemo(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const user of DEMO_USERS) {
      await trx
        .insertInto('users')
        .values({ id: user.id, display_name: user.displayName })
        .onConflict((oc) => oc.column('id').doUpdateSet({ display_name: user.displayName }))
        .execute();
    }
    await trx
      .insertInto('organizations')
      .values({ id: DEMO_ORG.id, name: DEMO_ORG.name, created_by: 'alice' })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    for (const [userId, role] of Object.entries(DEMO_ROLES)) {
      await trx
        .insertInto('memberships')
        .values({ org_id: DEMO_ORG.id, user_id: userId, role })
        .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
        .execute();
    }
  });
}
