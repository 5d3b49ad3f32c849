import type { ConnectedAccountStatus, Database } from '@switchboard/db';
import type { AccountStatus, Scope } from '@switchboard/identity';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { scopeColumns, scopeOfRow } from '../scope-columns.js';

type Db = Kysely<Database> | Transaction<Database>;

/** True when A and B are the same union. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The schema's statuses and identity's are one list: either growing alone fails the typecheck.
true satisfies Same<ConnectedAccountStatus, AccountStatus>;
export type AccountRow = Selectable<Database['connected_accounts']>;

/** Switchboard's map entry for one connected account: what isolation rests on (rule 6). */
export interface AccountRecord {
  id: string;
  scope: Scope;
  composioUserId: string;
  toolkit: string;
  authConfigId: string;
  label: string | null;
  upstreamIdentity: string | null;
  status: AccountStatus;
  statusReason: string | null;
  isDefault: boolean;
  connectedBy: string | null;
  connectedAt: Date;
  updatedAt: Date;
}

export function toAccount(row: Omit<AccountRow, 'created_at'>): AccountRecord {
  return {
    id: row.id,
    scope: scopeOfRow(row),
    composioUserId: row.composio_user_id,
    toolkit: row.toolkit,
    authConfigId: row.auth_config_id,
    label: row.label,
    upstreamIdentity: row.upstream_identity,
    status: row.status as AccountStatus,
    statusReason: row.status_reason,
    isDefault: row.is_default,
    connectedBy: row.connected_by,
    connectedAt: row.connected_at,
    updatedAt: row.updated_at,
  };
}

export async function accountById(db: Db, id: string): Promise<AccountRecord | undefined> {
  const row = await db
    .selectFrom('connected_accounts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

/** The accounts of some scopes (by Composio user id), newest first, optionally of one toolkit. */
export async function accountsOf(
  db: Db,
  composioUserIds: readonly string[],
  toolkit?: string,
): Promise<AccountRecord[]> {
  if (composioUserIds.length === 0) return [];
  let query = db
    .selectFrom('connected_accounts')
    .selectAll()
    .where('composio_user_id', 'in', composioUserIds)
    .orderBy('connected_at', 'desc')
    .orderBy('id');
  if (toolkit !== undefined) query = query.where('toolkit', '=', toolkit);
  return (await query.execute()).map(toAccount);
}

export async function labelTaken(
  db: Db,
  composioUserId: string,
  toolkit: string,
  label: string,
  exceptId?: string,
): Promise<boolean> {
  let query = db
    .selectFrom('connected_accounts')
    .select('id')
    .where('composio_user_id', '=', composioUserId)
    .where('toolkit', '=', toolkit)
    .where('label', '=', label);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export interface NewAccount {
  id: string;
  scope: Scope;
  toolkit: string;
  authConfigId: string;
  label: string | null;
  upstreamIdentity: string | null;
  status: AccountStatus;
  statusReason: string | null;
  connectedBy: string;
  connectedAt: Date;
}

/** Maps a newly connected account; a second completion of the same request changes nothing. */
export async function insertAccount(db: Db, account: NewAccount): Promise<void> {
  await db
    .insertInto('connected_accounts')
    .values({
      id: account.id,
      ...scopeColumns(account.scope),
      toolkit: account.toolkit,
      auth_config_id: account.authConfigId,
      label: account.label,
      upstream_identity: account.upstreamIdentity,
      status: account.status,
      status_reason: account.statusReason,
      is_default: false,
      connected_by: account.connectedBy,
      connected_at: account.connectedAt,
      created_at: account.connectedAt,
      updated_at: account.connectedAt,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function updateAccount(
  db: Db,
  id: string,
  changes: Partial<{
    status: AccountStatus;
    statusReason: string | null;
    label: string | null;
    upstreamIdentity: string | null;
    connectedAt: Date;
  }>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('connected_accounts')
    .set({
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.statusReason !== undefined ? { status_reason: changes.statusReason } : {}),
      ...(changes.label !== undefined ? { label: changes.label } : {}),
      ...(changes.upstreamIdentity !== undefined
        ? { upstream_identity: changes.upstreamIdentity }
        : {}),
      ...(changes.connectedAt !== undefined ? { connected_at: changes.connectedAt } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** Pins `account` as its scope's default for its toolkit (one per scope and toolkit). */
export async function pinDefault(trx: Transaction<Database>, account: AccountRecord, now: Date) {
  await trx
    .updateTable('connected_accounts')
    .set({ is_default: false, updated_at: now })
    .where('composio_user_id', '=', account.composioUserId)
    .where('toolkit', '=', account.toolkit)
    .where('is_default', '=', true)
    .where('id', '!=', account.id)
    .execute();
  await trx
    .updateTable('connected_accounts')
    .set({ is_default: true, updated_at: now })
    .where('id', '=', account.id)
    .execute();
}

export async function unpinDefault(db: Db, id: string, now: Date) {
  await db
    .updateTable('connected_accounts')
    .set({ is_default: false, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function deleteAccount(db: Db, id: string): Promise<void> {
  await db.deleteFrom('connected_accounts').where('id', '=', id).execute();
}
