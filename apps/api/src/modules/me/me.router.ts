import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { parsed } from '../../trpc/parsed.js';
import { authedProcedure } from '../../trpc/procedures.js';
import { roleOutput } from '../shared.schema.js';

export const meRouter = {
  get: authedProcedure
    .input(parsed(z.object({}).strict().optional()))
    .output(
      parsed(
        z.object({
          user: z.object({ id: z.string(), displayName: z.string().nullable() }),
          orgs: z.array(z.object({ id: z.string(), name: z.string(), role: roleOutput })),
        }),
      ),
    )
    .query(({ ctx }) => {
      return {
        user: { id: ctx.userId, displayName: ctx.principal.displayName },
        orgs: ctx.principal.memberships.map((m) => ({
          id: m.orgId,
          name: m.orgName,
          role: m.role,
        })),
      };
    }),
} satisfies TRPCRouterRecord;
