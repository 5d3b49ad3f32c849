/**
 * The gateway's public contract: what the rest of Switchboard may ask of Composio. It speaks in
 * Composio user ids (plain strings) and knows nothing of users, orgs or permissions; the caller
 * decides which id to pass. Every method rejects with a `GatewayError` and nothing else.
 */

import { type ConnectedAccountStatus, ConnectedAccountStatuses } from '@composio/core';

/** Why a gateway call failed; stable strings a caller can branch on. */
export type GatewayReason =
  | 'TOOL_NOT_FOUND'
  | 'TOOLKIT_NOT_FOUND'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNT_INACTIVE'
  | 'INVALID_ARGUMENTS'
  | 'RATE_LIMITED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UNAUTHORIZED'
  | 'TOOL_FAILED';

/** Every reason, in a fixed order (handy for exhaustive tables and tests). */
export const GATEWAY_REASONS = [
  'TOOL_NOT_FOUND',
  'TOOLKIT_NOT_FOUND',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_INACTIVE',
  'INVALID_ARGUMENTS',
  'RATE_LIMITED',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'UNAUTHORIZED',
  'TOOL_FAILED',
] as const satisfies readonly GatewayReason[];

/** Composio's connected-account lifecycle, as the SDK lists it. */
export type AccountStatus = ConnectedAccountStatus;

export const ACCOUNT_STATUSES = Object.values(ConnectedAccountStatuses) as [
  AccountStatus,
  ...AccountStatus[],
];

export interface Toolkit {
  slug: string;
  name: string;
  description: string | null;
  logo: string | null;
  categories: string[];
}

export interface ToolDefinition {
  slug: string;
  name: string;
  description: string;
  /** The toolkit's slug, lower case (`github`). */
  toolkit: string;
  /** The toolkit version this definition belongs to (`20250909_00`), when Composio reports one. */
  version: string | null;
  /** JSON Schema of the tool's arguments. */
  inputParameters: Record<string, unknown>;
  /**
   * Composio's tags (`important`, and MCP's hints where Composio has them: `readOnlyHint`,
   * `destructiveHint`, `idempotentHint`, `openWorldHint`).
   */
  tags: string[];
}

/**
 * A connected account as the gateway reports it. Credentials never appear here: everything under
 * Composio's `state`, `data` and `params` is dropped except the upstream identity.
 */
export interface AccountInfo {
  id: string;
  toolkit: string;
  authConfigId: string;
  status: AccountStatus;
  statusReason: string | null;
  alias: string | null;
  /** The login or address the provider reports for this account (`octocat`, `ann@example.com`). */
  upstreamIdentity: string | null;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface LinkResult {
  /** The account Composio created in `INITIATED` state; it turns `ACTIVE` after consent. */
  connectedAccountId: string;
  /** Where to send the user to give consent. */
  redirectUrl: string;
  expiresAt: Date | null;
}

export interface ExecuteResult {
  data: Record<string, unknown>;
  logId: string | null;
}

export interface ExecuteInput {
  tool: string;
  composioUserId: string;
  /**
   * The account to act as. Always pass it in production: without it Composio picks one of the
   * user's accounts for the toolkit by its own rules.
   */
  connectedAccountId?: string;
  arguments: Record<string, unknown>;
}

export interface LinkInput {
  composioUserId: string;
  toolkit: string;
  authConfigId: string;
  callbackUrl?: string;
  alias?: string;
}

export interface ListAccountsQuery {
  composioUserId: string;
  toolkit?: string;
  statuses?: AccountStatus[];
}

export interface ListToolsQuery {
  toolkits?: string[];
  tools?: string[];
  search?: string;
  limit?: number;
  /** Only Composio's curated subset of each toolkit's tools. Default false: every tool. */
  important?: boolean;
}

export interface ComposioGateway {
  /** Toolkits Composio offers. `search` matches slug, name or description. */
  listToolkits(query?: { search?: string; limit?: number }): Promise<Toolkit[]>;
  /** One toolkit; `TOOLKIT_NOT_FOUND` when Composio does not know the slug. */
  getToolkit(slug: string): Promise<Toolkit>;
  /** Tool definitions; fills the definition cache as a side effect. */
  listTools(query: ListToolsQuery): Promise<ToolDefinition[]>;
  /** One tool definition, from the cache when fresh; `TOOL_NOT_FOUND`. */
  getTool(slug: string): Promise<ToolDefinition>;
  /**
   * Runs a tool: one HTTP request to Composio when the definition is cached. Rejects with
   * `TOOL_FAILED` (details `{ error, data }`) when the tool ran and reported failure,
   * `INVALID_ARGUMENTS` when Composio rejected the arguments, `ACCOUNT_NOT_FOUND` when the account
   * does not exist or does not belong to the user. Never retried.
   */
  execute(input: ExecuteInput): Promise<ExecuteResult>;
  /**
   * The enabled auth config to connect `toolkit` with: `preferredId` when it exists, is enabled and
   * belongs to the toolkit; else the first enabled one; else a newly created Composio-managed one.
   * Concurrent calls for one toolkit share one resolution (no duplicate creation in-process).
   */
  resolveAuthConfig(toolkit: string, preferredId?: string | null): Promise<string>;
  /** Starts a connection (Composio Connect link). Several accounts per toolkit are allowed. Never retried. */
  link(input: LinkInput): Promise<LinkResult>;
  /** Every account of one Composio user (all pages), optionally narrowed by toolkit and status. */
  listAccounts(query: ListAccountsQuery): Promise<AccountInfo[]>;
  /**
   * One account; `ACCOUNT_NOT_FOUND`. With `composioUserId`, also `ACCOUNT_NOT_FOUND` when the
   * account belongs to another user (checked by listing that user's accounts: one more request).
   */
  getAccount(id: string, options?: { composioUserId?: string }): Promise<AccountInfo>;
  deleteAccount(id: string): Promise<void>;
  enableAccount(id: string): Promise<void>;
  disableAccount(id: string): Promise<void>;
  /** Re-authorizes an account in place (same id); `redirectUrl` is where the user goes, if anywhere. */
  refreshAccount(
    id: string,
    input?: { redirectUrl?: string },
  ): Promise<{ status: AccountStatus; redirectUrl: string | null }>;
  /**
   * Polls the account until it leaves `INITIALIZING`/`INITIATED` (ACTIVE, FAILED, EXPIRED, ...) or
   * `timeoutMs` passes, and resolves with its latest state either way: a user who has not finished
   * consenting yet is not an error. Rejects only when the account cannot be read.
   */
  waitForConnection(id: string, timeoutMs: number): Promise<AccountInfo>;
  /** Cheap reachability check (lists one toolkit) for readiness probes. */
  ping(): Promise<void>;
}

export interface GatewayLogger {
  debug?(...args: unknown[]): void;
  info?(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * Watches the gateway's calls to Composio (for metrics and traces) without the gateway knowing
 * any telemetry library: the application implements it and passes it in the config.
 */
export interface GatewayObserver {
  /**
   * Runs one gateway call to Composio, retries included. `operation` is one of a fixed set of
   * names (`tools.execute`, `connectedAccounts.get`, ...); `subject` what the call is about (a
   * tool slug, a toolkit, an id), when it names one. Must settle as `run` settles.
   */
  call<T>(operation: string, subject: string | undefined, run: () => Promise<T>): Promise<T>;
  /**
   * Headers to add to each HTTP request sent to Composio (W3C `traceparent`), asked for as the
   * request is sent, so within the call `call` runs.
   */
  requestHeaders?(): Record<string, string> | undefined;
}

export interface GatewayConfig {
  apiKey: string;
  /** Composio's API origin; defaults to Composio cloud. Point it at the emulator in dev and tests. */
  baseUrl?: string;
  /** Toolkit versions to read and execute (`{ github: '20250909_00' }`); default `'latest'`. */
  toolkitVersions?: Record<string, string> | 'latest';
  /** Budget for one gateway call, retries included. */
  timeoutMs: number;
  logger: GatewayLogger;
  /** Retries of idempotent calls on 429, 5xx and connection errors. */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** How long a tool definition stays cached (default 10 minutes). */
  toolCacheTtlMs?: number;
  /** How many tool definitions are cached at most (default 500). */
  toolCacheMax?: number;
  /** Interval between polls in `waitForConnection` (default 1000 ms). */
  pollIntervalMs?: number;
  /** Told of every call to Composio; none by default. */
  observer?: GatewayObserver;
}
