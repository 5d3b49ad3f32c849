import { randomUUID } from 'node:crypto';
import { composioUserIdFor, type Principal, type UserId } from '@switchboard/identity';
import type { Routed } from '../../access/acting.js';
import { AppError, notFound } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import { recordEvent } from '../events/events.repo.js';
import type { EventActor } from '../events/events.schema.js';
import { publicScope } from '../scope-columns.js';
import {
  type AccountRecord,
  accountById,
  insertAccount,
  labelTaken,
  updateAccount,
} from './accounts.repo.js';
import { toView } from './connection-view.js';
import {
  type ConnectionRequestRecord,
  finishRequest,
  insertRequest,
  pendingRequestsOf,
  requestById,
} from './requests.repo.js';

/**
 * Post-connect redirects go only to the web app's origin: anything else would be an open
 * redirect. The scheme is checked on its own: `blob:http://<web origin>/x` reports the web
 * app's origin too, but is no page of it.
 */
function checkCallbackUrl(deps: AppDeps, callbackUrl: string | undefined): string | null {
  if (callbackUrl === undefined) return null;
  let url: URL;
  try {
    url = new URL(callbackUrl, deps.config.WEB_ORIGIN);
  } catch {
    throw new AppError('INVALID_CALLBACK_URL', 'callbackUrl is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError(
      'INVALID_CALLBACK_URL',
      `callbackUrl must be an http or https URL on the web app's origin (${deps.config.WEB_ORIGIN}), not ${url.protocol}`,
    );
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
  label?: string | undefined;
  callbackUrl?: string | undefined;
}

export interface PendingConnection {
  requestId: string;
  redirectUrl: string;
  expiresAt: string;
}

/**
 * Starts connecting a toolkit for `requestedBy` in the scope `route` names (rules 4 and 7): the
 * caller was authorized to connect it there.
 */
export async function authorizeConnection(
  deps: AppDeps,
  requestedBy: UserId,
  route: Routed,
  publicUrl: string,
  input: AuthorizeInput,
): Promise<PendingConnection> {
  const { scope, policy } = route;
  const callbackUrl = checkCallbackUrl(deps, input.callbackUrl);
  const composioUserId = composioUserIdFor(scope);
  if (input.label && (await labelTaken(deps.db, composioUserId, input.toolkit, input.label))) {
    throw new AppError(
      'LABEL_TAKEN',
      `This scope already has a ${input.toolkit} account labelled "${input.label}"`,
    );
  }
  await deps.gateway.getToolkit(input.toolkit);
  const authConfigId = await deps.gateway.resolveAuthConfig(
    input.toolkit,
    policy?.authConfigId ?? null,
  );
  const requestId = randomUUID();
  const link = await deps.gateway.link({
    composioUserId,
    toolkit: input.toolkit,
    authConfigId,
    callbackUrl: composioCallbackUrl(publicUrl, requestId),
    ...(input.label ? { alias: input.label } : {}),
  });
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.config.CONNECTION_REQUEST_TTL_SECONDS * 1000);
  await deps.db.transaction().execute(async (trx) => {
    await insertRequest(trx, {
      id: requestId,
      scope,
      toolkit: input.toolkit,
      authConfigId,
      label: input.label ?? null,
      requestedBy,
      connectedAccountId: link.connectedAccountId,
      reconnectOf: null,
      callbackUrl,
      redirectUrl: link.redirectUrl,
      expiresAt,
      createdAt: now,
    });
    await recordEvent(
      trx,
      {
        type: 'connection.requested',
        scope,
        actor: { kind: 'user', id: requestedBy },
        data: {
          requestId,
          toolkit: input.toolkit,
          label: input.label ?? null,
          reconnectOf: null,
          expiresAt: expiresAt.toISOString(),
        },
      },
      now,
    );
  });
  deps.telemetry.metrics?.connectionRequest('started');
  return { requestId, redirectUrl: link.redirectUrl, expiresAt: expiresAt.toISOString() };
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
    await finishWithEvent(deps, request, 'EXPIRED', 'INITIATION_TIMEOUT', { kind: 'system' });
    return { ...request, status: 'EXPIRED', statusReason: 'INITIATION_TIMEOUT', completedAt: now };
  }
  const info = await deps.gateway.getAccount(request.connectedAccountId);
  if (info.status === 'INITIATED' || info.status === 'INITIALIZING') return request;
  if (info.status !== 'ACTIVE') {
    const final = info.status === 'EXPIRED' ? 'EXPIRED' : 'FAILED';
    await finishWithEvent(deps, request, final, info.statusReason ?? info.status, {
      kind: 'composio',
    });
    return {
      ...request,
      status: final,
      statusReason: info.statusReason ?? info.status,
      completedAt: now,
    };
  }
  const owned = await deps.gateway.listAccounts({
    composioUserId: request.composioUserId,
    toolkit: request.toolkit,
  });
  if (info.toolkit !== request.toolkit || !owned.some((account) => account.id === info.id)) {
    await finishWithEvent(deps, request, 'FAILED', 'SCOPE_MISMATCH', { kind: 'system' });
    return { ...request, status: 'FAILED', statusReason: 'SCOPE_MISMATCH', completedAt: now };
  }
  // Two pending requests may ask for the same label; the account connected second keeps none
  // rather than failing its consent.
  const label =
    request.label &&
    !(await labelTaken(deps.db, request.composioUserId, request.toolkit, request.label))
      ? request.label
      : null;
  const activated = await deps.db.transaction().execute(async (trx) => {
    if (!(await finishRequest(trx, request.id, 'ACTIVE', null, now))) return false;
    const actor = { kind: 'user' as const, id: request.requestedBy };
    if (request.reconnectOf) {
      await updateAccount(
        trx,
        request.reconnectOf,
        { status: 'ACTIVE', statusReason: null, upstreamIdentity: info.upstreamIdentity },
        now,
      );
      const account = await accountById(trx, request.reconnectOf);
      if (account) {
        await recordEvent(
          trx,
          {
            type: 'connection.reconnected',
            scope: account.scope,
            actor,
            data: { requestId: request.id, connection: toView(account) },
          },
          now,
        );
      }
      return true;
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
    const account = await accountById(trx, info.id);
    if (account) {
      await recordEvent(
        trx,
        {
          type: 'connection.activated',
          scope: account.scope,
          actor,
          data: { requestId: request.id, connection: toView(account) },
        },
        now,
      );
    }
    return true;
  });
  if (activated) deps.telemetry.metrics?.connectionRequest('active');
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
  const refreshed = await deps.gateway.refreshAccount(account.id, {
    redirectUrl: composioCallbackUrl(publicUrl, requestId),
  });
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.config.CONNECTION_REQUEST_TTL_SECONDS * 1000);
  await deps.db.transaction().execute(async (trx) => {
    await insertRequest(trx, {
      id: requestId,
      scope: account.scope,
      toolkit: account.toolkit,
      authConfigId: account.authConfigId,
      label: account.label,
      requestedBy: principal.userId,
      connectedAccountId: account.id,
      reconnectOf: account.id,
      callbackUrl,
      redirectUrl: refreshed.redirectUrl,
      expiresAt,
      createdAt: now,
    });
    await recordEvent(
      trx,
      {
        type: 'connection.requested',
        scope: account.scope,
        actor: { kind: 'user', id: principal.userId },
        data: {
          requestId,
          toolkit: account.toolkit,
          label: account.label,
          reconnectOf: account.id,
          expiresAt: expiresAt.toISOString(),
        },
      },
      now,
    );
  });
  deps.telemetry.metrics?.connectionRequest('started');
  // Without a redirect Composio re-authorized on its own; the callback URL settles the request.
  const redirectUrl = refreshed.redirectUrl ?? composioCallbackUrl(publicUrl, requestId);
  return { requestId, redirectUrl, expiresAt: expiresAt.toISOString() };
}

/** A request still waiting for consent, as its requester sees it. */
export interface PendingRequestView {
  requestId: string;
  toolkit: string;
  scope: { kind: 'user' | 'org'; id: string };
  label: string | null;
  /** The account being re-authorized, for a reconnect. */
  reconnectOf: string | null;
  /** Where to send the person to finish it; null when Composio gave none. */
  redirectUrl: string | null;
  createdAt: string;
  expiresAt: string;
}

/** The caller's own requests still waiting for consent (abandoned ones too, until they expire). */
export async function listPendingRequests(
  deps: AppDeps,
  principal: Principal,
): Promise<PendingRequestView[]> {
  const requests = await pendingRequestsOf(deps.db, principal.userId, deps.now());
  return requests.map((request) => ({
    requestId: request.id,
    toolkit: request.toolkit,
    scope: publicScope(request.scope),
    label: request.label,
    reconnectOf: request.reconnectOf,
    redirectUrl: request.redirectUrl,
    createdAt: request.createdAt.toISOString(),
    expiresAt: request.expiresAt.toISOString(),
  }));
}

/** Gives up a request its requester no longer wants; someone else's is NOT_FOUND. */
export async function cancelRequest(deps: AppDeps, principal: Principal, requestId: string) {
  const request = await requestById(deps.db, requestId);
  if (!request || request.requestedBy !== principal.userId) throw notFound('Connection request');
  if (
    request.status !== 'INITIATED' ||
    !(await finishWithEvent(deps, request, 'FAILED', 'CANCELLED', {
      kind: 'user',
      id: principal.userId,
    }))
  ) {
    throw new AppError(
      'REQUEST_NOT_PENDING',
      `The connection request is ${request.status === 'INITIATED' ? 'settled' : request.status} already`,
      { details: { status: request.status } },
    );
  }
  return { requestId: request.id, status: 'FAILED' as const, statusReason: 'CANCELLED' as const };
}

/**
 * Ends a pending request without an account, with its `connection.failed` event; false when
 * another completion got there first (then nothing is recorded).
 */
async function finishWithEvent(
  deps: AppDeps,
  request: ConnectionRequestRecord,
  status: 'FAILED' | 'EXPIRED',
  reason: string,
  actor: EventActor,
): Promise<boolean> {
  const now = deps.now();
  const finished = await deps.db.transaction().execute(async (trx) => {
    if (!(await finishRequest(trx, request.id, status, reason, now))) return false;
    await recordEvent(
      trx,
      {
        type: 'connection.failed',
        scope: request.scope,
        actor,
        data: { requestId: request.id, toolkit: request.toolkit, status, reason },
      },
      now,
    );
    return true;
  });
  if (finished)
    deps.telemetry.metrics?.connectionRequest(status === 'EXPIRED' ? 'expired' : 'failed');
  return finished;
}
