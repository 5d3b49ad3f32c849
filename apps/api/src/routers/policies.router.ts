import { orgScope, roleSchema, toolkitPolicySchema, toolSlugSchema } from '@switchboard/identity';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { AppError } from '../errors.js';
import {
  deletePolicy,
  policiesOf,
  type StoredPolicy,
  upsertPolicy,
} from '../repos/policies.repo.js';
import { parsed } from '../trpc/parsed.js';
import { authedProcedure, authorize } from '../trpc/procedures.js';
import { orgIdInput, toolkitInput } from './schemas.js';

const policyOutput = z.object({
  toolkit: z.string(),
  scope: z.enum(['org', 'user']),
  connectRoles: z.array(roleSchema),
  executeRoles: z.array(roleSchema),
  allowTools: z.array(z.string()).nullable(),
  denyTools: z.array(z.string()),
  requireExplicitSelection: z.boolean(),
  authConfigId: z.string().nullable(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});

const toOutput = (policy: StoredPolicy) => ({
  ...policy,
  updatedAt: policy.updatedAt.toISOString(),
});

const roleList = z.array(roleSchema).min(1).max(4);

export const policiesRouter = {
  list: authedProcedure
    .input(parsed(z.object({ orgId: orgIdInput }).strict()))
    .output(parsed(z.array(policyOutput)))
    .query(async ({ ctx, input }) => {
      authorize(ctx.principal, 'org.read', { scope: orgScope(input.orgId) });
      return (await policiesOf(ctx.deps.db, input.orgId)).map(toOutput);
    }),

  set: authedProcedure
    .input(
      parsed(
        z
          .object({
            orgId: orgIdInput,
            toolkit: toolkitInput,
            scope: z.enum(['org', 'user']),
            connectRoles: roleList.optional(),
            executeRoles: roleList.optional(),
            allowTools: z.array(toolSlugSchema).max(500).nullable().optional(),
            denyTools: z.array(toolSlugSchema).max(500).optional(),
            requireExplicitSelection: z.boolean().optional(),
            authConfigId: z.string().min(1).max(128).nullable().optional(),
          })
          .strict(),
      ),
    )
    .output(parsed(policyOutput))
    .mutation(async ({ ctx, input }) => {
      authorize(ctx.principal, 'policies.manage', { scope: orgScope(input.orgId) });
      const { orgId, toolkit, ...fields } = input;
      const policy = toolkitPolicySchema.parse(fields);
      const stored = await upsertPolicy(
        ctx.deps.db,
        orgId,
        toolkit,
        policy,
        ctx.userId,
        ctx.deps.now(),
      );
      return toOutput(stored);
    }),

  remove: authedProcedure
    .input(parsed(z.object({ orgId: orgIdInput, toolkit: toolkitInput }).strict()))
    .output(parsed(z.object({ toolkit: z.string(), removed: z.literal(true) })))
    .mutation(async ({ ctx, input }) => {
      authorize(ctx.principal, 'policies.manage', { scope: orgScope(input.orgId) });
      if (!(await deletePolicy(ctx.deps.db, input.orgId, input.toolkit))) {
        throw new AppError(
          'NOT_FOUND',
          `Organization ${input.orgId} has no policy for ${input.toolkit}`,
        );
      }
      return { toolkit: input.toolkit, removed: true as const };
    }),
} satisfies TRPCRouterRecord;
