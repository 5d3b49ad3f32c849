import { z } from 'zod';
import { orgIdInput } from '../shared.schema.js';

export const APPROVAL_STATUSES = [
  'requested',
  'approved',
  'denied',
  'expired',
  'executed',
  'failed',
] as const;
export type ApprovalStatusName = (typeof APPROVAL_STATUSES)[number];

const status = z.enum(APPROVAL_STATUSES);
const note = z.string().trim().min(1).max(500);

export const listApprovalsInput = z
  .object({
    orgId: orgIdInput,
    status: status.optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();

export const myApprovalsInput = z
  .object({ status: status.optional(), limit: z.number().int().min(1).max(200).default(50) })
  .strict()
  .optional();

export const approvalIdShape = { approvalId: z.uuid() };
export const decideShape = { note: note.optional() };

export const approvalOutput = z.object({
  id: z.string(),
  orgId: z.string(),
  toolkit: z.string(),
  tool: z.string(),
  /** The account chosen when it was asked for: it runs with this one or not at all. */
  connectedAccountId: z.string(),
  account: z
    .object({ label: z.string().nullable(), upstreamIdentity: z.string().nullable() })
    .nullable(),
  requestedBy: z.string(),
  requestedByName: z.string().nullable(),
  channel: z.enum(['trpc', 'mcp']),
  status,
  /** The tool's arguments while the call may still run; `null` once the approval has ended. */
  arguments: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  note: z.string().nullable(),
  /** The audit row of the held attempt, and of the run once it ran. */
  requestExecutionId: z.string(),
  executionId: z.string().nullable(),
  /** Why an approved call could not run (`ACCOUNT_INACTIVE`, …). */
  failure: z.object({ reason: z.string(), message: z.string() }).nullable(),
  /** What the run returned; only the requester sees it. */
  result: z
    .object({
      successful: z.boolean(),
      data: z.record(z.string(), z.unknown()),
      error: z.string().nullable(),
    })
    .nullable(),
});

export type ApprovalView = z.output<typeof approvalOutput>;
