import type { Database } from '@switchboard/db';
import type { Scope } from '@switchboard/identity';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { scopeColumns, scopeOfRow } from '../scope-columns.js';

type Db = Kysely<Database> | Transaction<Database>;
type RequestRow = Selectable<Database['connection_requests']>;

export type RequestStatus = 'INITIATED' | 'ACTIVE' | 'FAILED' | 'EXPIRED';

/** A persisted connection request (rule 7): who asked, for which scope and toolkit, until when. */
export interface ConnectionRequestRecord {
  id: string;
  scope: Scope;
  composioUserId: string;
  toolkit: string;
  authConfigId: string;
  label: string | null;
  requestedBy: string;
  connectedAccountId: string;
  reconnectOf: string | null;
  status: RequestStatus;
  statusReason: string | null;
  callbackUrl: string | null;
  /** Where the person consents (kept so an abandoned request can be resumed). */
  redirectUrl: string | null;
  expiresAt: Date;
  createdAt: Date;
  completedAt: Date | null;
}

function toRequest(row: RequestRow): ConnectionRequestRecord {
  return {
    id: row.id,
    scope: scopeOfRow(row),
    composioUserId: row.composio_user_id,
    toolkit: row.toolkit,
    authConfigId: row.auth_config_id,
    label: row.label,
    requestedBy: row.requested_by,
    connectedAccountId: row.connected_account_id,
    reconnectOf: row.reconnect_of,
    status: row.status as RequestStatus,
    statusReason: row.status_reason,
    callbackUrl: row.callback_url,
    redirectUrl: row.redirect_url,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

export async function requestById(
  db: Db,
  id: string,
): Promise<ConnectionRequestRecord | undefined> {
  const row = await db
    .selectFrom('connection_requests')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRequest(row) : undefined;
}

export async function insertRequest(
  db: Db,
  request: Omit<
    ConnectionRequestRecord,
    'composioUserId' | 'status' | 'statusReason' | 'completedAt'
  >,
): Promise<void> {
  await db
    .insertInto('connection_requests')
    .values({
      id: request.id,
      ...scopeColumns(request.scope),
      toolkit: request.toolkit,
      auth_config_id: request.authConfigId,
      label: request.label,
      requested_by: request.requestedBy,
      connected_account_id: request.connectedAccountId,
      reconnect_of: request.reconnectOf,
      status: 'INITIATED',
      callback_url: request.callbackUrl,
      redirect_url: request.redirectUrl,
      expires_at: request.expiresAt,
      created_at: request.createdAt,
    })
    .execute();
}

/**
 * Moves a pending request to its final status. Returns false when another completion (the
 * callback and a poll racing) got there first, so the account is mapped once.
 */
export async function finishRequest(
  db: Db,
  id: string,
  status: Exclude<RequestStatus, 'INITIATED'>,
  statusReason: string | null,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('connection_requests')
    .set({ status, status_reason: statusReason, completed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'INITIATED')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The requests `requestedBy` started that still wait for consent, newest first. */
export async function pendingRequestsOf(
  db: Db,
  requestedBy: string,
  now: Date,
): Promise<ConnectionRequestRecord[]> {
  const rows = await db
    .selectFrom('connection_requests')
    .selectAll()
    .where('requested_by', '=', requestedBy)
    .where('status', '=', 'INITIATED')
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  return rows.map(toRequest);
}
