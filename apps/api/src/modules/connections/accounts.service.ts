import { GatewayError } from '@switchboard/composio-gateway';
import { type AccountStatus, composioUserIdFor, type Scope } from '@switchboard/identity';
import { AppError, notFound } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import { publicScope } from '../scope-columns.js';
import { upstreamStatus } from './account-status.js';
import {
  type AccountRecord,
  accountById,
  deleteAccount,
  labelTaken,
  pinDefault,
  unpinDefault,
  updateAccount,
} from './accounts.repo.js';
import { reconcile } from './reconcile.service.js';

/** One account of the map as the API shows it. */
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
    if (input.makeDefault === true) await pinDefault(trx, account, now);
    if (input.makeDefault === false) await unpinDefault(trx, account.id, now);
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
): Promise<ConnectionView> {
  try {
    const info = await deps.gateway.getAccount(account.id);
    await updateAccount(
      deps.db,
      account.id,
      { ...upstreamStatus(info), upstreamIdentity: info.upstreamIdentity },
      deps.now(),
    );
  } catch (error) {
    if (!(error instanceof GatewayError && error.reason === 'ACCOUNT_NOT_FOUND')) throw error;
    await updateAccount(
      deps.db,
      account.id,
      { status: 'REVOKED', statusReason: 'DELETED_UPSTREAM' },
      deps.now(),
    );
  }
  return reloaded(deps, account.id);
}

export async function setConnectionEnabled(
  deps: AppDeps,
  account: AccountRecord,
  enabled: boolean,
): Promise<ConnectionView> {
  await (enabled
    ? deps.gateway.enableAccount(account.id)
    : deps.gateway.disableAccount(account.id));
  return refreshConnection(deps, account);
}

export async function deleteConnection(deps: AppDeps, account: AccountRecord) {
  try {
    await deps.gateway.deleteAccount(account.id);
  } catch (error) {
    // Already gone upstream: the map entry is all that is left to remove.
    if (!(error instanceof GatewayError && error.reason === 'ACCOUNT_NOT_FOUND')) throw error;
  }
  await deleteAccount(deps.db, account.id);
  return { id: account.id, deleted: true as const };
}
