import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { COMPOSIO_FAILURES } from '../../errors.js';
import { parsed } from '../../trpc/parsed.js';
import { authedProcedure } from '../../trpc/procedures.js';

const listToolkitsInput = z
  .object({
    search: z.string().trim().min(1).max(100).optional(),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .strict()
  .optional();

const toolkitOutput = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  logo: z.string().nullable(),
  categories: z.array(z.string()),
});

export const toolkitsRouter = {
  /** Composio's toolkit catalog: anyone signed in may browse it. */
  list: authedProcedure
    .meta({ reasons: COMPOSIO_FAILURES })
    .input(parsed(listToolkitsInput))
    .output(parsed(z.array(toolkitOutput)))
    .query(({ ctx, input }) =>
      ctx.deps.gateway.listToolkits({
        ...(input?.search ? { search: input.search } : {}),
        ...(input?.limit ? { limit: input.limit } : {}),
      }),
    ),
} satisfies TRPCRouterRecord;
