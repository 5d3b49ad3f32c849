import { userIdSchema } from '@switchboard/identity';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import {
  changeMembership,
  createOrganization,
  getOrganizationView,
  listMembers,
} from '../services/orgs.service.js';
import { parsed } from '../trpc/parsed.js';
import { authedProcedure } from '../trpc/procedures.js';
import { orgIdInput, roleOutput } from './schemas.js';

const orgOutput = z.object({
  id: z.string(),
  name: z.string(),
  role: roleOutput,
  createdAt: z.string(),
});
const membersOutput = z.array(
  z.object({
    userId: z.string(),
    displayName: z.string().nullable(),
    role: roleOutput,
    joinedAt: z.string(),
  }),
);

export const membersRouter = {
  list: authedProcedure
    .input(parsed(z.object({ orgId: orgIdInput }).strict()))
    .output(parsed(membersOutput))
    .query(({ ctx, input }) => listMembers(ctx.deps, ctx.principal, input.orgId)),
  set: authedProcedure
    .input(parsed(z.object({ orgId: orgIdInput, userId: userIdSchema, role: roleOutput }).strict()))
    .output(parsed(membersOutput))
    .mutation(({ ctx, input }) =>
      changeMembership(ctx.deps, ctx.principal, input.orgId, {
        kind: 'set',
        userId: input.userId,
        role: input.role,
      }),
    ),
  remove: authedProcedure
    .input(parsed(z.object({ orgId: orgIdInput, userId: userIdSchema }).strict()))
    .output(parsed(membersOutput))
    .mutation(({ ctx, input }) =>
      changeMembership(ctx.deps, ctx.principal, input.orgId, {
        kind: 'remove',
        userId: input.userId,
      }),
    ),
} satisfies TRPCRouterRecord;

export const orgsRouter = {
  create: authedProcedure
    .input(
      parsed(
        z.object({ name: z.string().trim().min(1).max(200), id: orgIdInput.optional() }).strict(),
      ),
    )
    .output(parsed(orgOutput))
    .mutation(({ ctx, input }) => createOrganization(ctx.deps, ctx.principal, input)),
  get: authedProcedure
    .input(parsed(z.object({ orgId: orgIdInput }).strict()))
    .output(parsed(orgOutput))
    .query(({ ctx, input }) => getOrganizationView(ctx.deps, ctx.principal, input.orgId)),
  members: membersRouter,
} satisfies TRPCRouterRecord;
