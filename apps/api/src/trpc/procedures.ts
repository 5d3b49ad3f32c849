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
import { baseProcedure, middleware } from './init.js';

/**
 * Turns the API's own errors into TRPCErrors with the right code, in one place. In tRPC v11
 * `next()` never throws, so the result is inspected rather than caught.
 */
const mapErrors = middleware(async ({ ctx, next }) => {
  const result = await ctx.deps.inFlight.track(() => next());
  if (result.ok) return result;
  const cause = toAppError(result.error.cause);
  if (cause instanceof AppError) {
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = baseProcedure.use(mapErrors);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const principal = await authenticate(ctx);
  return next({ ctx: { principal, userId: principal.userId, memberships: principal.memberships } });
});

/**
 * The token is checked, the caller not yet read: for procedures that read the caller together
 * with their own data in one round trip (`loadCallerWithAccounts`) once their input is known.
 */
export const tokenProcedure = publicProcedure.use(async ({ ctx, next }) =>
  next({ ctx: { userId: await verifyCaller(ctx) } }),
);

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
