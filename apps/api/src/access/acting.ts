import {
  type OrgId,
  orgScope,
  routeToolkit,
  type Scope,
  type ToolkitPolicy,
  userScope,
} from '@switchboard/identity';
import type { Caller } from '../auth/authenticate.js';
import { AppError } from '../errors.js';
import type { AccountsWanted, OrgMembership } from '../modules/callers/callers.repo.js';
import { authorize } from './authorize.js';

/**
 * Where a request acts: the caller's own scope, or an organization the caller is a member of.
 * Made only by {@link actingAs}, so holding one means the organization was checked.
 */
export interface Acting {
  caller: Caller;
  scope: Scope;
  /** The caller's membership of the organization acted in (role, toolkit policies), if any. */
  org: OrgMembership | null;
}

/**
 * The caller is not a member of the organization a request acts in: NOT_FOUND like any other
 * (rule 2), told apart so a transport can refuse the whole request (the MCP endpoint's 404).
 */
export class NotAMemberError extends AppError {
  override name = 'NotAMemberError';
}

/** The context a request names; an organization the caller is not in is NOT_FOUND (rule 2). */
export function actingAs(caller: Caller, orgId: OrgId | undefined): Acting {
  if (orgId === undefined) return { caller, scope: userScope(caller.userId), org: null };
  let scope: Scope;
  try {
    scope = authorize(caller, 'org.read', { scope: orgScope(orgId) });
  } catch (error) {
    if (error instanceof AppError) {
      throw new NotAMemberError(error.reason, error.message, { cause: error.cause });
    }
    throw error;
  }
  const org = caller.memberships.find((m) => m.orgId === orgId);
  if (!org) throw new NotAMemberError('NOT_FOUND', 'Organization was not found');
  return { caller, scope, org };
}

export interface Routed {
  scope: Scope;
  /** The acting organization's policy for the toolkit, when the caller acts in one. */
  policy: ToolkitPolicy | null;
}

/** Where a toolkit's accounts live in this context (rule 4): its organization's policy says. */
export function routeIn(acting: Acting, toolkit: string): Routed {
  const { caller, org } = acting;
  if (!org) return { scope: routeToolkit(null, toolkit, caller.userId), policy: null };
  const policy = org.policies.find((p) => p.toolkit === toolkit) ?? null;
  return { scope: routeToolkit(policy, toolkit, caller.userId, org.orgId), policy };
}

/**
 * In personal scope, a toolkit one of the caller's organizations connects at the org level is
 * asked for in the wrong scope: say where it is connected instead of "nothing connected".
 */
export function wrongScopeFor(caller: Caller, toolkit: string): AppError | undefined {
  const orgIds = caller.memberships
    .filter((m) => m.policies.some((p) => p.toolkit === toolkit && p.scope === 'org'))
    .map((m) => m.orgId);
  const first = orgIds[0];
  if (!first) return undefined;
  return new AppError(
    'WRONG_SCOPE',
    `${toolkit} is connected at the organization level (${orgIds.join(', ')}); act in that organization by passing orgId`,
    { details: { toolkit, scope: { kind: 'org', id: first }, orgIds } },
  );
}

/** The scopes a listing covers, and which of the caller's accounts to read for them. */
export interface ScopesRead {
  scopes: Scope[];
  wanted: AccountsWanted;
}
