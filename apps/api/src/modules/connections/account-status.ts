import type { AccountInfo } from '@switchboard/composio-gateway';
import type { Database } from '@switchboard/db';
import type { AccountStatus } from '@switchboard/identity';
import type { Transaction } from 'kysely';
import type { AppDeps } from '../../platform/deps.js';
import { recordEvent } from '../events/events.repo.js';
import type { EventActor } from '../events/events.schema.js';
import { type AccountRecord, accountById, updateAccount } from './accounts.repo.js';
import { toView } from './connection-view.js';

/** The status an account should have in the map, as Composio reports it. */
export function upstreamStatus(info: AccountInfo): {
  status: AccountStatus;
  statusReason: string | null;
} {
  if (info.disabled) return { status: 'INACTIVE', statusReason: info.statusReason ?? 'DISABLED' };
  return { status: info.status, statusReason: info.statusReason };
}

type AccountEventType = 'connection.expired' | 'connection.disabled' | 'connection.enabled';

/** The event a status change is, if any: an account that stopped working, or was switched. */
export function statusEvent(before: AccountStatus, after: AccountStatus): AccountEventType | null {
  if (before === after) return null;
  if (after === 'INACTIVE') return 'connection.disabled';
  if (before === 'INACTIVE' && after === 'ACTIVE') return 'connection.enabled';
  if (before === 'ACTIVE' && (after === 'EXPIRED' || after === 'REVOKED' || after === 'FAILED')) {
    return 'connection.expired';
  }
  return null;
}

/** Records an account's event, with the account as it is now, in `trx`. */
export async function recordAccountEvent(
  trx: Transaction<Database>,
  type: AccountEventType,
  accountId: string,
  actor: EventActor,
  now: Date,
): Promise<void> {
  const account = await accountById(trx, accountId);
  if (!account) return;
  await recordEvent(
    trx,
    { type, scope: account.scope, actor, data: { connection: toView(account) } },
    now,
  );
}

/**
 * Changes an account's status in the map, with the event the change is (an account that
 * expired, was disabled or enabled) in the same transaction.
 */
export async function changeAccountStatus(
  deps: Pick<AppDeps, 'db' | 'now'>,
  account: AccountRecord,
  next: { status: AccountStatus; statusReason: string | null; upstreamIdentity?: string | null },
  actor: EventActor,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    await updateAccount(trx, account.id, next, now);
    const type = statusEvent(account.status, next.status);
    if (type) await recordAccountEvent(trx, type, account.id, actor, now);
  });
}
