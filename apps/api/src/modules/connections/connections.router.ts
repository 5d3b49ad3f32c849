import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { COMPOSIO_FAILURES } from '../../errors.js';
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
  updateConnection,
} from './accounts.service.js';
import {
  authorizeConnection,
  cancelRequest,
  listPendingRequests,
  reconnectConnection,
  requestStatus,
} from './connection-requests.service.js';
import { toView } from './connection-view.js';
import {
  authorizeInput,
  callbackUrlInput,
  cancelledRequestOutput,
  connectionOutput,
  labelInput,
  listedScopes,
  listInput,
  pendingConnectionOutput,
  pendingRequestsOutput,
  requestInput,
  requestOutput,
} from './connections.schema.js';

export const connectionsRouter = {
  authorize: toolkitProcedure('connections.connect', authorizeInput)
    .meta({
      reasons: [
        'WRONG_SCOPE',
        'LABEL_TAKEN',
        'INVALID_CALLBACK_URL',
        'TOOLKIT_NOT_FOUND',
        ...COMPOSIO_FAILURES,
      ],
    })
    .output(parsed(pendingConnectionOutput))
    .mutation(({ ctx, input }) =>
      authorizeConnection(ctx.deps, ctx.userId, ctx.route, ctx.publicUrl(), input),
    ),

  request: authedProcedure
    .meta({ who: 'whoever asked for the connection', reasons: ['NOT_FOUND', ...COMPOSIO_FAILURES] })
    .input(parsed(requestInput))
    .output(parsed(requestOutput))
    .query(({ ctx, input }) => requestStatus(ctx.deps, ctx.principal, input.requestId)),

  /** The caller's own requests still waiting for consent, to resume or cancel. */
  pending: authedProcedure
    .input(parsed(z.object({}).strict().optional()))
    .output(parsed(pendingRequestsOutput))
    .query(({ ctx }) => listPendingRequests(ctx.deps, ctx.principal)),

  cancel: authedProcedure
    .meta({
      who: 'whoever asked for the connection',
      reasons: ['NOT_FOUND', 'REQUEST_NOT_PENDING'],
    })
    .input(parsed(requestInput))
    .output(parsed(cancelledRequestOutput))
    .mutation(({ ctx, input }) => cancelRequest(ctx.deps, ctx.principal, input.requestId)),

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
    .meta({ reasons: ['LABEL_TAKEN', 'ACCOUNT_INACTIVE'] })
    .output(parsed(connectionOutput))
    .mutation(({ ctx, input }) => updateConnection(ctx.deps, ctx.account, input, ctx.userId)),

  reconnect: accountProcedure('connections.manage', { callbackUrl: callbackUrlInput.optional() })
    .meta({ reasons: ['INVALID_CALLBACK_URL', ...COMPOSIO_FAILURES] })
    .output(parsed(pendingConnectionOutput))
    .mutation(({ ctx, input }) =>
      reconnectConnection(ctx.deps, ctx.principal, ctx.account, ctx.publicUrl(), input.callbackUrl),
    ),

  refresh: accountProcedure('connections.manage', {})
    .meta({ reasons: COMPOSIO_FAILURES })
    .output(parsed(connectionOutput))
    .mutation(({ ctx }) =>
      refreshConnection(ctx.deps, ctx.account, { kind: 'user', id: ctx.userId }),
    ),

  enable: accountProcedure('connections.manage', {})
    .meta({ reasons: COMPOSIO_FAILURES })
    .output(parsed(connectionOutput))
    .mutation(({ ctx }) => setConnectionEnabled(ctx.deps, ctx.account, true, ctx.userId)),

  disable: accountProcedure('connections.manage', {})
    .meta({ reasons: COMPOSIO_FAILURES })
    .output(parsed(connectionOutput))
    .mutation(({ ctx }) => setConnectionEnabled(ctx.deps, ctx.account, false, ctx.userId)),

  delete: accountProcedure('connections.manage', {})
    .meta({ reasons: COMPOSIO_FAILURES })
    .output(parsed(z.object({ id: z.string(), deleted: z.literal(true) })))
    .mutation(({ ctx }) => deleteConnection(ctx.deps, ctx.account, ctx.userId)),
} satisfies TRPCRouterRecord;
