import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { parsed } from '../../trpc/parsed.js';
import {
  accountProcedure,
  authedProcedure,
  scopeAccountsProcedure,
  toolkitProcedure,
} from '../../trpc/procedures.js';
import {
  deleteConnection,
  listConnections,
  refreshConnection,
  setConnectionEnabled,
  toView,
  updateConnection,
} from './accounts.service.js';
import {
  authorizeConnection,
  reconnectConnection,
  requestStatus,
} from './connection-requests.service.js';
import {
  authorizeInput,
  callbackUrlInput,
  connectionOutput,
  labelInput,
  listedScopes,
  listInput,
  pendingConnectionOutput,
  requestInput,
  requestOutput,
} from './connections.schema.js';

export const connectionsRouter = {
  authorize: toolkitProcedure('connections.connect', authorizeInput)
    .output(parsed(pendingConnectionOutput))
    .mutation(({ ctx, input }) =>
      authorizeConnection(ctx.deps, ctx.userId, ctx.route, ctx.publicUrl(), input),
    ),

  request: authedProcedure
    .input(parsed(requestInput))
    .output(parsed(requestOutput))
    .query(({ ctx, input }) => requestStatus(ctx.deps, ctx.principal, input.requestId)),

  list: scopeAccountsProcedure('connections.read', listInput, listedScopes)
    .output(parsed(z.array(connectionOutput)))
    .query(({ ctx }) => listConnections(ctx.deps, ctx.scopes, ctx.accounts)),

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
