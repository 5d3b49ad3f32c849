import { decideApproval } from '@switchboard/identity';
import type { Caller } from '../auth/authenticate.js';
import { AppError, notFound } from '../errors.js';
import type { StoredApproval } from '../modules/approvals/approvals.repo.js';
import { recordRefusal } from '../modules/audit/audit.service.js';
import type { AppDeps } from '../platform/deps.js';
import { denial } from './authorize.js';

/**
 * Who may reach a held call. Reading it: whoever asked for it and the approvers of its toolkit
 * (the policy's `approveRoles`, admin and up by default); everyone else, members of the
 * organization included, gets NOT_FOUND, as for another person's connection request. Deciding
 * on it: an approver who did not ask for it (four eyes, identity's `decideApproval`). The
 * requester is told why they may not (ROLE_REQUIRED, SELF_APPROVAL), and the refusal is
 * recorded in the organization's log. A requester who has left the organization is NOT_FOUND.
 */
export async function authorizeApproval(
  deps: AppDeps,
  caller: Caller,
  approval: StoredApproval,
  mode: 'read' | 'decide',
): Promise<void> {
  const org = caller.memberships.find((m) => m.orgId === approval.orgId);
  if (!org) throw notFound('Approval');
  const policy = org.policies.find((p) => p.toolkit === approval.toolkit) ?? null;
  const decision = decideApproval(caller, {
    orgId: approval.orgId,
    requestedBy: approval.requestedBy,
    policy,
  });
  const isRequester = caller.userId === approval.requestedBy;
  if (decision.allowed) return;
  if (!isRequester) throw notFound('Approval');
  if (mode === 'read') return;
  const refusal = denial(decision);
  if (refusal instanceof AppError && refusal.reason !== 'NOT_FOUND') {
    await recordRefusal(deps, {
      actorUserId: caller.userId,
      scope: { kind: 'org', orgId: approval.orgId },
      action: 'approvals.decide',
      target: approval.id,
      reason: refusal.reason,
      channel: 'trpc',
    });
  }
  throw refusal;
}
