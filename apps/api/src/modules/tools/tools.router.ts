import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { parsed } from '../../trpc/parsed.js';
import { scopedProcedure, tokenVerifiedProcedure } from '../../trpc/procedures.js';
import { executeTool } from './execution.service.js';
import { executeInput, executeOutput, listedToolOutput, listToolsInput } from './tools.schema.js';
import { listTools } from './tools.service.js';

export const toolsRouter = {
  list: scopedProcedure('tools.read', listToolsInput)
    .output(parsed(z.array(listedToolOutput)))
    .query(({ ctx, input }) => listTools(ctx.deps, ctx.acting, input)),

  // The execution path reads and authorizes the caller itself, with the toolkit's accounts.
  execute: tokenVerifiedProcedure
    .input(parsed(executeInput))
    .output(parsed(executeOutput))
    .mutation(({ ctx, input }) => executeTool(ctx.deps, ctx.userId, input)),
} satisfies TRPCRouterRecord;
