import { GatewayError } from '@switchboard/composio-gateway';
import { composioUserIdFor, type Scope, type UserId } from '@switchboard/identity';
import { AppError, notFound } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import { recordEvent } from '../events/events.repo.js';
import type { EventActor } from '../events/events.schema.js';
import { changeAccountStatus, upstreamStatus } from './account-status.js';
import {
  type AccountRecord,
  accountById,
  accountsOf,
  deleteAccount,
  labelTaken,
  pinDefault,
  unpinDefault,
  updateAccount,
} from './accounts.repo.js';
import { type ConnectionView, toView } from './connection-view.js';
import { reconcile } from './reconcile.service.js';

/**
 * The accounts of already-authorized scopes, reconciled with Composio per scope (see
 * `reconcile`). `accounts` may hold more than those scopes' (the caller's read brings its own
 * scope's); only the listed scopes' are kept.
 */
export async function listConnections(
  deps: AppDeps,
  scopes: readonly Scope[],
  accounts: readonly AccountRecord[],
): Promise<ConnectionView[]> {
  const perScope = await Promise.all(
    scopes.map(composioUserIdFor).map((composioUserId) =>
      reconcile(
        deps,
        composioUserId,
        accounts.filter((account) => account.composioUserId === composioUserId),
      ),
    ),
  );
  return perScope.flat().map(toView);
}

async function reloaded(deps: AppDeps, id: string): Promise<ConnectionView> {
  const account = await accountById(deps.db, id);
  if (!account) throw notFound('Connected account');
  return toView(account);
}

export async function updateConnection(
  deps: AppDeps,
  account: AccountRecord,
  input: { label?: string | null | undefined; makeDefault?: boolean | undefined },
  by: UserId,
): Promise<ConnectionView> {
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
      { details: { connectedAccountId: account.id, status: account.status } },
    );
  }
  await deps.db.transaction().execute(async (trx) => {
    if (input.label !== undefined)
      await updateAccount(trx, account.id, { label: input.label }, now);
    const pinning = input.makeDefault === true && !account.isDefault;
    const unpinning = input.makeDefault === false && account.isDefault;
    if (!pinning && !unpinning) return;
    const previous = (await accountsOf(trx, [account.composioUserId], account.toolkit)).find(
      (candidate) => candidate.isDefault,
    );
    if (pinning) await pinDefault(trx, account, now);
    else await unpinDefault(trx, account.id, now);
    const pinned = pinning ? await accountById(trx, account.id) : undefined;
    await recordEvent(
      trx,
      {
        type: 'connection.default_changed',
        scope: account.scope,
        actor: { kind: 'user', id: by },
        data: {
          toolkit: account.toolkit,
          connection: pinned ? toView(pinned) : null,
          previousDefaultId: previous?.id ?? null,
        },
      },
      now,
    );
  });
  return reloaded(deps, account.id);
}

/**
 * Reads the account's state back from Composio into the map. An account Composio no longer has
 * was deleted upstream: it stays in the map as REVOKED, as a listing or an execution would mark it.
 */
export async function refreshConnection(
  deps: AppDeps,
  account: AccountRecord,
  actor: EventActor = { kind: 'composio' },
): Promise<ConnectionView> {
  try {
    const info = await deps.gateway.getAccount(account.id);
    await changeAccountStatus(
      deps,
      account,
      { ...upstreamStatus(info), upstreamIdentity: info.upstreamIdentity },
      actor,
    );
  } catch (error) {
    if (!(error instanceof GatewayError && error.reason === 'ACCOUNT_NOT_FOUND')) throw error;
    await changeAccountStatus(
      deps,
      account,
      { status: 'REVOKED', statusReason: 'DELETED_UPSTREAM' },
      { kind: 'composio' },
    );
  }
  return reloaded(deps, account.id);
}

export async function setConnectionEnabled(
  deps: AppDeps,
  account: AccountRecord,
  enabled: boolean,
  by: UserId,
): Promise<ConnectionView> {
  await (enabled
    ? deps.gateway.enableAccount(account.id)
    : deps.gateway.disableAccount(account.id));
  return refreshConnection(deps, account, { kind: 'user', id: by });
}

export async function deleteConnection(deps: AppDeps, account: AccountRecord, by: UserId) {
  try {
    await deps.gateway.deleteAccount(account.id);
  } catch (error) {
    // Already gone upstream: the map entry is all that is left to remove.
    if (!(error instanceof GatewayError && error.reason === 'ACCOUNT_NOT_FOUND')) throw error;
  }
  await deps.db.transaction().execute(async (trx) => {
    await deleteAccount(trx, account.id);
    await recordEvent(
      trx,
      {
        type: 'connection.deleted',
        scope: account.scope,
        actor: { kind: 'user', id: by },
        data: { id: account.id, toolkit: account.toolkit },
      },
      deps.now(),
    );
  });
  return { id: account.id, deleted: true as const };
}
