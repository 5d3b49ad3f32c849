import {
  type OrgId,
  orgScope,
  type Principal,
  routeToolkit,
  type Scope,
  type ToolkitPolicy,
} from '@switchboard/identity';
import { AppError } from '../errors.js';
import { orgRoutedToolkitsOf, policiesOf, policyFor } from '../repos/policies.repo.js';
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

/** `routeForCaller` for several toolkits at once, with one read of the organization's policies. */
export async function routesForCaller(
  deps: AppDeps,
  principal: Principal,
  toolkits: readonly string[],
  orgId: OrgId | undefined,
): Promise<Map<string, Routed>> {
  const routes = new Map<string, Routed>();
  if (orgId === undefined) {
    for (const toolkit of toolkits) {
      routes.set(toolkit, { scope: routeToolkit(null, toolkit, principal.userId), policy: null });
    }
    return routes;
  }
  authorize(principal, 'org.read', { scope: orgScope(orgId) });
  const policies = new Map(
    (await policiesOf(deps.db, orgId)).map((policy) => [policy.toolkit, policy]),
  );
  for (const toolkit of toolkits) {
    const policy = policies.get(toolkit) ?? null;
    routes.set(toolkit, { scope: routeToolkit(policy, toolkit, principal.userId, orgId), policy });
  }
  return routes;
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
