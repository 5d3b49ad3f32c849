import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { COMPOSIO_FAILURES } from '../../errors.js';
import { parsed } from '../../trpc/parsed.js';
import { scopedProcedure, tokenVerifiedProcedure } from '../../trpc/procedures.js';
import { executeTool } from './execution.service.js';
import { executeInput, executeOutput, listedToolOutput, listToolsInput } from './tools.schema.js';
import { listTools } from './tools.service.js';

export const toolsRouter = {
  list: scopedProcedure('tools.read', listToolsInput)
    .meta({ reasons: ['WRONG_SCOPE', ...COMPOSIO_FAILURES] })
    .output(parsed(z.array(listedToolOutput)))
    .query(({ ctx, input }) => listTools(ctx.deps, ctx.acting, input)),

  // The execution path reads and authorizes the caller itself, with the toolkit's accounts.
  execute: tokenVerifiedProcedure
    .meta({
      action: 'tools.execute',
      reasons: [
        'TOOL_NOT_FOUND',
        'INVALID_ARGUMENTS',
        'WRONG_SCOPE',
        'TOOL_NOT_ALLOWED',
        'NO_CONNECTED_ACCOUNT',
        'AMBIGUOUS_ACCOUNT',
        'ACCOUNT_INACTIVE',
        'RATE_LIMITED',
        'APPROVAL_REQUIRED',
        'IDEMPOTENCY_KEY_REUSED',
        'IDEMPOTENCY_KEY_IN_PROGRESS',
        'EXECUTION_OUTCOME_UNKNOWN',
        ...COMPOSIO_FAILURES,
      ],
    })
    .input(parsed(executeInput))
    .output(parsed(executeOutput))
    .mutation(({ ctx, input }) => executeTool(ctx.deps, ctx.userId, input)),
} satisfies TRPCRouterRecord;
