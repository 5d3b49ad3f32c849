import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { parsed } from '../../trpc/parsed.js';
import { authedProcedure } from '../../trpc/procedures.js';

export const serverRouter = {
  /**
   * Where this API is reached and how it signs people in: what a console needs to show the MCP
   * endpoint's URL (the console may be served from another origin than the API).
   */
  info: authedProcedure
    .input(parsed(z.object({}).strict().optional()))
    .output(
      parsed(
        z.object({
          publicUrl: z.string(),
          mcpUrl: z.string(),
          authMode: z.enum(['jwt', 'dev']),
        }),
      ),
    )
    .query(({ ctx }) => {
      const publicUrl = ctx.publicUrl();
      return { publicUrl, mcpUrl: `${publicUrl}/mcp`, authMode: ctx.deps.config.AUTH_MODE };
    }),
} satisfies TRPCRouterRecord;
