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
 * The memberships of the user `userId` (an SQL expression) as one JSON array, each with its
 * organization's name and toolkit policies, ordered by organization name: one consistent
 * snapshot of who may do what.
 */
function membershipsJson(userId: string) {
  return `(select coalesce(json_agg(json_build_object('orgId', memberships.org_id,
      'role', memberships.role, 'orgName', organizations.name, 'policies', ${POLICIES_JSON})
      order by organizations.name), '[]'::json)
    from memberships inner join organizations on organizations.id = memberships.org_id
    where memberships.user_id = ${userId})`;
}

function parsedJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** What every authenticated request reads about its caller. */
export interface CallerSnapshot {
  displayName: string | null;
  memberships: OrgMembership[];
}

// Read on every authenticated request, for several callers at once (see `CallerReads`): fixed
// SQL, prepared once per connection, and the policies come along, so routing a toolkit costs no
// second round trip.
const CALLER_SNAPSHOTS_SQL = preparedStatement(`select ids.user_id, users.display_name,
    ${membershipsJson('ids.user_id')} as memberships
  from unnest($1::text[]) as ids(user_id) left join users on users.id = ids.user_id`);

/** Each user's snapshot, in the order of `userIds`. */
export async function callerSnapshots(db: Db, userIds: UserId[]): Promise<CallerSnapshot[]> {
  const { rows } = await db.executeQuery<{
    user_id: string;
    display_name: string | null;
    memberships: OrgMembership[] | string;
  }>(CompiledQuery.raw(CALLER_SNAPSHOTS_SQL, [userIds]));
  const byUser = new Map(rows.map((row) => [row.user_id, row]));
  return userIds.map((userId) => {
    const row = byUser.get(userId);
    return {
      displayName: row?.display_name ?? null,
      memberships: row ? parsedJson(row.memberships) : [],
    };
  });
}

/** Which of a caller's accounts a request reads. */
export interface AccountsWanted {
  /** Only this toolkit's accounts; all of them when undefined. */
  toolkit?: string | undefined;
  /** This organization's accounts too, if the caller is a member; only their own when undefined. */
  orgId?: OrgId | undefined;
}

export interface AccountsRequest extends AccountsWanted {
  userId: UserId;
}

export interface CallerAccounts {
  memberships: OrgMembership[];
  /** The connected accounts of the caller's own scope and of the organization asked for. */
  accounts: AccountRecord[];
}

// The snapshot plus the connected accounts of each caller's own scope and, when they are a member,
// of the organization the request names, newest first: one account per row (one row with no
// account when there are none), the memberships as JSON on a caller's first row only, so they are
// sent and parsed once.
const CALLER_ACCOUNTS_SQL = preparedStatement(`select req.ord::int as ord,
    case when a.rn is null or a.rn = 1 then snapshot.memberships end as memberships, a.*
  from unnest($1::text[], $2::text[], $3::text[])
    with ordinality as req(user_id, toolkit, org_id, ord)
  cross join lateral (select ${membershipsJson('req.user_id')} as memberships) snapshot
  left join lateral (select row_number() over (order by connected_at desc, id) as rn,
        id, scope_kind, scope_user_id, scope_org_id, composio_user_id, toolkit, auth_config_id,
        label, upstream_identity, status, status_reason, is_default, connected_by, connected_at,
        updated_at
      from connected_accounts
      where connected_accounts.composio_user_id = any(array_prepend(req.user_id,
          array(select 'org_' || mine.org_id from memberships mine
            where mine.user_id = req.user_id and mine.org_id = req.org_id)))
        and (req.toolkit is null or connected_accounts.toolkit = req.toolkit)) a on true
  order by req.ord, a.rn`);

/**
 * Each caller's memberships and the accounts they asked for, in the order of `requests`,
 * for procedures that read accounts on every call (listing them, executing a tool). What a
 * caller may see of them is still decided after, from these memberships.
 */
export async function callerAccounts(
  db: Db,
  requests: AccountsRequest[],
): Promise<CallerAccounts[]> {
  const { rows } = await db.executeQuery<
    Omit<AccountRow, 'created_at'> & { ord: number; memberships: OrgMembership[] | string | null }
  >(
    CompiledQuery.raw(CALLER_ACCOUNTS_SQL, [
      requests.map((request) => request.userId),
      requests.map((request) => request.toolkit ?? null),
      requests.map((request) => request.orgId ?? null),
    ]),
  );
  const answers: CallerAccounts[] = requests.map(() => ({ memberships: [], accounts: [] }));
  for (const row of rows) {
    const answer = answers[row.ord - 1];
    if (!answer) continue;
    if (row.memberships !== null) answer.memberships = parsedJson(row.memberships);
    if (row.id !== null) answer.accounts.push(toAccount(row));
  }
  return answers;
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
