import { type Action, userIdSchema } from '@switchboard/identity';
import { z } from 'zod';
import { optionalOrgId, scopeOutput, toolkitInput } from '../shared.schema.js';

/**
 * `pending`: Composio is being called (the row is written before the call); `unknown`: the
 * process that called it stopped before it could record how it ended.
 */
export const OUTCOMES = ['success', 'tool_error', 'error', 'denied', 'pending', 'unknown'] as const;

/** Actions that change something in a scope: their refusals to members are recorded. */
export const MANAGEMENT_ACTIONS = [
  'connections.connect',
  'connections.manage',
  'policies.manage',
  'members.manage',
  'webhooks.manage',
] as const satisfies readonly Action[];

/**
 * Steps of approvals in the same log (target: the approval's id): a requester refused deciding
 * on their own call (`approvals.decide`, recorded by `access/approvals.ts`), and the approvers'
 * decisions.
 */
export const APPROVAL_DECISIONS = [
  'approvals.decide',
  'approvals.approve',
  'approvals.deny',
] as const;

export const auditListInput = z
  .object({
    orgId: optionalOrgId,
    cursor: z
      .string()
      .regex(/^\d{1,18}$/, 'is not a cursor from audit.list')
      .optional(),
    limit: z.number().int().min(1).max(200).default(50),
    toolkit: toolkitInput.optional(),
    outcome: z.enum(OUTCOMES).optional(),
    /** Only this member's attempts (an organization's log). */
    actor: userIdSchema.optional(),
    /** Attempts started at or after `from`, and before `to` (ISO 8601). */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    // Sent by tRPC's infinite-query helpers; the log pages one way, newest first.
    direction: z.enum(['forward', 'backward']).optional(),
  })
  .strict()
  .optional();

export const auditListOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      executionId: z.string(),
      actorUserId: z.string(),
      scope: scopeOutput,
      toolkit: z.string(),
      tool: z.string(),
      connectedAccountId: z.string().nullable(),
      decision: z.enum(['allowed', 'denied']),
      denyReason: z.string().nullable(),
      outcome: z.enum(OUTCOMES),
      errorCode: z.string().nullable(),
      durationMs: z.number(),
      startedAt: z.string(),
      channel: z.enum(['trpc', 'mcp']),
      /** The approval the attempt was held for, or ran under. */
      approvalId: z.string().nullable(),
      actorName: z.string().nullable(),
      /** The account's label and upstream identity, while it is still in the map. */
      account: z
        .object({ label: z.string().nullable(), upstreamIdentity: z.string().nullable() })
        .nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export type AuditListInput = z.output<typeof auditListInput>;

export const auditEventsInput = z
  .object({
    orgId: optionalOrgId,
    cursor: z
      .string()
      .regex(/^\d{1,18}$/, 'is not a cursor from audit.events')
      .optional(),
    limit: z.number().int().min(1).max(200).default(50),
    /** Only this member's attempts, at or after `from` and before `to`, as in `audit.list`. */
    actor: userIdSchema.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** Only this action's refusals (`policies.manage`, `connections.connect`, …). */
    action: z.enum([...MANAGEMENT_ACTIONS, ...APPROVAL_DECISIONS]).optional(),
    /** Only refusals (`denied`), or only what was done (`allowed`: approvers' decisions). */
    decision: z.enum(['allowed', 'denied']).optional(),
    direction: z.enum(['forward', 'backward']).optional(),
  })
  .strict()
  .optional();

export const auditEventsOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      occurredAt: z.string(),
      actorUserId: z.string(),
      actorName: z.string().nullable(),
      scope: scopeOutput,
      action: z.string(),
      target: z.string().nullable(),
      decision: z.enum(['allowed', 'denied']),
      reason: z.string().nullable(),
      channel: z.enum(['trpc', 'mcp']),
      /** What an approver wrote when deciding (`approvals.approve` / `approvals.deny`). */
      note: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export type AuditEventsInput = z.output<typeof auditEventsInput>;

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Where the next chunk of an export starts: after this row, in (startedAt, id) order. */
export const EXPORT_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\/\d{1,18}$/;

/** What an export covers; the same for `audit.export` and `GET /audit/export`. */
const exportFilter = {
  orgId: optionalOrgId,
  /** Attempts started at or after `from`, and before `to` (ISO 8601 with an offset). */
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  format: z.enum(EXPORT_FORMATS),
  toolkit: toolkitInput.optional(),
  outcome: z.enum(OUTCOMES).optional(),
  /** Only this member's attempts (an organization's log). */
  actor: userIdSchema.optional(),
};

function fromBeforeTo(value: { from: string; to: string }): boolean {
  return Date.parse(value.from) < Date.parse(value.to);
}
const FROM_BEFORE_TO = { path: ['to'], message: 'must be later than from' };

export const auditExportInput = z
  .object({
    ...exportFilter,
    cursor: z.string().regex(EXPORT_CURSOR, 'is not a cursor from audit.export').optional(),
    /** Rows in this chunk at most. */
    limit: z.number().int().min(1).max(5_000).default(1_000),
  })
  .strict()
  .refine(fromBeforeTo, FROM_BEFORE_TO);

export type AuditExportInput = z.output<typeof auditExportInput>;

/** `GET /audit/export`'s query string: the same filter, every value a string. */
export const auditExportQuery = z
  .object(exportFilter)
  .strict()
  .refine(fromBeforeTo, FROM_BEFORE_TO);

export type AuditExportQuery = z.output<typeof auditExportQuery>;

export const auditExportOutput = z.object({
  format: z.enum(EXPORT_FORMATS),
  /** `application/x-ndjson` or `text/csv`, as the HTTP download sends it. */
  contentType: z.string(),
  /** This chunk's lines, each ending in a newline; the first chunk of a CSV starts with its header. */
  chunk: z.string(),
  /** Rows in this chunk. */
  rows: z.number(),
  /** Pass as `cursor` for the next chunk; `null` once the range is done. */
  nextCursor: z.string().nullable(),
});
