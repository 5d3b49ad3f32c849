import type { TRPCRouterRecord } from '@trpc/server';
import { parsed } from '../../trpc/parsed.js';
import { scopedProcedure } from '../../trpc/procedures.js';
import {
  auditEventsInput,
  auditEventsOutput,
  auditExportInput,
  auditExportOutput,
  auditListInput,
  auditListOutput,
} from './audit.schema.js';
import { listAudit, listEvents } from './audit.service.js';
import { exportChunk } from './audit-export.service.js';

export const auditRouter = {
  /** An organization's executions (admins), or the caller's own; newest first, by cursor. */
  list: scopedProcedure('audit.read', auditListInput)
    .output(parsed(auditListOutput))
    .query(({ ctx, input }) => listAudit(ctx.deps, ctx.acting, input)),

  /** The log of what is not a tool execution (refused management actions), as `list` scopes it. */
  events: scopedProcedure('audit.read', auditEventsInput)
    .output(parsed(auditEventsOutput))
    .query(({ ctx, input }) => listEvents(ctx.deps, ctx.acting, input)),

  /**
   * The log `list` shows, within [from, to), oldest first, as JSON Lines or CSV, a chunk per
   * call: ask again with `nextCursor` until it is null. Chunks rather than one streamed answer,
   * so any tRPC link (the typed client batches) can read it; `GET /audit/export` sends the same
   * text as one download.
   */
  export: scopedProcedure('audit.read', auditExportInput)
    .output(parsed(auditExportOutput))
    .query(({ ctx, input }) => exportChunk(ctx.deps, ctx.acting, input)),
} satisfies TRPCRouterRecord;
