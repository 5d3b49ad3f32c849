import type { Database } from '@switchboard/db';
import type { OrgId, UserId } from '@switchboard/identity';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export interface Organization {
  id: OrgId;
  name: string;
  createdAt: Date;
}

export async function getOrganization(db: Db, orgId: OrgId): Promise<Organization | undefined> {
  const row = await db
    .selectFrom('organizations')
    .select(['id', 'name', 'created_at'])
    .where('id', '=', orgId)
    .executeTakeFirst();
  return row ? { id: row.id as OrgId, name: row.name, createdAt: row.created_at } : undefined;
}

/** Inserts the organization unless its id is taken; returns whether it was created. */
export async function insertOrganization(
  db: Db,
  org: { id: OrgId; name: string; createdBy: UserId; now: Date },
): Promise<boolean> {
  const rows = await db
    .insertInto('organizations')
    .values({ id: org.id, name: org.name, created_by: org.createdBy, created_at: org.now })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length === 1;
}
