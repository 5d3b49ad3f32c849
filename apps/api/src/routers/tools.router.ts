import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { executeTool, listTools } from '../services/tools.service.js';
import { parsed } from '../trpc/parsed.js';
import { authedProcedure, tokenProcedure } from '../trpc/procedures.js';
import {
  accountIdInput,
  optionalOrgId,
  scopeOutput,
  toolArgumentsInput,
  toolInput,
  toolkitInput,
} from './schemas.js';

export const toolsRouter = {
  list: authedProcedure
    .input(
      parsed(
        z
          .object({
            orgId: optionalOrgId,
            toolkits: z.array(toolkitInput).min(1).max(20).optional(),
            tools: z.array(toolInput).min(1).max(100).optional(),
            search: z.string().trim().min(1).max(100).optional(),
            limit: z.number().int().min(1).max(200).optional(),
          })
          .strict()
          .refine((input) => input.toolkits || input.tools || input.search, {
            message: 'name toolkits, tools or a search',
          }),
      ),
    )
    .output(
      parsed(
        z.array(
          z.object({
            slug: z.string(),
            toolkit: z.string(),
            name: z.string(),
            description: z.string(),
            inputParameters: z.record(z.string(), z.unknown()),
            scope: scopeOutput,
            canExecute: z.boolean(),
          }),
        ),
      ),
    )
    .query(({ ctx, input }) => listTools(ctx.deps, ctx.principal, input)),

  execute: tokenProcedure
    .input(
      parsed(
        z
          .object({
            tool: toolInput,
            arguments: toolArgumentsInput.default({}),
            orgId: optionalOrgId,
            connectedAccountId: accountIdInput.optional(),
          })
          .strict(),
      ),
    )
    .output(
      parsed(
        z.object({
          executionId: z.string(),
          successful: z.boolean(),
          data: z.record(z.string(), z.unknown()),
          error: z.string().nullable(),
          connectedAccountId: z.string(),
          scope: scopeOutput,
        }),
      ),
    )
    .mutation(({ ctx, input }) => executeTool(ctx.deps, ctx.userId, input)),
} satisfies TRPCRouterRecord;
