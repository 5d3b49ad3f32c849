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
    action: z.enum(MANAGEMENT_ACTIONS).optional(),
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
    }),
  ),
  nextCursor: z.string().nullable(),
});

export type AuditEventsInput = z.output<typeof auditEventsInput>;
