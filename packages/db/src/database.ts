import type {
  ColumnType,
  Generated,
  GeneratedAlways,
  Insertable,
  Selectable,
  Updateable,
} from 'kysely';

/**
 * A JSON column: read as the parsed value, written as a JSON text (pg sends a JS object as JSON,
 * PGlite too, but an array would travel as a PostgreSQL array).
 */
export type Json = ColumnType<unknown, string, string>;

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

/**
 * How an execution attempt ended. `denied` exactly when the decision was `denied`; `pending`
 * while Composio is being called (written before the call); `unknown` when the process that
 * called it stopped before recording how it ended.
 */
export type ExecutionOutcome =
  | 'success'
  | 'tool_error'
  | 'error'
  | 'denied'
  | 'pending'
  | 'unknown';

/** An idempotency key's state: its execution is running, ended (answer kept), or was cut off. */
export type IdempotencyKeyStatus = 'running' | 'done' | 'unknown';

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
  /** Tools that wait for an approver when a role outside `approve_roles` runs them. */
  approval_tools: Generated<string[]>;
  approve_roles: Generated<MembershipRole[]>;
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
  /** The approval this attempt asked for, or ran under (toolkit policies' `approvalTools`). */
  approval_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** A pending row's deadline: not settled by then, the sweeper settles it as `unknown`. */
  settle_by: NullableTimestamp;
}

/** A caller's idempotency key for `tools.execute`: one execution per key, its answer replayed. */
export interface IdempotencyKeysTable {
  actor_user_id: string;
  key: string;
  /** SHA-256 of the request (tool, organization, account choice, arguments). */
  request_hash: string;
  execution_id: string;
  status: IdempotencyKeyStatus;
  /** The answer to replay once `done`: the execution's output, or the error it ended with. */
  response: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Timestamp;
  expires_at: Timestamp;
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
  /** What an approver wrote when deciding on an approval. */
  note: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Where a held call is: waiting, decided, or finished (ran, failed, expired). */
export type ApprovalStatus =
  | 'requested'
  | 'approved'
  | 'denied'
  | 'expired'
  | 'executed'
  | 'failed';

/** A call held for an approver's yes, with its arguments while it may still run. */
export interface ApprovalsTable {
  id: string;
  org_id: string;
  requested_by: string;
  toolkit: string;
  tool: string;
  /** The account chosen when it was asked for; it runs with this one or not at all. */
  connected_account_id: string;
  channel: ExecutionChannel;
  /** The tool's arguments; `null` once the approval has ended. */
  arguments: ColumnType<unknown, string | null, string | null>;
  status: ApprovalStatus;
  /** The audit row of the held attempt. */
  request_execution_id: string;
  /** The audit row of the run, once it ran. */
  execution_id: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  note: string | null;
  /** What the run returned, for the requester. */
  result: ColumnType<unknown, string | null | undefined, string | null>;
  failure_reason: string | null;
  failure_message: string | null;
  created_at: Date;
  expires_at: Date;
  completed_at: Date | null;
}

/** The outbox: one row per lifecycle event, written with the change it describes. */
export interface EventsTable extends ScopeColumns {
  id: string;
  type: string;
  actor_kind: 'user' | 'composio' | 'system';
  actor_id: string | null;
  data: Json;
  occurred_at: Date;
}

/** A subscription to a scope's events. */
export interface WebhookEndpointsTable extends ScopeColumns {
  id: string;
  url: string;
  event_types: string[];
  description: string | null;
  enabled: Generated<boolean>;
  /** The Standard Webhooks signing secret (`whsec_…`), shown once when made. */
  secret: string;
  /** The secret before the last rotation, still signing until it expires. */
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  disabled_reason: string | null;
  /** Since when deliveries to it have kept failing; null while it answers. */
  failing_since: Date | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event owed to one endpoint. */
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Date;
  /** A worker's claim: others leave the row alone until then. */
  locked_until: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

/** One try at a delivery: what the receiver answered, and how fast. */
export interface WebhookAttemptsTable {
  id: GeneratedAlways<string>;
  delivery_id: string;
  attempted_at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  /** The start of the receiver's answer, no more. */
  response_prefix: string | null;
}

/** Composio webhook ids already acted on. */
export interface ComposioWebhooksTable {
  webhook_id: string;
  type: string;
  received_at: Date;
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
  idempotency_keys: IdempotencyKeysTable;
  audit_events: AuditEventsTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  composio_webhooks: ComposioWebhooksTable;
  approvals: ApprovalsTable;
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
