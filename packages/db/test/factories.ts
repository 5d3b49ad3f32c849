import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  Database,
  MembershipRole,
  NewConnectedAccount,
  NewConnectionRequest,
  NewOrganization,
  NewToolExecution,
  NewToolkitPolicy,
  NewUser,
  ScopeColumns,
} from '../src/index.js';

/** A fresh id so that tests sharing one database never collide. */
export function uniqueId(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export interface UserScope extends ScopeColumns {
  scope_kind: 'user';
  scope_user_id: string;
  scope_org_id: null;
  composio_user_id: string;
}

export interface OrgScope extends ScopeColumns {
  scope_kind: 'org';
  scope_user_id: null;
  scope_org_id: string;
  composio_user_id: string;
}

export function userScope(userId: string): UserScope {
  return {
    scope_kind: 'user',
    scope_user_id: userId,
    scope_org_id: null,
    composio_user_id: userId,
  };
}

export function orgScope(orgId: string): OrgScope {
  return {
    scope_kind: 'org',
    scope_user_id: null,
    scope_org_id: orgId,
    composio_user_id: `org_${orgId}`,
  };
}

export function buildUser(overrides: Partial<NewUser> = {}): NewUser {
  return { id: uniqueId('user-'), display_name: 'Test User', ...overrides };
}

export function insertUser(db: Kysely<Database>, overrides: Partial<NewUser> = {}) {
  return db
    .insertInto('users')
    .values(buildUser(overrides))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function buildOrg(overrides: Partial<NewOrganization> = {}): NewOrganization {
  return { id: uniqueId('org-'), name: 'Acme', ...overrides };
}

export function insertOrg(db: Kysely<Database>, overrides: Partial<NewOrganization> = {}) {
  return db
    .insertInto('organizations')
    .values(buildOrg(overrides))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertMembership(
  db: Kysely<Database>,
  values: { org_id: string; user_id: string; role?: MembershipRole },
) {
  return db
    .insertInto('memberships')
    .values({ role: 'member', ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function buildPolicy(
  orgId: string,
  overrides: Partial<NewToolkitPolicy> = {},
): NewToolkitPolicy {
  return {
    org_id: orgId,
    toolkit: uniqueId('kit_'),
    scope: 'org',
    connect_roles: ['owner', 'admin'],
    execute_roles: ['owner', 'admin', 'member'],
    allow_tools: null,
    auth_config_id: null,
    updated_by: null,
    ...overrides,
  };
}

export function insertPolicy(
  db: Kysely<Database>,
  orgId: string,
  overrides: Partial<NewToolkitPolicy> = {},
) {
  return db
    .insertInto('toolkit_policies')
    .values(buildPolicy(orgId, overrides))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function buildAccount(
  scope: ScopeColumns,
  overrides: Partial<NewConnectedAccount> = {},
): NewConnectedAccount {
  return {
    id: uniqueId('ca_'),
    ...scope,
    toolkit: 'gmail',
    auth_config_id: 'ac_test',
    label: null,
    upstream_identity: null,
    status: 'ACTIVE',
    status_reason: null,
    connected_by: scope.scope_user_id,
    connected_at: new Date(),
    ...overrides,
  };
}

export function insertAccount(
  db: Kysely<Database>,
  scope: ScopeColumns,
  overrides: Partial<NewConnectedAccount> = {},
) {
  return db
    .insertInto('connected_accounts')
    .values(buildAccount(scope, overrides))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function buildRequest(
  scope: ScopeColumns,
  requestedBy: string,
  overrides: Partial<NewConnectionRequest> = {},
): NewConnectionRequest {
  return {
    ...scope,
    toolkit: 'gmail',
    auth_config_id: 'ac_test',
    label: null,
    requested_by: requestedBy,
    connected_account_id: uniqueId('ca_'),
    reconnect_of: null,
    status: 'INITIATED',
    status_reason: null,
    callback_url: null,
    expires_at: new Date(Date.now() + 10 * 60_000),
    ...overrides,
  };
}

export function insertRequest(
  db: Kysely<Database>,
  scope: ScopeColumns,
  requestedBy: string,
  overrides: Partial<NewConnectionRequest> = {},
) {
  return db
    .insertInto('connection_requests')
    .values(buildRequest(scope, requestedBy, overrides))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function buildExecution(
  scope: ScopeColumns,
  actorUserId: string,
  overrides: Partial<NewToolExecution> = {},
): NewToolExecution {
  return {
    ...scope,
    actor_user_id: actorUserId,
    toolkit: 'gmail',
    tool: 'GMAIL_SEND_EMAIL',
    connected_account_id: null,
    decision: 'allowed',
    deny_reason: null,
    outcome: 'success',
    error_code: null,
    duration_ms: 12,
    ...overrides,
  };
}

export function insertExecution(
  db: Kysely<Database>,
  scope: ScopeColumns,
  actorUserId: string,
  overrides: Partial<NewToolExecution> = {},
) {
  return db
    .insertInto('tool_executions')
    .values(buildExecution(scope, actorUserId, overrides))
    .returningAll()
    .executeTakeFirstOrThrow();
}
