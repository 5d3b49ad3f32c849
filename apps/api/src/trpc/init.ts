import type { Action } from '@switchboard/identity';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { AppError, type Reason } from '../errors.js';
import type { Context } from './context.js';

export interface IssueSummary {
  path: string;
  message: string;
}

/** Input errors: identity's id rules travel as their own reason, anything else as INVALID_INPUT. */
function reasonForZodError(error: ZodError): { reason: Reason; issues: IssueSummary[] } {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  for (const issue of error.issues) {
    const code =
      issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    if (code === 'INVALID_USER_ID' || code === 'INVALID_ORG_ID') return { reason: code, issues };
  }
  return { reason: 'INVALID_INPUT', issues };
}

const FALLBACK_REASONS: Partial<Record<TRPCError['code'], Reason>> = {
  UNAUTHORIZED: 'UNAUTHENTICATED',
  BAD_REQUEST: 'INVALID_INPUT',
  PARSE_ERROR: 'INVALID_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  PAYLOAD_TOO_LARGE: 'INVALID_INPUT',
  METHOD_NOT_SUPPORTED: 'INVALID_INPUT',
  UNSUPPORTED_MEDIA_TYPE: 'INVALID_INPUT',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
};

/**
 * What a procedure declares about itself, for the generated API reference (docs/api.md): the
 * procedure builders set who may call it and the action they authorize; a procedure adds the
 * reasons particular to it.
 */
export interface ProcedureMeta {
  /** `public`: no token; `signed-in`: a bearer token (and, for most, the caller's memberships). */
  auth?: 'public' | 'signed-in';
  /** The action its builder authorizes (docs/design.md rule 3). */
  action?: Action;
  /** A sentence on who may call it, where the action alone does not say it. */
  who?: string;
  /** Reasons it can fail with beyond those every procedure of its kind can. */
  reasons?: readonly Reason[];
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error, ctx }) {
      const cause = error.cause;
      let reason: Reason = FALLBACK_REASONS[error.code] ?? 'INTERNAL';
      let details: Record<string, unknown> | undefined;
      let issues: IssueSummary[] | undefined;
      if (cause instanceof AppError) {
        reason = cause.reason;
        details = cause.details;
        if (cause.retryAfterSeconds !== undefined) {
          details = { ...details, retryAfterSeconds: cause.retryAfterSeconds };
        }
      } else if (cause instanceof ZodError) {
        ({ reason, issues } = reasonForZodError(cause));
      }
      const production = ctx?.deps.config.NODE_ENV === 'production';
      const internal = reason === 'INTERNAL';
      return {
        ...shape,
        message: internal && production ? 'Internal server error' : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          reason,
          ...(details ? { details } : {}),
          ...(issues ? { issues } : {}),
          ...(internal && !production ? { stack: shape.data.stack } : {}),
          requestId: ctx?.requestId,
        },
      };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
export const baseProcedure = t.procedure;
export { TRPCError };
