import {
  type OrgId,
  orgScope,
  type Principal,
  routeToolkit,
  type Scope,
  type ToolkitPolicy,
} from '@switchboard/identity';
import { AppError } from '../errors.js';
import { orgRoutedToolkitsOf, policyFor } from '../repos/policies.repo.js';
import type { AppDeps } from '../trpc/context.js';
import { authorize } from '../trpc/procedures.js';

export interface Routed {
  scope: Scope;
  /** The acting organization's policy for the toolkit, when the caller acts in one. */
  policy: ToolkitPolicy | null;
}

/**
 * Where a toolkit lives for this caller (rule 4). Naming an organization the caller is not in is
 * NOT_FOUND before anything about it is read.
 */
export async function routeForCaller(
  deps: AppDeps,
  principal: Principal,
  toolkit: string,
  orgId: OrgId | undefined,
): Promise<Routed> {
  if (orgId === undefined)
    return { scope: routeToolkit(null, toolkit, principal.userId), policy: null };
  authorize(principal, 'org.read', { scope: orgScope(orgId) });
  const policy = await policyFor(deps.db, orgId, toolkit);
  return { scope: routeToolkit(policy, toolkit, principal.userId, orgId), policy };
}

/**
 * In personal scope, a toolkit one of the caller's organizations connects at the org level is
 * asked for in the wrong scope: say where it is connected instead of "nothing connected".
 */
export async function wrongScopeFor(
  deps: AppDeps,
  principal: Principal,
  toolkit: string,
): Promise<AppError | undefined> {
  const routed = await orgRoutedToolkitsOf(deps.db, principal.userId, [toolkit]);
  const first = routed[0];
  if (!first) return undefined;
  const orgIds = routed.map((row) => row.org_id);
  return new AppError(
    'WRONG_SCOPE',
    `${toolkit} is connected at the organization level (${orgIds.join(', ')}); act in that organization by passing orgId`,
    { details: { toolkit, scope: { kind: 'org', id: first.org_id }, orgIds } },
  );
}
