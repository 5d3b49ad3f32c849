import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { getUser } from '../repos/users.repo.js';
import { authedProcedure } from '../trpc/procedures.js';
import { roleOutput } from './schemas.js';

export const meRouter = {
  get: authedProcedure
    .input(z.object({}).strict().optional())
    .output(
      z.object({
        user: z.object({ id: z.string(), displayName: z.string().nullable() }),
        orgs: z.array(z.object({ id: z.string(), name: z.string(), role: roleOutput })),
      }),
    )
    .query(async ({ ctx }) => {
      const user = await getUser(ctx.deps.db, ctx.userId);
      return {
        user: { id: ctx.userId, displayName: user?.displayName ?? null },
        orgs: ctx.memberships.map((m) => ({ id: m.orgId, name: m.orgName, role: m.role })),
      };
    }),
} satisfies TRPCRouterRecord;
