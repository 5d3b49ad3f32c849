import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { toAppError } from '../error-mapping.js';
import { parsed } from '../trpc/parsed.js';
import { authedProcedure } from '../trpc/procedures.js';

export const toolkitsRouter = {
  list: authedProcedure
    .input(
      parsed(
        z
          .object({
            search: z.string().trim().min(1).max(100).optional(),
            limit: z.number().int().min(1).max(200).optional(),
          })
          .strict()
          .optional(),
      ),
    )
    .output(
      parsed(
        z.array(
          z.object({
            slug: z.string(),
            name: z.string(),
            description: z.string().nullable(),
            logo: z.string().nullable(),
            categories: z.array(z.string()),
          }),
        ),
      ),
    )
    .query(async ({ ctx, input }) => {
      try {
        return await ctx.deps.gateway.listToolkits({
          ...(input?.search ? { search: input.search } : {}),
          ...(input?.limit ? { limit: input.limit } : {}),
        });
      } catch (error) {
        throw toAppError(error);
      }
    }),
} satisfies TRPCRouterRecord;
