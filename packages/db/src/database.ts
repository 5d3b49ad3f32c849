import type {
  ColumnType,
  Generated,
  GeneratedAlways,
  Insertable,
  Selectable,
  Updateable,
} from 'kysely';

/** A member's role in an organization, highest first. */
export type MembershipRole = 'owner' | 'admin' | 'member' | 'viewer';

/** Who owns a connected account: a person (`user`) or an organization (`org`). */
export type ScopeKind = 'user' | 'org';

/** Where an organization connects a toolkit: once for the org, or per person. */
export type PolicyScope = 'org' | 'user';

/**
 * Composio's connected-account statuses, as Switchboard mirrors them: the schema's one list (the
 * migration that created the column spells out the list of its day; migrations are frozen).
 */
export const CONNECTED_ACCOUNT_STATUSES = [
  'INITIALIZING',
  'INITIATED',
  'ACTIVE',
  'FAILED',
  'EXPIRED',
  'INACTIVE',
  'REVOKED',
] as const;
export type ConnectedAccountStatus = (typeof CONNECTED_ACCOUNT_STATUSES)[number];

/** Lifecycle of a connection (authorization) request. */
export type ConnectionRequestStatus = 'INITIATED' | 'ACTIVE' | 'FAILED' | 'EXPIRED';

/** The transport an execution attempt came over. */
export type ExecutionChannel = 'trpc' | 'mcp';

/** Whether an execution attempt passed the policy decision. */
export type ExecutionDecision = 'allowed' | 'denied';

/** How an execution attempt ended. `denied` exactly when the decision was `denied`. */
export type ExecutionOutcome = 'success' | 'tool_error' | 'error' | 'denied';

/** `timestamptz` read as a `Date` on both drivers; writable as a `Date` or an ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A `timestamptz` with a `now()` default. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A nullable `timestamptz`, `null` until set. */
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

export interface UsersTable {
  /** The app's stable user id; also the Composio user id of the personal scope. */
  id: string;
  display_name: string | null;
  created_at: DefaultedTimestamp;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: DefaultedTimestamp;
  created_by: string | null;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: MembershipRole;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface ToolkitPoliciesTable {
  org_id: string;
  toolkit: string;
  scope: PolicyScope;
  connect_roles: MembershipRole[];
  execute_roles: MembershipRole[];
  /** `null`: no allow list, every tool not denied is allowed. */
  allow_tools: string[] | null;
  deny_tools: Generated<string[]>;
  require_explicit_selection: Generated<boolean>;
  auth_config_id: string | null;
  updated_at: DefaultedTimestamp;
  updated_by: string | null;
}

/**
 * Scope columns shared by accounts, requests and audit rows. Exactly one of `scope_user_id` /
 * `scope_org_id` is set, matching `scope_kind`, and `composio_user_id` is the user id (user scope)
 * or `org_<orgId>` (org scope); the schema checks all of it.
 */
export interface ScopeColumns {
  scope_kind: ScopeKind;
  scope_user_id: string | null;
  scope_org_id: string | null;
  composio_user_id: string;
}

export interface ConnectedAccountsTable extends ScopeColumns {
  /** Composio's connected account id. */
  id: string;
  toolkit: string;
  auth_config_id: string;
  label: string | null;
  upstream_identity: string | null;
  status: ConnectedAccountStatus;
  status_reason: string | null;
  /** At most one pinned default per scope and toolkit. */
  is_default: Generated<boolean>;
  /** Set to `null` when that user is deleted: org accounts outlive who connected them. */
  connected_by: string | null;
  connected_at: Timestamp;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface ConnectionRequestsTable extends ScopeColumns {
  id: Generated<string>;
  toolkit: string;
  auth_config_id: string;
  label: string | null;
  requested_by: string;
  /** The id Composio returned when the link was created; unique. */
  connected_account_id: string;
  /** The connected account re-authorized in place, if this is a reconnect. */
  reconnect_of: string | null;
  status: ConnectionRequestStatus;
  status_reason: string | null;
  callback_url: string | null;
  /** Where the person consents; kept so an abandoned request can be resumed. */
  redirect_url: string | null;
  expires_at: Timestamp;
  created_at: DefaultedTimestamp;
  completed_at: NullableTimestamp;
}

export interface ToolExecutionsTable extends ScopeColumns {
  /** `bigint` identity, read as a decimal string on both drivers (see README). */
  id: GeneratedAlways<string>;
  execution_id: Generated<string>;
  /** No foreign key: the audit log outlives users. */
  actor_user_id: string;
  toolkit: string;
  tool: string;
  connected_account_id: string | null;
  decision: ExecutionDecision;
  deny_reason: string | null;
  outcome: ExecutionOutcome;
  error_code: string | null;
  duration_ms: number;
  started_at: DefaultedTimestamp;
  /** The transport the attempt came over. */
  channel: Generated<ExecutionChannel>;
}

/** An audited step that is not a tool execution (a refused management action, for one). */
export interface AuditEventsTable extends ScopeColumns {
  id: GeneratedAlways<string>;
  occurred_at: DefaultedTimestamp;
  /** No foreign key: the audit log outlives users. */
  actor_user_id: string;
  /** What was asked for: `connections.connect`, `policies.manage`, `members.manage`, … */
  action: string;
  /** What it was asked of: a toolkit, an account id, a member's user id. */
  target: string | null;
  decision: ExecutionDecision;
  /** Why it was denied; null when allowed. */
  reason: string | null;
  channel: Generated<ExecutionChannel>;
}

/** The Kysely database type: every table Switchboard stores. */
export interface Database {
  users: UsersTable;
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  toolkit_policies: ToolkitPoliciesTable;
  connected_accounts: ConnectedAccountsTable;
  connection_requests: ConnectionRequestsTable;
  tool_executions: ToolExecutionsTable;
  audit_events: AuditEventsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;

export type OrganizationRow = Selectable<OrganizationsTable>;
export type NewOrganization = Insertable<OrganizationsTable>;
export type OrganizationUpdate = Updateable<OrganizationsTable>;

export type MembershipRow = Selectable<MembershipsTable>;
export type NewMembership = Insertable<MembershipsTable>;
export type MembershipUpdate = Updateable<MembershipsTable>;

export type ToolkitPolicyRow = Selectable<ToolkitPoliciesTable>;
export type NewToolkitPolicy = Insertable<ToolkitPoliciesTable>;
export type ToolkitPolicyUpdate = Updateable<ToolkitPoliciesTable>;

export type ConnectedAccountRow = Selectable<ConnectedAccountsTable>;
export type NewConnectedAccount = Insertable<ConnectedAccountsTable>;
export type ConnectedAccountUpdate = Updateable<ConnectedAccountsTable>;

export type ConnectionRequestRow = Selectable<ConnectionRequestsTable>;
export type NewConnectionRequest = Insertable<ConnectionRequestsTable>;
export type ConnectionRequestUpdate = Updateable<ConnectionRequestsTable>;

export type ToolExecutionRow = Selectable<ToolExecutionsTable>;
export type NewToolExecution = Insertable<ToolExecutionsTable>;
