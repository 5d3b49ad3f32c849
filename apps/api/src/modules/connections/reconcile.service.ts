import { type AccountInfo, GatewayError } from '@switchboard/composio-gateway';
import { LRUCache } from 'lru-cache';
import type { AppDeps } from '../../platform/deps.js';
import { SingleFlight } from '../../platform/single-flight.js';
import { changeAccountStatus, upstreamStatus } from './account-status.js';
import type { AccountRecord } from './accounts.repo.js';

const SCOPES_REMEMBERED = 100_000;

/** When each scope's accounts were last checked against Composio, and the checks running. */
export class ReconcileState {
  readonly lastAt = new LRUCache<string, number>({ max: SCOPES_REMEMBERED });
  readonly running = new SingleFlight<AccountRecord[]>();

  clear(): void {
    this.lastAt.clear();
  }
}

/**
 * Brings the map's statuses in line with Composio's (expired tokens, accounts revoked upstream).
 * A scope seen for the first time is reconciled before answering; after that at most once per
 * `RECONCILE_INTERVAL_SECONDS`, in the background, so a listing never waits on Composio for news
 * it usually lacks, and the interval bounds the calls each listing costs the Composio project's
 * quota. Executions and `connections.refresh` update a status at once whatever the interval.
 * If Composio cannot be reached the map is served as it is.
 */
export async function reconcile(
  deps: AppDeps,
  composioUserId: string,
  accounts: AccountRecord[],
): Promise<AccountRecord[]> {
  const { lastAt, running } = deps.reconciles;
  const now = deps.now().getTime();
  const last = lastAt.get(composioUserId);
  const intervalMs = deps.config.RECONCILE_INTERVAL_SECONDS * 1000;
  if (accounts.length === 0 || (last !== undefined && now - last < intervalMs)) {
    return accounts;
  }
  lastAt.set(composioUserId, now);
  const check = running.run(composioUserId, () => reconcileNow(deps, composioUserId, accounts));
  if (last === undefined) return check;
  check.catch((error: unknown) => deps.logger.warn({ err: error }, 'background reconcile failed'));
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
  return Promise.all(
    accounts.map(async (account) => {
      const info = byId.get(account.id);
      const next = info
        ? upstreamStatus(info)
        : { status: 'REVOKED' as const, statusReason: 'DELETED_UPSTREAM' };
      if (next.status === account.status && next.statusReason === account.statusReason)
        return account;
      await changeAccountStatus(deps, account, next, { kind: 'composio' });
      return { ...account, ...next };
    }),
  );
}
