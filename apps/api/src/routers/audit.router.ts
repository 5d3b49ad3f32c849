import { orgScope, userScope } from '@switchboard/identity';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { listAttempts } from '../repos/audit.repo.js';
import { publicScope } from '../repos/scope-columns.js';
import { parsed } from '../trpc/parsed.js';
import { authedProcedure, authorize } from '../trpc/procedures.js';
import { optionalOrgId, scopeOutput, toolkitInput } from './schemas.js';

const OUTCOMES = ['success', 'tool_error', 'error', 'denied'] as const;

export const auditRouter = {
  /** An organization's executions (admins), or the caller's own; newest first, by cursor. */
  list: authedProcedure
    .input(
      parsed(
        z
          .object({
            orgId: optionalOrgId,
            cursor: z
              .string()
              .regex(/^\d{1,18}$/, 'is not a cursor from audit.list')
              .optional(),
            limit: z.number().int().min(1).max(200).default(50),
            toolkit: toolkitInput.optional(),
            outcome: z.enum(OUTCOMES).optional(),
            // Sent by tRPC's infinite-query helpers; the log pages one way, newest first.
            direction: z.enum(['forward', 'backward']).optional(),
          })
          .strict()
          .optional(),
      ),
    )
    .output(
      parsed(
        z.object({
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
            }),
          ),
          nextCursor: z.string().nullable(),
        }),
      ),
    )
    .query(async ({ ctx, input }) => {
      const query = input ?? { limit: 50 };
      const limit = query.limit ?? 50;
      let filter: Parameters<typeof listAttempts>[1]['filter'];
      if (query.orgId !== undefined) {
        authorize(ctx.principal, 'audit.read', { scope: orgScope(query.orgId) });
        filter = { orgId: query.orgId };
      } else {
        authorize(ctx.principal, 'audit.read', { scope: userScope(ctx.userId) });
        filter = {
          actor: ctx.userId,
          visibleOrgIds: ctx.principal.memberships.map((m) => m.orgId),
        };
      }
      const rows = await listAttempts(ctx.deps.db, {
        filter,
        toolkit: query.toolkit,
        outcome: query.outcome,
        before: query.cursor,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map((row) => ({
          ...row,
          scope: publicScope(row.scope),
          startedAt: row.startedAt.toISOString(),
        })),
        nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
      };
    }),
} satisfies TRPCRouterRecord;
