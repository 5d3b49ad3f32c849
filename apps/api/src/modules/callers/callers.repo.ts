import type { Database } from '@switchboard/db';
import {
  type AccountStatus,
  composioUserIdFor,
  type OrgId,
  orgScope,
  type Role,
  type ToolkitPolicy,
  type UserId,
  userScope,
} from '@switchboard/identity';
import { type Expression, type Kysely, sql, type Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { fixedQuery, queryBuilder, slot } from '../../platform/fixed-query.js';
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

/**
 * The memberships of the user `userId` (a column of the outer query) as one JSON array, each
 * with its organization's name and toolkit policies, ordered by organization name: one
 * consistent snapshot of who may do what, and the policies come along, so routing a toolkit
 * costs no second round trip.
 */
function membershipsOf(userId: Expression<string>) {
  return jsonArrayFrom(
    queryBuilder
      .selectFrom('memberships')
      .innerJoin('organizations', 'organizations.id', 'memberships.org_id')
      .select((eb) => [
        'memberships.org_id as orgId',
        'memberships.role as role',
        'organizations.name as orgName',
        jsonArrayFrom(
          eb
            .selectFrom('toolkit_policies as p')
            .select([
              'p.toolkit as toolkit',
              'p.scope as scope',
              'p.connect_roles as connectRoles',
              'p.execute_roles as executeRoles',
              'p.allow_tools as allowTools',
              'p.deny_tools as denyTools',
              'p.require_explicit_selection as requireExplicitSelection',
              'p.auth_config_id as authConfigId',
              'p.approval_tools as approvalTools',
              'p.approve_roles as approveRoles',
            ])
            .whereRef('p.org_id', '=', 'memberships.org_id')
            .orderBy('p.toolkit'),
        ).as('policies'),
      ])
      .where('memberships.user_id', '=', userId)
      .orderBy('organizations.name'),
  );
}

function parsedJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

type MembershipsJson = ReturnType<typeof membershipsOf> extends Expression<infer T> ? T : never;

/** The memberships as identity types them: their ids passed identity's checks when written. */
function asMemberships(json: MembershipsJson | string): OrgMembership[] {
  return parsedJson(json) as unknown as OrgMembership[];
}

/** What every authenticated request reads about its caller. */
export interface CallerSnapshot {
  displayName: string | null;
  memberships: OrgMembership[];
}

const USER_IDS = slot<UserId[]>('userIds');

// Read on every authenticated request, for several callers at once (see `CallerReads`).
const callerSnapshotsQuery = fixedQuery(
  queryBuilder
    .selectFrom(
      sql<{ user_id: string }>`unnest(${USER_IDS.value}::text[])`.as<'ids'>(sql`ids(user_id)`),
    )
    .leftJoin('users', 'users.id', 'ids.user_id')
    .select((eb) => [
      'ids.user_id',
      'users.display_name',
      membershipsOf(eb.ref('ids.user_id')).as('memberships'),
    ])
    .compile(),
  { userIds: USER_IDS },
);

/** Each user's snapshot, in the order of `userIds`. */
export async function callerSnapshots(db: Db, userIds: UserId[]): Promise<CallerSnapshot[]> {
  const { rows } = await db.executeQuery(callerSnapshotsQuery({ userIds }));
  const byUser = new Map(rows.map((row) => [row.user_id, row]));
  return userIds.map((userId) => {
    const row = byUser.get(userId);
    return {
      displayName: row?.display_name ?? null,
      memberships: row ? asMemberships(row.memberships) : [],
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

interface AccountJson {
  id: string;
  scopeKind: string;
  scopeUserId: string | null;
  scopeOrgId: string | null;
  composioUserId: string;
  toolkit: string;
  authConfigId: string;
  label: string | null;
  upstreamIdentity: string | null;
  status: string;
  statusReason: string | null;
  isDefault: boolean;
  connectedBy: string | null;
  connectedAtMs: number;
  updatedAtMs: number;
}

function accountOf(json: AccountJson): AccountRecord {
  return {
    id: json.id,
    scope: scopeOfRow({
      scope_kind: json.scopeKind,
      scope_user_id: json.scopeUserId,
      scope_org_id: json.scopeOrgId,
    }),
    composioUserId: json.composioUserId,
    toolkit: json.toolkit,
    authConfigId: json.authConfigId,
    label: json.label,
    upstreamIdentity: json.upstreamIdentity,
    status: json.status as AccountStatus,
    statusReason: json.statusReason,
    isDefault: json.isDefault,
    connectedBy: json.connectedBy,
    // Whole milliseconds, as a Date holds them and the driver's own parsing leaves them.
    connectedAt: new Date(Math.floor(json.connectedAtMs)),
    updatedAt: new Date(Math.floor(json.updatedAtMs)),
  };
}

const REQUESTS = {
  userIds: slot<string[]>('userIds'),
  userScopeIds: slot<string[]>('userScopeIds'),
  toolkits: slot<Array<string | null>>('toolkits'),
  orgIds: slot<Array<string | null>>('orgIds'),
  orgScopeIds: slot<Array<string | null>>('orgScopeIds'),
};

interface RequestColumns {
  user_id: string;
  user_scope_id: string;
  toolkit: string | null;
  org_id: string | null;
  org_scope_id: string | null;
  ord: string;
}

// The snapshot plus the connected accounts of each caller's own scope and, when they are a
// member, of the organization the request names, newest first: one row per caller, with the
// accounts as one JSON array. A row per account was the largest share of a listing's CPU in the
// API (the driver converts every field and parses timestamps with a regular expression), so
// they travel as JSON, timestamps as epoch milliseconds. The scopes' Composio user ids are
// identity's, passed in rather than spelled out in SQL.
const callerAccountsQuery = fixedQuery(
  queryBuilder
    .selectFrom(
      sql<RequestColumns>`unnest(${REQUESTS.userIds.value}::text[], ${REQUESTS.userScopeIds.value}::text[], ${REQUESTS.toolkits.value}::text[], ${REQUESTS.orgIds.value}::text[], ${REQUESTS.orgScopeIds.value}::text[]) with ordinality`.as<'req'>(
        sql`req(user_id, user_scope_id, toolkit, org_id, org_scope_id, ord)`,
      ),
    )
    .select((eb) => [
      sql<number>`req.ord::int`.as('ord'),
      membershipsOf(eb.ref('req.user_id')).as('memberships'),
      jsonArrayFrom(
        eb
          .selectFrom('connected_accounts as a')
          .select([
            'a.id as id',
            'a.scope_kind as scopeKind',
            'a.scope_user_id as scopeUserId',
            'a.scope_org_id as scopeOrgId',
            'a.composio_user_id as composioUserId',
            'a.toolkit as toolkit',
            'a.auth_config_id as authConfigId',
            'a.label as label',
            'a.upstream_identity as upstreamIdentity',
            'a.status as status',
            'a.status_reason as statusReason',
            'a.is_default as isDefault',
            'a.connected_by as connectedBy',
            sql<number>`date_part('epoch', a.connected_at) * 1000`.as('connectedAtMs'),
            sql<number>`date_part('epoch', a.updated_at) * 1000`.as('updatedAtMs'),
          ])
          .where((w) =>
            w.or([
              w('a.composio_user_id', '=', w.ref('req.user_scope_id')),
              w.and([
                w('a.composio_user_id', '=', w.ref('req.org_scope_id')),
                w.exists(
                  w
                    .selectFrom('memberships as mine')
                    .select('mine.org_id')
                    .whereRef('mine.user_id', '=', 'req.user_id')
                    .whereRef('mine.org_id', '=', 'req.org_id'),
                ),
              ]),
            ]),
          )
          .where((w) =>
            w.or([w('req.toolkit', 'is', null), w('a.toolkit', '=', w.ref('req.toolkit'))]),
          )
          .orderBy('a.connected_at', 'desc')
          .orderBy('a.id'),
      ).as('accounts'),
    ])
    .orderBy('req.ord')
    .compile(),
  REQUESTS,
);

/**
 * Each caller's memberships and the accounts they asked for, in the order of `requests`,
 * for procedures that read accounts on every call (listing them, executing a tool). What a
 * caller may see of them is still decided after, from these memberships.
 */
export async function callerAccounts(
  db: Db,
  requests: AccountsRequest[],
): Promise<CallerAccounts[]> {
  const { rows } = await db.executeQuery(
    callerAccountsQuery({
      userIds: requests.map((request) => request.userId),
      userScopeIds: requests.map((request) => composioUserIdFor(userScope(request.userId))),
      toolkits: requests.map((request) => request.toolkit ?? null),
      orgIds: requests.map((request) => request.orgId ?? null),
      orgScopeIds: requests.map((request) =>
        request.orgId === undefined ? null : composioUserIdFor(orgScope(request.orgId)),
      ),
    }),
  );
  const answers: CallerAccounts[] = requests.map(() => ({ memberships: [], accounts: [] }));
  for (const row of rows) {
    const answer = answers[row.ord - 1];
    if (!answer) continue;
    answer.memberships = asMemberships(row.memberships);
    answer.accounts = (parsedJson(row.accounts) as AccountJson[]).map(accountOf);
  }
  return answers;
}
