import {
  type OrgId,
  orgScope,
  routeToolkit,
  type Scope,
  type ToolkitPolicy,
} from '@switchboard/identity';
import type { Caller } from '../auth/authenticate.js';
import { AppError } from '../errors.js';
import { authorize } from '../trpc/procedures.js';

export interface Routed {
  scope: Scope;
  /** The acting organization's policy for the toolkit, when the caller acts in one. */
  policy: ToolkitPolicy | null;
}

/** The organization's policy for a toolkit, from what authentication read with the membership. */
function policyOf(caller: Caller, orgId: OrgId, toolkit: string): ToolkitPolicy | null {
  const membership = caller.memberships.find((m) => m.orgId === orgId);
  return membership?.policies.find((policy) => policy.toolkit === toolkit) ?? null;
}

/**
 * Where a toolkit lives for this caller (rule 4). Naming an organization the caller is not in is
 * NOT_FOUND before anything about it is used.
 */
export function routeForCaller(caller: Caller, toolkit: string, orgId: OrgId | undefined): Routed {
  if (orgId === undefined)
    return { scope: routeToolkit(null, toolkit, caller.userId), policy: null };
  authorize(caller, 'org.read', { scope: orgScope(orgId) });
  const policy = policyOf(caller, orgId, toolkit);
  return { scope: routeToolkit(policy, toolkit, caller.userId, orgId), policy };
}

/** `routeForCaller` for several toolkits at once. */
export function routesForCaller(
  caller: Caller,
  toolkits: readonly string[],
  orgId: OrgId | undefined,
): Map<string, Routed> {
  const routes = new Map<string, Routed>();
  for (const toolkit of toolkits) routes.set(toolkit, routeForCaller(caller, toolkit, orgId));
  return routes;
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
