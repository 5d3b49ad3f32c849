import type { ApprovalStatus, Database } from '@switchboard/db';
import type { OrgId, UserId } from '@switchboard/identity';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Channel } from '../audit/audit.repo.js';

type Db = Kysely<Database> | Transaction<Database>;
type ApprovalRow = Selectable<Database['approvals']>;

/** A held call as the approvals module works with it. */
export interface StoredApproval {
  id: string;
  orgId: OrgId;
  requestedBy: UserId;
  requestedByName: string | null;
  toolkit: string;
  tool: string;
  connectedAccountId: string;
  account: { label: string | null; upstreamIdentity: string | null } | null;
  channel: Channel;
  arguments: Record<string, unknown> | null;
  status: ApprovalStatus;
  requestExecutionId: string;
  executionId: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  note: string | null;
  result: { successful: boolean; data: Record<string, unknown>; error: string | null } | null;
  failureReason: string | null;
  failureMessage: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export interface NewApproval {
  id: string;
  orgId: OrgId;
  requestedBy: UserId;
  toolkit: string;
  tool: string;
  connectedAccountId: string;
  channel: Channel;
  arguments: Record<string, unknown>;
  requestExecutionId: string;
  createdAt: Date;
  expiresAt: Date;
}

function json<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

type ListedRow = ApprovalRow & {
  requested_by_name: string | null;
  account_label: string | null;
  account_identity: string | null;
  account_id: string | null;
};

function toApproval(row: ListedRow): StoredApproval {
  return {
    id: row.id,
    orgId: row.org_id as OrgId,
    requestedBy: row.requested_by as UserId,
    requestedByName: row.requested_by_name,
    toolkit: row.toolkit,
    tool: row.tool,
    connectedAccountId: row.connected_account_id,
    account:
      row.account_id === null
        ? null
        : { label: row.account_label, upstreamIdentity: row.account_identity },
    channel: row.channel,
    arguments: json(row.arguments),
    status: row.status,
    requestExecutionId: row.request_execution_id,
    executionId: row.execution_id,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    note: row.note,
    result: json(row.result),
    failureReason: row.failure_reason,
    failureMessage: row.failure_message,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

function selectApprovals(db: Db) {
  return db
    .selectFrom('approvals as ap')
    .leftJoin('users as u', 'u.id', 'ap.requested_by')
    .leftJoin('connected_accounts as a', 'a.id', 'ap.connected_account_id')
    .selectAll('ap')
    .select([
      'u.display_name as requested_by_name',
      'a.id as account_id',
      'a.label as account_label',
      'a.upstream_identity as account_identity',
    ]);
}

export async function insertApproval(db: Db, approval: NewApproval): Promise<void> {
  await db
    .insertInto('approvals')
    .values({
      id: approval.id,
      org_id: approval.orgId,
      requested_by: approval.requestedBy,
      toolkit: approval.toolkit,
      tool: approval.tool,
      connected_account_id: approval.connectedAccountId,
      channel: approval.channel,
      arguments: JSON.stringify(approval.arguments),
      status: 'requested',
      request_execution_id: approval.requestExecutionId,
      created_at: approval.createdAt,
      expires_at: approval.expiresAt,
    })
    .execute();
}

export async function approvalById(db: Db, id: string): Promise<StoredApproval | undefined> {
  const row = await selectApprovals(db).where('ap.id', '=', id).executeTakeFirst();
  return row ? toApproval(row) : undefined;
}

/** An organization's approvals, newest first, leaving out the toolkits given. */
export async function approvalsOfOrg(
  db: Db,
  query: { orgId: OrgId; status?: ApprovalStatus | undefined; without: string[]; limit: number },
): Promise<StoredApproval[]> {
  let q = selectApprovals(db)
    .where('ap.org_id', '=', query.orgId)
    .orderBy('ap.created_at', 'desc')
    .orderBy('ap.id')
    .limit(query.limit);
  if (query.status) q = q.where('ap.status', '=', query.status);
  if (query.without.length > 0) q = q.where('ap.toolkit', 'not in', query.without);
  return (await q.execute()).map(toApproval);
}

/** One person's own requests in the organizations given, newest first. */
export async function approvalsRequestedBy(
  db: Db,
  query: { userId: UserId; orgIds: OrgId[]; status?: ApprovalStatus | undefined; limit: number },
): Promise<StoredApproval[]> {
  if (query.orgIds.length === 0) return [];
  let q = selectApprovals(db)
    .where('ap.requested_by', '=', query.userId)
    .where('ap.org_id', 'in', query.orgIds)
    .orderBy('ap.created_at', 'desc')
    .orderBy('ap.id')
    .limit(query.limit);
  if (query.status) q = q.where('ap.status', '=', query.status);
  return (await q.execute()).map(toApproval);
}

/**
 * Marks the approvals whose time ran out as expired and deletes their arguments: those of one
 * organization, one requester or one approval. Expiry is applied when approvals are read, so
 * no timer has to run for it.
 */
export async function expireDue(
  db: Db,
  which: { orgId: OrgId } | { requestedBy: UserId } | { id: string },
  now: Date,
): Promise<void> {
  let q = db
    .updateTable('approvals')
    .set({ status: 'expired', arguments: null, completed_at: sql<Date>`expires_at` })
    .where('status', '=', 'requested')
    .where('expires_at', '<=', now);
  if ('orgId' in which) q = q.where('org_id', '=', which.orgId);
  else if ('requestedBy' in which) q = q.where('requested_by', '=', which.requestedBy);
  else q = q.where('id', '=', which.id);
  await q.execute();
}

/**
 * Settles approved calls whose run was cut short (the instance running it stopped between the
 * decision and the end of the run) once no run can still be going: `failed` with
 * `INTERRUPTED`, their arguments deleted. Whether Composio ran it the audit log says (the run's
 * row carries the approval id).
 */
export async function settleInterrupted(
  db: Db,
  which: { orgId: OrgId } | { requestedBy: UserId } | { id: string },
  decidedBefore: Date,
  now: Date,
): Promise<void> {
  let q = db
    .updateTable('approvals')
    .set({
      status: 'failed',
      failure_reason: 'INTERRUPTED',
      failure_message:
        'Switchboard stopped while the approved call ran; the audit log tells whether it ran',
      arguments: null,
      completed_at: now,
    })
    .where('status', '=', 'approved')
    .where('decided_at', '<=', decidedBefore);
  if ('orgId' in which) q = q.where('org_id', '=', which.orgId);
  else if ('requestedBy' in which) q = q.where('requested_by', '=', which.requestedBy);
  else q = q.where('id', '=', which.id);
  await q.execute();
}

/**
 * Records a decision if, and only if, the approval is still waiting and in time: a conditional
 * update, so of two approvers deciding at once exactly one gets the row back (and runs the
 * call). A denial deletes the arguments at once; an approval keeps them for the run.
 */
export async function decideIfPending(
  db: Db,
  id: string,
  decision: { status: 'approved' | 'denied'; by: UserId; note: string | null },
  now: Date,
): Promise<{ arguments: Record<string, unknown> } | undefined> {
  const row = await db
    .updateTable('approvals')
    .set({
      status: decision.status,
      decided_by: decision.by,
      decided_at: now,
      note: decision.note,
      ...(decision.status === 'denied' ? { arguments: null, completed_at: now } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'requested')
    .where('expires_at', '>', now)
    // An approval keeps the arguments, so they come back for the run; a denial's are gone.
    .returning('arguments')
    .executeTakeFirst();
  if (!row) return undefined;
  return { arguments: json<Record<string, unknown>>(row.arguments) ?? {} };
}

/** The end of an approved call: its result, or why it could not run; the arguments go. */
export async function finishApproved(
  db: Db,
  id: string,
  end:
    | { status: 'executed'; executionId: string; result: StoredApproval['result'] }
    | { status: 'failed'; reason: string; message: string },
  now: Date,
): Promise<void> {
  await db
    .updateTable('approvals')
    .set(
      end.status === 'executed'
        ? {
            status: 'executed',
            execution_id: end.executionId,
            result: JSON.stringify(end.result),
            arguments: null,
            completed_at: now,
          }
        : {
            status: 'failed',
            failure_reason: end.reason,
            failure_message: end.message,
            arguments: null,
            completed_at: now,
          },
    )
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .execute();
}
