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
import { AppError, type Reason } from '../errors.js';

/** A denial as the client sees it: scopes the caller may not see are NOT_FOUND, never FORBIDDEN. */
const DENIALS: Record<DenyReason, Reason> = {
  SCOPE_NOT_FOUND: 'NOT_FOUND',
  ROLE_REQUIRED: 'ROLE_REQUIRED',
  TOOL_NOT_ALLOWED: 'TOOL_NOT_ALLOWED',
  WRONG_SCOPE: 'WRONG_SCOPE',
  NOT_APPLICABLE: 'NOT_APPLICABLE',
  SELF_APPROVAL: 'SELF_APPROVAL',
};

export function denial(decision: Extract<Decision, { allowed: false }>): AppError {
  if (isNotFoundReason(decision.reason)) return new AppError('NOT_FOUND', decision.message);
  const details: Record<string, unknown> = {};
  if (decision.requiredRoles) details.requiredRoles = decision.requiredRoles;
  if (decision.expectedScope) details.expectedScope = decision.expectedScope;
  return new AppError(DENIALS[decision.reason], decision.message, { details });
}

/**
 * Authorizes one action on one target with identity's `decide` (rules 2–4) and throws the denial.
 * Called by the transports' request builders (tRPC's procedure builders, the MCP endpoint) and
 * by the execution path, never by services: they receive what was authorized.
 */
export function authorize(principal: Principal, action: Action, target: Target): Scope {
  const decision = decide(principal, action, target);
  if (!decision.allowed) throw denial(decision);
  return target.scope;
}
