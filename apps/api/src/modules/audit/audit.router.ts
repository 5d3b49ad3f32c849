import type { TRPCRouterRecord } from '@trpc/server';
import { parsed } from '../../trpc/parsed.js';
import { scopedProcedure } from '../../trpc/procedures.js';
import { auditListInput, auditListOutput } from './audit.schema.js';
import { listAudit } from './audit.service.js';

export const auditRouter = {
  /** An organization's executions (admins), or the caller's own; newest first, by cursor. */
  list: scopedProcedure('audit.read', auditListInput)
    .output(parsed(auditListOutput))
    .query(({ ctx, input }) => listAudit(ctx.deps, ctx.acting, input)),
} satisfies TRPCRouterRecord;
