import { type Database, preparedStatement } from '@switchboard/db';
import type { AccountStatus, OrgId, Role, ToolkitPolicy, UserId } from '@switchboard/identity';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { AccountRecord } from '../connections/accounts.repo.js';
import { scopeOfRow } from '../scope-columns.js';

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
// of the organization the request names, newest first: one row per caller, the accounts as one
// JSON array of arrays (`ACCOUNT_FIELDS`, in that order). A row per account was the largest share
// of a listing's CPU in the API, about a fifth: the driver splits and converts every field, and
// parses the timestamps with a regular expression. Timestamps travel as epoch milliseconds.
const ACCOUNT_FIELDS = `a.id, a.scope_kind, a.scope_user_id, a.scope_org_id, a.composio_user_id,
  a.toolkit, a.auth_config_id, a.label, a.upstream_identity, a.status, a.status_reason,
  a.is_default, a.connected_by, date_part('epoch', a.connected_at) * 1000,
  date_part('epoch', a.updated_at) * 1000`;

type AccountTuple = [
  id: string,
  scopeKind: 'user' | 'org',
  scopeUserId: string | null,
  scopeOrgId: string | null,
  composioUserId: string,
  toolkit: string,
  authConfigId: string,
  label: string | null,
  upstreamIdentity: string | null,
  status: string,
  statusReason: string | null,
  isDefault: boolean,
  connectedBy: string | null,
  connectedAtMs: number,
  updatedAtMs: number,
];

function accountOfTuple(tuple: AccountTuple): AccountRecord {
  const [
    id,
    scope_kind,
    scope_user_id,
    scope_org_id,
    composioUserId,
    toolkit,
    authConfigId,
    label,
    upstreamIdentity,
    status,
    statusReason,
    isDefault,
    connectedBy,
    connectedAtMs,
    updatedAtMs,
  ] = tuple;
  return {
    id,
    scope: scopeOfRow({ scope_kind, scope_user_id, scope_org_id }),
    composioUserId,
    toolkit,
    authConfigId,
    label,
    upstreamIdentity,
    status: status as AccountStatus,
    statusReason,
    isDefault,
    connectedBy,
    // Whole milliseconds, as a Date holds them and the driver's own parsing leaves them.
    connectedAt: new Date(Math.floor(connectedAtMs)),
    updatedAt: new Date(Math.floor(updatedAtMs)),
  };
}

const CALLER_ACCOUNTS_SQL = preparedStatement(`select req.ord::int as ord,
    ${membershipsJson('req.user_id')} as memberships,
    (select coalesce(json_agg(json_build_array(${ACCOUNT_FIELDS})
        order by a.connected_at desc, a.id), '[]'::json)
      from connected_accounts a
      where a.composio_user_id = any(array_prepend(req.user_id,
          array(select 'org_' || mine.org_id from memberships mine
            where mine.user_id = req.user_id and mine.org_id = req.org_id)))
        and (req.toolkit is null or a.toolkit = req.toolkit)) as accounts
  from unnest($1::text[], $2::text[], $3::text[])
    with ordinality as req(user_id, toolkit, org_id, ord)
  order by req.ord`);

/**
 * Each caller's memberships and the accounts they asked for, in the order of `requests`,
 * for procedures that read accounts on every call (listing them, executing a tool). What a
 * caller may see of them is still decided after, from these memberships.
 */
export async function callerAccounts(
  db: Db,
  requests: AccountsRequest[],
): Promise<CallerAccounts[]> {
  const { rows } = await db.executeQuery<{
    ord: number;
    memberships: OrgMembership[] | string;
    accounts: AccountTuple[] | string;
  }>(
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
    answer.memberships = parsedJson(row.memberships);
    answer.accounts = parsedJson(row.accounts).map(accountOfTuple);
  }
  return answers;
}
