import type { Action } from '@switchboard/identity';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import {
  accountFor,
  authorizeConnection,
  deleteConnection,
  listConnections,
  reconnectConnection,
  refreshConnection,
  requestStatus,
  setConnectionEnabled,
  toView,
  updateConnection,
} from '../services/connections.service.js';
import { parsed } from '../trpc/parsed.js';
import { authedProcedure, tokenProcedure } from '../trpc/procedures.js';
import {
  accountIdInput,
  callbackUrlInput,
  connectionOutput,
  labelInput,
  optionalOrgId,
  pendingConnectionOutput,
  scopeOutput,
  toolkitInput,
} from './schemas.js';

/**
 * Procedures on one account of the map: the account is loaded and the action authorized against
 * its scope before the handler runs; accounts of other scopes are NOT_FOUND.
 */
function accountProcedure<S extends z.ZodRawShape>(action: Action, shape: S) {
  return authedProcedure
    .input(parsed(z.object({ id: accountIdInput, ...shape }).strict()))
    .use(async ({ ctx, input, next }) => {
      const account = await accountFor(
        ctx.deps,
        ctx.principal,
        (input as { id: string }).id,
        action,
      );
      return next({ ctx: { account } });
    });
}

export const connectionsRouter = {
  authorize: authedProcedure
    .input(
      parsed(
        z
          .object({
            toolkit: toolkitInput,
            orgId: optionalOrgId,
            label: labelInput.optional(),
            callbackUrl: callbackUrlInput.optional(),
          })
          .strict(),
      ),
    )
    .output(parsed(pendingConnectionOutput))
    .mutation(({ ctx, input }) =>
      authorizeConnection(ctx.deps, ctx.principal, ctx.publicUrl(), input),
    ),

  request: authedProcedure
    .input(parsed(z.object({ requestId: z.uuid() }).strict()))
    .output(
      parsed(
        z.object({
          status: z.enum(['INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED']),
          statusReason: z.string().nullable(),
          toolkit: z.string(),
          scope: scopeOutput,
          expiresAt: z.string(),
          connectedAccountId: z.string().optional(),
        }),
      ),
    )
    .query(({ ctx, input }) => requestStatus(ctx.deps, ctx.principal, input.requestId)),

  list: tokenProcedure
    .input(
      parsed(
        z
          .object({
            orgId: optionalOrgId,
            toolkit: toolkitInput.optional(),
            include: z.enum(['personal', 'org', 'all']).optional(),
          })
          .strict()
          .optional(),
      ),
    )
    .output(parsed(z.array(connectionOutput)))
    .query(({ ctx, input }) => listConnections(ctx.deps, ctx.userId, input ?? {})),

  get: accountProcedure('connections.read', {})
    .output(parsed(connectionOutput))
    .query(({ ctx }) => toView(ctx.account)),

  update: accountProcedure('connections.manage', {
    label: labelInput.nullable().optional(),
    makeDefault: z.boolean().optional(),
  })
    .output(parsed(connectionOutput))
    .mutation(({ ctx, input }) => updateConnection(ctx.deps, ctx.account, input)),

  reconnect: accountProcedure('connections.manage', { callbackUrl: callbackUrlInput.optional() })
    .output(parsed(pendingConnectionOutput))
    .mutation(({ ctx, input }) =>
      reconnectConnection(ctx.deps, ctx.principal, ctx.account, ctx.publicUrl(), input.callbackUrl),
    ),

  refresh: accountProcedure('connections.manage', {})
    .output(parsed(connectionOutput))
    .mutation(({ ctx }) => refreshConnection(ctx.deps, ctx.account)),

  enable: accountProcedure('connections.manage', {})
    .output(parsed(connectionOutput))
    .mutation(({ ctx }) => setConnectionEnabled(ctx.deps, ctx.account, true)),

  disable: accountProcedure('connections.manage', {})
    .output(parsed(connectionOutput))
    .mutation(({ ctx }) => setConnectionEnabled(ctx.deps, ctx.account, false)),

  delete: accountProcedure('connections.manage', {})
    .output(parsed(z.object({ id: z.string(), deleted: z.literal(true) })))
    .mutation(({ ctx }) => deleteConnection(ctx.deps, ctx.account)),
} satisfies TRPCRouterRecord;
