import type { Database } from '@switchboard/db';
import type { Member, OrgId, Role, UserId } from '@switchboard/identity';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export interface MemberRow extends Member {
  displayName: string | null;
  joinedAt: Date;
}

export async function membersOf(db: Db, orgId: OrgId): Promise<MemberRow[]> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'memberships.user_id',
      'memberships.role',
      'memberships.created_at',
      'users.display_name',
    ])
    .where('memberships.org_id', '=', orgId)
    .orderBy('memberships.user_id')
    .execute();
  return rows.map((row) => ({
    userId: row.user_id as UserId,
    role: row.role as Role,
    displayName: row.display_name,
    joinedAt: row.created_at,
  }));
}

/**
 * Locks the organization's row for the rest of the transaction, so role changes to one
 * organization are applied one after another (two demotions of the last two owners cannot
 * both pass the "one owner remains" check).
 */
export async function lockOrganization(trx: Transaction<Database>, orgId: OrgId): Promise<boolean> {
  const row = await trx
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', orgId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

export async function setMemberRole(db: Db, orgId: OrgId, userId: UserId, role: Role, now: Date) {
  await db
    .insertInto('memberships')
    .values({ org_id: orgId, user_id: userId, role, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ role, updated_at: now }))
    .execute();
}

export async function removeMember(db: Db, orgId: OrgId, userId: UserId) {
  await db
    .deleteFrom('memberships')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .execute();
}
