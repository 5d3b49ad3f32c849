import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { parsed } from '../../trpc/parsed.js';
import { orgProcedure } from '../../trpc/procedures.js';
import {
  listPoliciesInput,
  policyOutput,
  removePolicyInput,
  setPolicyInput,
} from './policies.schema.js';
import { listPolicies, removePolicy, setPolicy } from './policies.service.js';

export const policiesRouter = {
  list: orgProcedure('org.read', listPoliciesInput)
    .output(parsed(z.array(policyOutput)))
    .query(({ ctx }) => listPolicies(ctx.deps, ctx.org.orgId)),

  set: orgProcedure('policies.manage', setPolicyInput)
    .output(parsed(policyOutput))
    .mutation(({ ctx, input }) => {
      const { orgId, toolkit, ...fields } = input;
      return setPolicy(ctx.deps, orgId, toolkit, fields, ctx.userId);
    }),

  remove: orgProcedure('policies.manage', removePolicyInput)
    .meta({ reasons: ['NOT_FOUND'] })
    .output(parsed(z.object({ toolkit: z.string(), removed: z.literal(true) })))
    .mutation(({ ctx, input }) => removePolicy(ctx.deps, input.orgId, input.toolkit, ctx.userId)),
} satisfies TRPCRouterRecord;
