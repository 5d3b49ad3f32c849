import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { COMPOSIO_FAILURES } from '../../errors.js';
import { parsed } from '../../trpc/parsed.js';
import { approvalProcedure, authedProcedure, orgProcedure } from '../../trpc/procedures.js';
import {
  approvalOutput,
  decideShape,
  listApprovalsInput,
  myApprovalsInput,
} from './approvals.schema.js';
import {
  approveApproval,
  denyApproval,
  getApproval,
  listApprovals,
  myApprovals,
} from './approvals.service.js';

export const approvalsRouter = {
  /** An organization's held calls for its approvers, newest first. */
  list: orgProcedure('approvals.decide', listApprovalsInput)
    .output(parsed(z.array(approvalOutput)))
    .query(({ ctx, input }) => listApprovals(ctx.deps, ctx.principal, ctx.org, input)),

  /** The caller's own held calls, in the organizations they are still a member of. */
  mine: authedProcedure
    .meta({ who: 'any signed-in caller, for their own requests' })
    .input(parsed(myApprovalsInput))
    .output(parsed(z.array(approvalOutput)))
    .query(({ ctx, input }) => myApprovals(ctx.deps, ctx.principal, input ?? { limit: 50 })),

  /** One held call, for whoever asked for it (with the run's result) and its approvers. */
  get: approvalProcedure('read', {})
    .meta({ who: 'whoever asked for it, and the approvers of its toolkit (`approveRoles`)' })
    .output(parsed(approvalOutput))
    .query(({ ctx }) => getApproval(ctx.deps, ctx.approval, ctx.userId)),

  /** Says yes, and runs the call once with the stored arguments on the account chosen then. */
  approve: approvalProcedure('decide', decideShape)
    .meta({
      who: 'an approver of its toolkit (`approveRoles`, admin and up by default) who did not ask for it',
      reasons: [
        'SELF_APPROVAL',
        'APPROVAL_NOT_PENDING',
        'APPROVAL_EXPIRED',
        'ACCOUNT_INACTIVE',
        'TOOL_NOT_ALLOWED',
        'RATE_LIMITED',
        ...COMPOSIO_FAILURES,
      ],
    })
    .output(parsed(approvalOutput))
    .mutation(({ ctx, input }) => approveApproval(ctx.deps, ctx.approval, ctx.userId, input.note)),

  /** Says no: the call never runs, and its arguments are deleted. */
  deny: approvalProcedure('decide', decideShape)
    .meta({
      who: 'an approver of its toolkit (`approveRoles`, admin and up by default) who did not ask for it',
      reasons: ['SELF_APPROVAL', 'APPROVAL_NOT_PENDING', 'APPROVAL_EXPIRED'],
    })
    .output(parsed(approvalOutput))
    .mutation(({ ctx, input }) => denyApproval(ctx.deps, ctx.approval, ctx.userId, input.note)),
} satisfies TRPCRouterRecord;
