import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { parsed } from '../../trpc/parsed.js';
import { deliveryProcedure, scopedProcedure, webhookProcedure } from '../../trpc/procedures.js';
import {
  createdEndpointOutput,
  createEndpointInput,
  deliveriesOutput,
  deliveriesShape,
  endpointOutput,
  listEndpointsInput,
  updateEndpointShape,
} from './webhooks.schema.js';
import {
  changeEndpoint,
  createEndpoint,
  listDeliveries,
  listEndpoints,
  redeliver,
  removeEndpoint,
  rotateSecret,
  toEndpointView,
} from './webhooks.service.js';

export const webhooksRouter = {
  /** Subscribes a URL to a scope's events: an organization's (admins), or one's own. */
  create: scopedProcedure('webhooks.manage', createEndpointInput)
    .meta({ reasons: ['INVALID_WEBHOOK_URL'] })
    .output(parsed(createdEndpointOutput))
    .mutation(({ ctx, input }) =>
      createEndpoint(ctx.deps, ctx.acting.scope, ctx.userId, {
        url: input.url,
        events: input.events,
        description: input.description,
      }),
    ),

  list: scopedProcedure('webhooks.manage', listEndpointsInput)
    .output(parsed(z.array(endpointOutput)))
    .query(({ ctx }) => listEndpoints(ctx.deps, ctx.acting.scope)),

  get: webhookProcedure('webhooks.manage', {})
    .output(parsed(endpointOutput))
    .query(({ ctx }) => toEndpointView(ctx.deps, ctx.endpoint)),

  update: webhookProcedure('webhooks.manage', updateEndpointShape)
    .meta({ reasons: ['INVALID_WEBHOOK_URL'] })
    .output(parsed(endpointOutput))
    .mutation(({ ctx, input }) => changeEndpoint(ctx.deps, ctx.endpoint, input)),

  delete: webhookProcedure('webhooks.manage', {})
    .output(parsed(z.object({ endpointId: z.string(), deleted: z.literal(true) })))
    .mutation(({ ctx }) => removeEndpoint(ctx.deps, ctx.endpoint)),

  /** A new signing secret (shown once); the old one keeps signing beside it for 24 hours. */
  rotateSecret: webhookProcedure('webhooks.manage', {})
    .output(parsed(createdEndpointOutput))
    .mutation(({ ctx }) => rotateSecret(ctx.deps, ctx.endpoint)),

  /** The endpoint's deliveries, newest first, each with its attempts. */
  deliveries: webhookProcedure('webhooks.manage', deliveriesShape)
    .output(parsed(deliveriesOutput))
    .query(({ ctx, input }) => listDeliveries(ctx.deps, ctx.endpoint, input)),

  redeliver: deliveryProcedure('webhooks.manage')
    .output(parsed(z.object({ deliveryId: z.string(), status: z.literal('pending') })))
    .mutation(({ ctx }) => redeliver(ctx.deps, ctx.deliveryId)),
} satisfies TRPCRouterRecord;
