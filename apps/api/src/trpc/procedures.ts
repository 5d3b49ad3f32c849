import {
  type Action,
  type Decision,
  type DenyReason,
  decide,
  isNotFoundReason,
  type Principal,
  type Scope,
  type Target,
} from '@switchboard/identity';
import { TRPCError } from '@trpc/server';
import { authenticate, type Caller, verifyCaller } from '../auth/authenticate.js';
import { toAppError } from '../error-mapping.js';
import { AppError, type Reason } from '../errors.js';
import type { Context } from './context.js';
import { baseProcedure } from './init.js';

/** The API's own errors (and database or Composio failures) as TRPCErrors with the right code. */
function asTrpcError(cause: unknown): TRPCError | undefined {
  const error = toAppError(cause);
  if (!(error instanceof AppError)) return undefined;
  return new TRPCError({ code: error.code, message: error.message, cause: error });
}

/**
 * A procedure that first works out `prepare`'s additions to the context (who is calling), all
 * in one middleware: each tRPC middleware copies the call's options and context again, which
 * was a tenth of a cheap procedure's CPU. The call is tracked for a shutdown that waits for it,
 * and errors are mapped in one place; in tRPC v11 `next()` never throws, so its result is
 * inspected rather than caught.
 */
function procedureWith<Added extends object>(prepare: (ctx: Context) => Promise<Added>) {
  return baseProcedure.use(({ ctx, next }) =>
    ctx.deps.inFlight.track(async () => {
      let added: Added;
      try {
        added = await prepare(ctx);
      } catch (error) {
        throw asTrpcError(error) ?? error;
      }
      const result = await next({ ctx: added });
      if (result.ok) return result;
      const mapped = asTrpcError(result.error.cause);
      if (mapped) throw mapped;
      return result;
    }),
  );
}

export const publicProcedure = procedureWith(async () => ({}));

export const authedProcedure = procedureWith(async (ctx) => {
  const principal = await authenticate(ctx);
  return { principal, userId: principal.userId, memberships: principal.memberships };
});

/**
 * The token is checked, the caller not yet read: for procedures that read the caller together
 * with their own data in one round trip (`loadCallerWithAccounts`) once their input is known.
 */
export const tokenProcedure = procedureWith(async (ctx) => ({ userId: await verifyCaller(ctx) }));

export type AuthedContext = Context & { principal: Caller; userId: Principal['userId'] };

/** A denial as the client sees it: scopes the caller may not see are NOT_FOUND, never FORBIDDEN. */
const DENIALS: Record<DenyReason, Reason> = {
  SCOPE_NOT_FOUND: 'NOT_FOUND',
  ROLE_REQUIRED: 'ROLE_REQUIRED',
  TOOL_NOT_ALLOWED: 'TOOL_NOT_ALLOWED',
  WRONG_SCOPE: 'WRONG_SCOPE',
  NOT_APPLICABLE: 'NOT_APPLICABLE',
};

export function denial(decision: Extract<Decision, { allowed: false }>): AppError {
  if (isNotFoundReason(decision.reason)) return new AppError('NOT_FOUND', decision.message);
  const details: Record<string, unknown> = {};
  if (decision.requiredRoles) details.requiredRoles = decision.requiredRoles;
  if (decision.expectedScope) details.expectedScope = decision.expectedScope;
  return new AppError(DENIALS[decision.reason], decision.message, { details });
}

/** Authorizes one action on one target with identity's `decide`; throws the denial. */
export function authorize(principal: Principal, action: Action, target: Target): Scope {
  const decision = decide(principal, action, target);
  if (!decision.allowed) throw denial(decision);
  return target.scope;
}
