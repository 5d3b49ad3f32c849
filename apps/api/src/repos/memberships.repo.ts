import { type Database, preparedStatement } from '@switchboard/db';
import type { Member, OrgId, Role, ToolkitPolicy, UserId } from '@switchboard/identity';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { type AccountRecord, type AccountRow, toAccount } from './accounts.repo.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A toolkit policy of an organization, as routing and decisions need it. */
export interface OrgToolkitPolicy extends ToolkitPolicy {
  toolkit: string;
}

export interface OrgMembership {
  orgId: OrgId;
  orgName: string;
  role: Role;
  /** The organization's toolkit policies, read in the same statement as the membership. */
  policies: readonly OrgToolkitPolicy[];
}

/** Each organization's toolkit policies as JSON, for the membership row `memberships` names. */
const POLICIES_JSON = `coalesce((select json_agg(json_build_object('toolkit', p.toolkit,
    'scope', p.scope, 'connectRoles', p.connect_roles, 'executeRoles', p.execute_roles,
    'allowTools', p.allow_tools, 'denyTools', p.deny_tools,
    'requireExplicitSelection', p.require_explicit_selection,
    'authConfigId', p.auth_config_id) order by p.toolkit)
  from toolkit_policies p where p.org_id = memberships.org_id), '[]'::json)`;

/**
 * The caller's memberships as one JSON array, each with its organization's name and toolkit
 * policies, ordered by organization name: one consistent snapshot of who may do what.
 */
const MEMBERSHIPS_JSON = `(select coalesce(json_agg(json_build_object('orgId', memberships.org_id,
      'role', memberships.role, 'orgName', organizations.name, 'policies', ${POLICIES_JSON})
      order by organizations.name), '[]'::json)
    from memberships inner join organizations on organizations.id = memberships.org_id
    where memberships.user_id = $1)`;

// Runs on every authenticated request: fixed SQL, prepared once per connection, and the policies
// come along, so routing a toolkit costs no second round trip.
const MEMBERSHIPS_OF_SQL = preparedStatement(`select ${MEMBERSHIPS_JSON} as memberships`);

function parsedJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export async function membershipsOf(db: Db, userId: UserId): Promise<OrgMembership[]> {
  const { rows } = await db.executeQuery<{ memberships: OrgMembership[] | string }>(
    CompiledQuery.raw(MEMBERSHIPS_OF_SQL, [userId]),
  );
  const memberships = rows[0]?.memberships;
  return memberships ? parsedJson(memberships) : [];
}

// The same snapshot plus the connected accounts of every scope the caller belongs to (their own
// and each organization's), optionally of one toolkit, newest first: one account per row (one row
// with no account when there are none), the memberships as JSON on one of them only, so they are
// sent and parsed once.
const MEMBERSHIPS_AND_ACCOUNTS_SQL = preparedStatement(`select
    case when row_number() over () = 1 then snapshot.memberships end as memberships, a.*
  from (select ${MEMBERSHIPS_JSON} as memberships) snapshot
  left join lateral (select id, scope_kind, scope_user_id, scope_org_id, composio_user_id, toolkit,
        auth_config_id, label, upstream_identity, status, status_reason, is_default, connected_by,
        connected_at, updated_at
      from connected_accounts
      where connected_accounts.composio_user_id = any(array_prepend($1::text,
          array(select 'org_' || mine.org_id from memberships mine where mine.user_id = $1)))
        and ($2::text is null or connected_accounts.toolkit = $2)) a on true
  order by a.connected_at desc, a.id`);

/**
 * `membershipsOf` and the accounts of all the caller's scopes in one round trip, for procedures
 * that read accounts on every call (listing them, executing a tool). What the caller may see of
 * them is still decided after, from these memberships.
 */
export async function membershipsAndAccountsOf(
  db: Db,
  userId: UserId,
  toolkit?: string,
): Promise<{ memberships: OrgMembership[]; accounts: AccountRecord[] }> {
  const { rows } = await db.executeQuery<
    Omit<AccountRow, 'created_at'> & { memberships: OrgMembership[] | string | null }
  >(CompiledQuery.raw(MEMBERSHIPS_AND_ACCOUNTS_SQL, [userId, toolkit ?? null]));
  const memberships = rows.find((row) => row.memberships !== null)?.memberships;
  return {
    memberships: memberships ? parsedJson(memberships) : [],
    accounts: rows.filter((row) => row.id !== null).map(toAccount),
  };
}

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
