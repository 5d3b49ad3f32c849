import { randomUUID } from 'node:crypto';
import { type OrgId, orgScope, type UserId } from '@switchboard/identity';
import { AppError } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import type { Channel } from '../audit/audit.repo.js';
import { recordEvent } from '../events/events.repo.js';
import { insertApproval } from './approvals.repo.js';

/** A call that must wait for an approver, as the execution path found it. */
export interface HeldCallInput {
  /** The audit row of this attempt. */
  executionId: string;
  requestedBy: UserId;
  orgId: OrgId;
  toolkit: string;
  tool: string;
  /** The account selection chose: the call runs with it or not at all. */
  connectedAccountId: string;
  arguments: Record<string, unknown>;
  channel: Channel;
}

/**
 * Stores a held call with its arguments and announces `approval.requested` (in one
 * transaction), and returns the refusal its caller gets: `APPROVAL_REQUIRED` with the approval's
 * id, the tool, the account that would be used and until when an approver may say yes.
 */
export async function holdForApproval(
  deps: AppDeps,
  call: HeldCallInput,
): Promise<{ approvalId: string; refusal: AppError }> {
  const approvalId = randomUUID();
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.config.APPROVAL_TTL_SECONDS * 1000);
  await deps.db.transaction().execute(async (trx) => {
    await insertApproval(trx, {
      id: approvalId,
      orgId: call.orgId,
      requestedBy: call.requestedBy,
      toolkit: call.toolkit,
      tool: call.tool,
      connectedAccountId: call.connectedAccountId,
      channel: call.channel,
      arguments: call.arguments,
      requestExecutionId: call.executionId,
      createdAt: now,
      expiresAt,
    });
    await recordEvent(
      trx,
      {
        type: 'approval.requested',
        scope: orgScope(call.orgId),
        actor: { kind: 'user', id: call.requestedBy },
        data: {
          approvalId,
          tool: call.tool,
          toolkit: call.toolkit,
          connectedAccountId: call.connectedAccountId,
          requestedBy: call.requestedBy,
          expiresAt: expiresAt.toISOString(),
        },
      },
      now,
    );
  });
  deps.deliveries?.wake();
  return {
    approvalId,
    refusal: new AppError(
      'APPROVAL_REQUIRED',
      `${call.tool} on organization ${call.orgId}'s account waits for an approver: approval ${approvalId}, until ${expiresAt.toISOString()}`,
      {
        details: {
          approvalId,
          tool: call.tool,
          connectedAccountId: call.connectedAccountId,
          expiresAt: expiresAt.toISOString(),
        },
      },
    ),
  };
}
