import { mayApprove, orgScope, type UserId } from '@switchboard/identity';
import type { Caller } from '../../auth/authenticate.js';
import { AppError } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import { toAppError } from '../../platform/error-mapping.js';
import { insertAuditEvent } from '../audit/audit-events.repo.js';
import type { OrgMembership } from '../callers/callers.repo.js';
import { recordEvent } from '../events/events.repo.js';
import { executeTool } from '../tools/execution.service.js';
import {
  approvalById,
  approvalsOfOrg,
  approvalsRequestedBy,
  decideIfPending,
  expireDue,
  finishApproved,
  type StoredApproval,
  settleInterrupted,
} from './approvals.repo.js';
import type { ApprovalStatusName, ApprovalView } from './approvals.schema.js';

/** An approval as `viewer` may see it: the result of the run is the requester's alone. */
export function toApprovalView(approval: StoredApproval, viewer: UserId): ApprovalView {
  return {
    id: approval.id,
    orgId: approval.orgId,
    toolkit: approval.toolkit,
    tool: approval.tool,
    connectedAccountId: approval.connectedAccountId,
    account: approval.account,
    requestedBy: approval.requestedBy,
    requestedByName: approval.requestedByName,
    channel: approval.channel,
    status: approval.status,
    arguments: approval.arguments,
    createdAt: approval.createdAt.toISOString(),
    expiresAt: approval.expiresAt.toISOString(),
    decidedBy: approval.decidedBy,
    decidedAt: approval.decidedAt?.toISOString() ?? null,
    note: approval.note,
    requestExecutionId: approval.requestExecutionId,
    executionId: approval.executionId,
    failure:
      approval.failureReason === null
        ? null
        : { reason: approval.failureReason, message: approval.failureMessage ?? '' },
    result: viewer === approval.requestedBy ? approval.result : null,
  };
}

// A run longer than Composio's budget (retries included) plus this margin is no longer going.
const RUN_MARGIN_MS = 60_000;

/**
 * Applied when approvals are read, so no timer has to run for it: calls whose time ran out
 * expire, and approved calls whose run was cut short by a stopped instance are settled.
 */
async function sweep(
  deps: AppDeps,
  which: { orgId: StoredApproval['orgId'] } | { requestedBy: UserId } | { id: string },
): Promise<void> {
  const now = deps.now();
  const decidedBefore = new Date(now.getTime() - deps.config.COMPOSIO_TIMEOUT_MS - RUN_MARGIN_MS);
  await expireDue(deps.db, which, now);
  await settleInterrupted(deps.db, which, decidedBefore, now);
}

/** The approval as it is now, with the sweep applied to it if it is due. */
async function current(deps: AppDeps, approval: StoredApproval): Promise<StoredApproval> {
  const now = deps.now().getTime();
  const due =
    (approval.status === 'requested' && approval.expiresAt.getTime() <= now) ||
    (approval.status === 'approved' &&
      (approval.decidedAt?.getTime() ?? now) <=
        now - deps.config.COMPOSIO_TIMEOUT_MS - RUN_MARGIN_MS);
  if (!due) return approval;
  await sweep(deps, { id: approval.id });
  return (await approvalById(deps.db, approval.id)) ?? approval;
}

export async function getApproval(deps: AppDeps, approval: StoredApproval, viewer: UserId) {
  return toApprovalView(await current(deps, approval), viewer);
}

/**
 * An organization's approvals for an approver, newest first: those of the toolkits whose policy
 * lets the caller's role approve (the default policy: admin and up), and their own requests.
 */
export async function listApprovals(
  deps: AppDeps,
  caller: Caller,
  org: OrgMembership,
  query: { status?: ApprovalStatusName | undefined; limit: number },
): Promise<ApprovalView[]> {
  await sweep(deps, { orgId: org.orgId });
  const without = org.policies
    .filter((policy) => !mayApprove(policy, org.role))
    .map((policy) => policy.toolkit);
  const rows = await approvalsOfOrg(deps.db, { orgId: org.orgId, ...query, without });
  const mine = without.length
    ? (
        await approvalsRequestedBy(deps.db, {
          userId: caller.userId,
          orgIds: [org.orgId],
          ...query,
        })
      ).filter((approval) => without.includes(approval.toolkit))
    : [];
  return [...rows, ...mine]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id))
    .slice(0, query.limit)
    .map((approval) => toApprovalView(approval, caller.userId));
}

/** The caller's own requests in the organizations they are still a member of, newest first. */
export async function myApprovals(
  deps: AppDeps,
  caller: Caller,
  query: { status?: ApprovalStatusName | undefined; limit: number },
): Promise<ApprovalView[]> {
  await sweep(deps, { requestedBy: caller.userId });
  const rows = await approvalsRequestedBy(deps.db, {
    userId: caller.userId,
    orgIds: caller.memberships.map((m) => m.orgId),
    ...query,
  });
  return rows.map((approval) => toApprovalView(approval, caller.userId));
}

/** Why a decision found the approval no longer waiting: its time ran out, or it was decided. */
async function notPending(deps: AppDeps, approval: StoredApproval): Promise<AppError> {
  // Read again: another approver may have decided since the procedure loaded it.
  const now = await current(deps, (await approvalById(deps.db, approval.id)) ?? approval);
  const details = { approvalId: approval.id, status: now.status };
  if (now.status === 'expired') {
    return new AppError(
      'APPROVAL_EXPIRED',
      `Approval ${approval.id} expired at ${now.expiresAt.toISOString()}; the call has to be asked for again`,
      { details },
    );
  }
  return new AppError(
    'APPROVAL_NOT_PENDING',
    `Approval ${approval.id} is ${now.status}; it cannot be decided again`,
    { details },
  );
}

/** The decision's audit row and `approval.decided`, written with the decision itself. */
async function recordDecision(
  deps: AppDeps,
  approval: StoredApproval,
  decision: 'approved' | 'denied',
  by: UserId,
  note: string | null,
) {
  const now = deps.now();
  const decided = await deps.db.transaction().execute(async (trx) => {
    const row = await decideIfPending(trx, approval.id, { status: decision, by, note }, now);
    if (!row) return undefined;
    await insertAuditEvent(
      trx,
      {
        actorUserId: by,
        scope: orgScope(approval.orgId),
        action: decision === 'approved' ? 'approvals.approve' : 'approvals.deny',
        target: approval.id,
        decision: 'allowed',
        reason: null,
        channel: 'trpc',
        note,
      },
      now,
    );
    await recordEvent(
      trx,
      {
        type: 'approval.decided',
        scope: orgScope(approval.orgId),
        actor: { kind: 'user', id: by },
        data: {
          approvalId: approval.id,
          tool: approval.tool,
          toolkit: approval.toolkit,
          requestedBy: approval.requestedBy,
          decision,
          note,
        },
      },
      now,
    );
    return row;
  });
  if (!decided) throw await notPending(deps, approval);
  deps.deliveries?.wake();
  return decided;
}

/**
 * Denies a held call: it never runs, and its arguments are deleted. Authorized by the procedure
 * (an approver, never the requester).
 */
export async function denyApproval(
  deps: AppDeps,
  approval: StoredApproval,
  by: UserId,
  note: string | undefined,
): Promise<ApprovalView> {
  await recordDecision(deps, approval, 'denied', by, note ?? null);
  return toApprovalView((await approvalById(deps.db, approval.id)) ?? approval, by);
}

/**
 * Approves a held call and runs it once: with the stored arguments, as the requester, on the
 * account chosen when it was asked for, through the one execution path (`executeTool`) with
 * the approval gate passed. Only the approver whose decision was recorded runs it, so two
 * approvers at once make one execution. An account no longer ACTIVE fails the approval with
 * ACCOUNT_INACTIVE (no other account is tried); whatever the run's end, the arguments go.
 */
export async function approveApproval(
  deps: AppDeps,
  approval: StoredApproval,
  by: UserId,
  note: string | undefined,
): Promise<ApprovalView> {
  const decided = await recordDecision(deps, approval, 'approved', by, note ?? null);
  try {
    const output = await executeTool(
      deps,
      approval.requestedBy,
      {
        tool: approval.tool,
        arguments: decided.arguments,
        orgId: approval.orgId,
        connectedAccountId: approval.connectedAccountId,
      },
      { channel: approval.channel, approvalId: approval.id },
    );
    await finishApproved(
      deps.db,
      approval.id,
      {
        status: 'executed',
        executionId: output.executionId,
        result: { successful: output.successful, data: output.data, error: output.error },
      },
      deps.now(),
    );
  } catch (error) {
    const mapped = toAppError(error);
    const failure =
      mapped instanceof AppError
        ? { reason: mapped.reason, message: mapped.message }
        : { reason: 'INTERNAL', message: 'The approved call failed unexpectedly' };
    await finishApproved(deps.db, approval.id, { status: 'failed', ...failure }, deps.now()).catch(
      (finishError: unknown) =>
        deps.logger.error({ err: finishError }, 'could not record a failed approval'),
    );
    if (mapped instanceof AppError) {
      throw new AppError(mapped.reason, `Approval ${approval.id} failed: ${mapped.message}`, {
        cause: error,
        details: { ...mapped.details, approvalId: approval.id },
        ...(mapped.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: mapped.retryAfterSeconds }),
      });
    }
    throw error;
  }
  return toApprovalView((await approvalById(deps.db, approval.id)) ?? approval, by);
}
