import { randomUUID } from 'node:crypto';
import { type AccountInfo, GatewayError } from '@switchboard/composio-gateway';
import type { Database } from '@switchboard/db';
import {
  type AccountStatus,
  type Action,
  composioUserIdFor,
  type OrgId,
  orgScope,
  type Principal,
  type Scope,
  type UserId,
  userScope,
} from '@switchboard/identity';
import type { Kysely } from 'kysely';
import { type Caller, loadCallerWithAccounts } from '../auth/authenticate.js';
import { toAppError } from '../error-mapping.js';
import { AppError, notFound } from '../errors.js';
import { SingleFlight } from '../limits/single-flight.js';
import {
  type AccountRecord,
  accountById,
  deleteAccount,
  insertAccount,
  labelTaken,
  pinDefault,
  unpinDefault,
  updateAccount,
} from '../repos/accounts.repo.js';
import {
  type ConnectionRequestRecord,
  finishRequest,
  insertRequest,
  requestById,
} from '../repos/requests.repo.js';
import { publicScope } from '../repos/scope-columns.js';
import type { AppDeps } from '../trpc/context.js';
import { authorize } from '../trpc/procedures.js';
import { routeForCaller } from './routing.js';

export interface ConnectionView {
  id: string;
  toolkit: string;
  scope: { kind: 'user' | 'org'; id: string };
  label: string | null;
  upstreamIdentity: string | null;
  status: AccountStatus;
  statusReason: string | null;
  isDefault: boolean;
  connectedAt: string;
  connectedBy: string | null;
}

export function toView(account: AccountRecord): ConnectionView {
  return {
    id: account.id,
    toolkit: account.toolkit,
    scope: publicScope(account.scope),
    label: account.label,
    upstreamIdentity: account.upstreamIdentity,
    status: account.status,
    statusReason: account.statusReason,
    isDefault: account.isDefault,
    connectedAt: account.connectedAt.toISOString(),
    connectedBy: account.connectedBy,
  };
}

async function gatewayCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toAppError(error);
  }
}

/** Post-connect redirects go only to the web app's origin: anything else would be an open redirect. */
function checkCallbackUrl(deps: AppDeps, callbackUrl: string | undefined): string | null {
  if (callbackUrl === undefined) return null;
  let url: URL;
  try {
    url = new URL(callbackUrl, deps.config.WEB_ORIGIN);
  } catch {
    throw new AppError('INVALID_CALLBACK_URL', 'callbackUrl is not a URL');
  }
  if (url.origin !== new URL(deps.config.WEB_ORIGIN).origin) {
    throw new AppError(
      'INVALID_CALLBACK_URL',
      `callbackUrl must be on the web app's origin (${deps.config.WEB_ORIGIN})`,
    );
  }
  return url.toString();
}

function composioCallbackUrl(publicUrl: string, requestId: string): string {
  const url = new URL('/connections/callback', publicUrl);
  url.searchParams.set('request_id', requestId);
  return url.toString();
}

export interface AuthorizeInput {
  toolkit: string;
  orgId?: OrgId | undefined;
  label?: string | undefined;
  callbackUrl?: string | undefined;
}

export interface PendingConnection {
  requestId: string;
  redirectUrl: string;
  expiresAt: string;
}

/** Starts connecting a toolkit in the scope its policy routes it to (rules 4 and 7). */
export async function authorizeConnection(
  deps: AppDeps,
  principal: Caller,
  publicUrl: string,
  input: AuthorizeInput,
): Promise<PendingConnection> {
  const { scope, policy } = routeForCaller(principal, input.toolkit, input.orgId);
  authorize(principal, 'connections.connect', { scope, toolkit: input.toolkit, policy });
  const callbackUrl = checkCallbackUrl(deps, input.callbackUrl);
  const composioUserId = composioUserIdFor(scope);
  if (input.label && (await labelTaken(deps.db, composioUserId, input.toolkit, input.label))) {
    throw new AppError(
      'LABEL_TAKEN',
      `This scope already has a ${input.toolkit} account labelled "${input.label}"`,
    );
  }
  await gatewayCall(() => deps.gateway.getToolkit(input.toolkit));
  const authConfigId = await gatewayCall(() =>
    deps.gateway.resolveAuthConfig(input.toolkit, policy?.authConfigId ?? null),
  );
  const requestId = randomUUID();
  const link = await gatewayCall(() =>
    deps.gateway.link({
      composioUserId,
      toolkit: input.toolkit,
      authConfigId,
      callbackUrl: composioCallbackUrl(publicUrl, requestId),
      ...(input.label ? { alias: input.label } : {}),
    }),
  );
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.config.CONNECTION_REQUEST_TTL_SECONDS * 1000);
  await insertRequest(deps.db, {
    id: requestId,
    scope,
    toolkit: input.toolkit,
    authConfigId,
    label: input.label ?? null,
    requestedBy: principal.userId,
    connectedAccountId: link.connectedAccountId,
    reconnectOf: null,
    callbackUrl,
    expiresAt,
    createdAt: now,
  });
  return { requestId, redirectUrl: link.redirectUrl, expiresAt: expiresAt.toISOString() };
}

/** The status an account should have in the map, as Composio reports it. */
function upstreamStatus(info: AccountInfo): { status: AccountStatus; statusReason: string | null } {
  if (info.disabled) return { status: 'INACTIVE', statusReason: info.statusReason ?? 'DISABLED' };
  return { status: info.status, statusReason: info.statusReason };
}

/**
 * Settles a pending request from what Composio says of its account: maps the account when it is
 * ACTIVE and belongs to the request's scope and toolkit, fails or expires the request otherwise.
 * Safe to run twice (callback and polling may race): only the first completion maps the account.
 */
export async function settleRequest(
  deps: AppDeps,
  request: ConnectionRequestRecord,
): Promise<ConnectionRequestRecord> {
  if (request.status !== 'INITIATED') return request;
  const now = deps.now();
  if (now.getTime() > request.expiresAt.getTime()) {
    await finishRequest(deps.db, request.id, 'EXPIRED', 'INITIATION_TIMEOUT', now);
    return { ...request, status: 'EXPIRED', statusReason: 'INITIATION_TIMEOUT', completedAt: now };
  }
  const info = await gatewayCall(() => deps.gateway.getAccount(request.connectedAccountId));
  if (info.status === 'INITIATED' || info.status === 'INITIALIZING') return request;
  if (info.status !== 'ACTIVE') {
    const final = info.status === 'EXPIRED' ? 'EXPIRED' : 'FAILED';
    await finishRequest(deps.db, request.id, final, info.statusReason ?? info.status, now);
    return {
      ...request,
      status: final,
      statusReason: info.statusReason ?? info.status,
      completedAt: now,
    };
  }
  const owned = await gatewayCall(() =>
    deps.gateway.listAccounts({ composioUserId: request.composioUserId, toolkit: request.toolkit }),
  );
  if (info.toolkit !== request.toolkit || !owned.some((account) => account.id === info.id)) {
    await finishRequest(deps.db, request.id, 'FAILED', 'SCOPE_MISMATCH', now);
    return { ...request, status: 'FAILED', statusReason: 'SCOPE_MISMATCH', completedAt: now };
  }
  // Two pending requests may ask for the same label; the account connected second keeps none
  // rather than failing its consent.
  const label =
    request.label &&
    !(await labelTaken(deps.db, request.composioUserId, request.toolkit, request.label))
      ? request.label
      : null;
  await deps.db.transaction().execute(async (trx) => {
    if (!(await finishRequest(trx, request.id, 'ACTIVE', null, now))) return;
    if (request.reconnectOf) {
      await updateAccount(
        trx,
        request.reconnectOf,
        { status: 'ACTIVE', statusReason: null, upstreamIdentity: info.upstreamIdentity },
        now,
      );
      return;
    }
    await insertAccount(trx, {
      id: info.id,
      scope: request.scope,
      toolkit: request.toolkit,
      authConfigId: request.authConfigId,
      label,
      upstreamIdentity: info.upstreamIdentity,
      status: 'ACTIVE',
      statusReason: null,
      connectedBy: request.requestedBy,
      connectedAt: now,
    });
  });
  return { ...request, status: 'ACTIVE', statusReason: null, completedAt: now };
}

/** A request is visible to whoever asked for it; anyone else gets NOT_FOUND. */
export async function requestStatus(deps: AppDeps, principal: Principal, requestId: string) {
  const request = await requestById(deps.db, requestId);
  if (!request || request.requestedBy !== principal.userId) throw notFound('Connection request');
  const settled = await settleRequest(deps, request);
  return {
    status: settled.status,
    statusReason: settled.statusReason,
    toolkit: settled.toolkit,
    scope: publicScope(settled.scope),
    expiresAt: settled.expiresAt.toISOString(),
    ...(settled.status === 'ACTIVE'
      ? { connectedAccountId: settled.reconnectOf ?? settled.connectedAccountId }
      : {}),
  };
}

/** Where the browser goes once the OAuth callback has been handled. */
export function webRedirectFor(
  deps: AppDeps,
  request: ConnectionRequestRecord | undefined,
  error?: string,
) {
  const url = new URL(request?.callbackUrl ?? '/connections', deps.config.WEB_ORIGIN);
  if (request) {
    url.searchParams.set('request_id', request.id);
    url.searchParams.set('status', request.status);
  }
  if (error) url.searchParams.set('error', error);
  return url.toString();
}

export interface ListInput {
  orgId?: OrgId | undefined;
  toolkit?: string | undefined;
  include?: 'personal' | 'org' | 'all' | undefined;
}

/** The scopes a listing covers: personal, the named organization's, or both. */
function scopesToList(userId: UserId, input: ListInput): Scope[] {
  const include = input.include ?? (input.orgId ? 'all' : 'personal');
  const scopes: Scope[] = [];
  if (include !== 'org') scopes.push(userScope(userId));
  if (include !== 'personal') {
    if (input.orgId === undefined) {
      throw new AppError('INVALID_INPUT', `include: '${include}' needs an orgId`);
    }
    scopes.push(orgScope(input.orgId));
  }
  return scopes;
}

const reconciledAt = new WeakMap<Kysely<Database>, Map<string, number>>();
const reconciling = new SingleFlight<AccountRecord[]>();

/**
 * Brings the map's statuses in line with Composio's (expired tokens, accounts revoked upstream).
 * A scope seen for the first time is reconciled before answering; after that at most once per
 * `RECONCILE_INTERVAL_SECONDS`, in the background, so a listing never waits on Composio for news
 * it usually lacks. The interval bounds the calls every listing user costs the Composio project's
 * quota: asking every 5 s took 0.4 upstream calls per listing in the benchmark, and most of its
 * CPU. Executions and `connections.refresh` update a status at once whatever the interval.
 * If Composio cannot be reached the map is served as it is.
 */
async function reconcile(deps: AppDeps, composioUserId: string, accounts: AccountRecord[]) {
  let seen = reconciledAt.get(deps.db);
  if (!seen) {
    seen = new Map();
    reconciledAt.set(deps.db, seen);
  }
  const now = deps.now().getTime();
  const last = seen.get(composioUserId);
  const intervalMs = deps.config.RECONCILE_INTERVAL_SECONDS * 1000;
  if (accounts.length === 0 || (last !== undefined && now - last < intervalMs)) {
    return accounts;
  }
  seen.set(composioUserId, now);
  const running = reconciling.run(composioUserId, () =>
    reconcileNow(deps, composioUserId, accounts),
  );
  if (last === undefined) return running;
  running.catch((error: unknown) =>
    deps.logger.warn({ err: error }, 'background reconcile failed'),
  );
  return accounts;
}

async function reconcileNow(deps: AppDeps, composioUserId: string, accounts: AccountRecord[]) {
  let upstream: AccountInfo[];
  try {
    upstream = await deps.gateway.listAccounts({ composioUserId });
  } catch (error) {
    if (error instanceof GatewayError) return accounts;
    throw error;
  }
  const byId = new Map(upstream.map((info) => [info.id, info]));
  const now = deps.now();
  return Promise.all(
    accounts.map(async (account) => {
      const info = byId.get(account.id);
      const next = info
        ? upstreamStatus(info)
        : { status: 'REVOKED' as const, statusReason: 'DELETED_UPSTREAM' };
      if (next.status === account.status && next.statusReason === account.statusReason)
        return account;
      await updateAccount(deps.db, account.id, next, now);
      return { ...account, ...next };
    }),
  );
}

export async function listConnections(deps: AppDeps, userId: UserId, input: ListInput) {
  const scopes = scopesToList(userId, input);
  // The caller and the accounts of the scopes listed in one read; only what they may see is kept.
  const { caller, accounts } = await loadCallerWithAccounts(deps, userId, {
    toolkit: input.toolkit,
    orgId: scopes.some((scope) => scope.kind === 'org') ? input.orgId : undefined,
  });
  for (const scope of scopes) authorize(caller, 'connections.read', { scope });
  const composioUserIds = scopes.map(composioUserIdFor);
  const perScope = await Promise.all(
    composioUserIds.map((composioUserId) =>
      reconcile(
        deps,
        composioUserId,
        accounts.filter((account) => account.composioUserId === composioUserId),
      ),
    ),
  );
  return perScope.flat().map(toView);
}

/** An account of the map the caller may act on; others' accounts are NOT_FOUND. */
export async function accountFor(
  deps: AppDeps,
  principal: Principal,
  id: string,
  action: Action,
): Promise<AccountRecord> {
  const account = await accountById(deps.db, id);
  if (!account) throw notFound('Connected account');
  authorize(principal, action, { scope: account.scope, toolkit: account.toolkit });
  return account;
}

export async function updateConnection(
  deps: AppDeps,
  account: AccountRecord,
  input: { label?: string | null | undefined; makeDefault?: boolean | undefined },
) {
  const now = deps.now();
  if (
    input.label &&
    (await labelTaken(deps.db, account.composioUserId, account.toolkit, input.label, account.id))
  ) {
    throw new AppError(
      'LABEL_TAKEN',
      `This scope already has a ${account.toolkit} account labelled "${input.label}"`,
    );
  }
  if (input.makeDefault === true && account.status !== 'ACTIVE') {
    throw new AppError(
      'ACCOUNT_INACTIVE',
      `Only an ACTIVE account can be the default; this one is ${account.status}`,
      {
        details: { connectedAccountId: account.id, status: account.status },
      },
    );
  }
  await deps.db.transaction().execute(async (trx) => {
    if (input.label !== undefined)
      await updateAccount(trx, account.id, { label: input.label }, now);
    if (input.makeDefault === true) await pinDefault(trx, account, now);
    if (input.makeDefault === false) await unpinDefault(trx, account.id, now);
  });
  return reloaded(deps, account.id);
}

async function reloaded(deps: AppDeps, id: string): Promise<ConnectionView> {
  const account = await accountById(deps.db, id);
  if (!account) throw notFound('Connected account');
  return toView(account);
}

/** Re-authorizes a broken account in place: same id, same label, same pin (rule 7). */
export async function reconnectConnection(
  deps: AppDeps,
  principal: Principal,
  account: AccountRecord,
  publicUrl: string,
  callbackUrlInput: string | undefined,
): Promise<PendingConnection> {
  const callbackUrl = checkCallbackUrl(deps, callbackUrlInput);
  const requestId = randomUUID();
  const refreshed = await gatewayCall(() =>
    deps.gateway.refreshAccount(account.id, {
      redirectUrl: composioCallbackUrl(publicUrl, requestId),
    }),
  );
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.config.CONNECTION_REQUEST_TTL_SECONDS * 1000);
  await insertRequest(deps.db, {
    id: requestId,
    scope: account.scope,
    toolkit: account.toolkit,
    authConfigId: account.authConfigId,
    label: account.label,
    requestedBy: principal.userId,
    connectedAccountId: account.id,
    reconnectOf: account.id,
    callbackUrl,
    expiresAt,
    createdAt: now,
  });
  // Without a redirect Composio re-authorized on its own; the callback URL settles the request.
  const redirectUrl = refreshed.redirectUrl ?? composioCallbackUrl(publicUrl, requestId);
  return { requestId, redirectUrl, expiresAt: expiresAt.toISOString() };
}

/** Reads the account's state back from Composio into the map. */
async function syncFromUpstream(deps: AppDeps, account: AccountRecord): Promise<ConnectionView> {
  const info = await gatewayCall(() => deps.gateway.getAccount(account.id));
  await updateAccount(
    deps.db,
    account.id,
    { ...upstreamStatus(info), upstreamIdentity: info.upstreamIdentity },
    deps.now(),
  );
  return reloaded(deps, account.id);
}

export async function refreshConnection(deps: AppDeps, account: AccountRecord) {
  return syncFromUpstream(deps, account);
}

export async function setConnectionEnabled(
  deps: AppDeps,
  account: AccountRecord,
  enabled: boolean,
) {
  await gatewayCall(() =>
    enabled ? deps.gateway.enableAccount(account.id) : deps.gateway.disableAccount(account.id),
  );
  return syncFromUpstream(deps, account);
}

export async function deleteConnection(deps: AppDeps, account: AccountRecord) {
  try {
    await deps.gateway.deleteAccount(account.id);
  } catch (error) {
    // Already gone upstream: the map entry is all that is left to remove.
    if (!(error instanceof GatewayError && error.reason === 'ACCOUNT_NOT_FOUND'))
      throw toAppError(error);
  }
  await deleteAccount(deps.db, account.id);
  return { id: account.id, deleted: true as const };
}
