import { z } from 'zod';
import type { OrgId, UserId } from './ids.js';
import { closeUpward, type Role, roleSchema } from './roles.js';
import { orgScope, type Scope, userScope } from './scopes.js';

/** A toolkit slug as Composio spells it: lower case, e.g. `github`, `google_calendar`. */
export const toolkitSlugSchema = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, 'a toolkit slug is 1–64 of a-z 0-9 _ -');

/** A tool slug as Composio spells it: upper case, e.g. `GITHUB_GET_REPO`. */
export const toolSlugSchema = z
  .string()
  .regex(/^[A-Z0-9_]{1,128}$/, 'a tool slug is 1–128 of A-Z 0-9 _');

const DEFAULT_CONNECT_ROLES: readonly Role[] = ['owner', 'admin'];
const DEFAULT_EXECUTE_ROLES: readonly Role[] = ['owner', 'admin', 'member'];
const DEFAULT_APPROVE_ROLES: readonly Role[] = ['owner', 'admin'];

const roleListSchema = (fallback: readonly Role[]) =>
  z
    .array(roleSchema)
    .transform((roles) => closeUpward(roles))
    .default(() => [...fallback]);

const toolListSchema = z.array(toolSlugSchema).transform((tools) => [...new Set(tools)]);

/**
 * One organization's policy for one toolkit (docs/design.md rule 4). Only `scope` is required; the
 * rest default to the role table's "default policy". Role lists are stored closed upwards (see
 * {@link closeUpward}); tool lists are deduplicated. Unknown keys are stripped.
 *
 * - `scope`: `org` — the org connects one shared account set; `user` — each member uses their own.
 * - `connectRoles` / `executeRoles`: who may connect / execute in the org scope.
 * - `allowTools`: `null` = every tool; a list = exactly those tools.
 * - `denyTools`: never these tools, whatever `allowTools` says. Applies in both scopes.
 * - `requireExplicitSelection`: several ACTIVE accounts and no choice → `AMBIGUOUS_ACCOUNT`.
 * - `authConfigId`: the Composio auth config to connect with (`null` = Composio's default).
 * - `approvalTools`: tools that, run with the organization's accounts by a caller whose role is
 *   not in `approveRoles`, wait for an approver's yes (see `approvals.ts`).
 * - `approveRoles`: who may approve those calls, and run them without asking (default admin+).
 */
export const toolkitPolicySchema = z.object({
  scope: z.enum(['org', 'user']),
  connectRoles: roleListSchema(DEFAULT_CONNECT_ROLES),
  executeRoles: roleListSchema(DEFAULT_EXECUTE_ROLES),
  allowTools: toolListSchema.nullable().default(null),
  denyTools: toolListSchema.default(() => []),
  requireExplicitSelection: z.boolean().default(false),
  authConfigId: z.string().min(1).max(128).nullable().default(null),
  approvalTools: toolListSchema.default(() => []),
  approveRoles: roleListSchema(DEFAULT_APPROVE_ROLES),
});

export type ToolkitPolicy = z.output<typeof toolkitPolicySchema>;
/** What a caller may send: only `scope` is required. */
export type ToolkitPolicyInput = z.input<typeof toolkitPolicySchema>;

/** A complete policy with the defaults filled in, for the given scope (`org` unless told). */
export function defaultPolicy(scope: ToolkitPolicy['scope'] = 'org'): ToolkitPolicy {
  return toolkitPolicySchema.parse({ scope });
}

/** The role table's default org policy, frozen. Use {@link defaultPolicy} for a mutable copy. */
export const DEFAULT_ORG_POLICY: Readonly<ToolkitPolicy> = deepFreeze(defaultPolicy('org'));

function deepFreeze(policy: ToolkitPolicy): Readonly<ToolkitPolicy> {
  Object.freeze(policy.connectRoles);
  Object.freeze(policy.executeRoles);
  Object.freeze(policy.denyTools);
  Object.freeze(policy.approvalTools);
  Object.freeze(policy.approveRoles);
  return Object.freeze(policy);
}

/**
 * May this tool run under this policy? No policy → yes. A tool on `denyTools` → no, whatever
 * `allowTools` says. Otherwise, when `allowTools` is a list, only the tools on it. Slugs are
 * compared case-insensitively, so `github_delete_repo` cannot slip past `GITHUB_DELETE_REPO`.
 */
export function isToolAllowed(policy: ToolkitPolicy | null | undefined, tool: string): boolean {
  if (policy == null) return true;
  const slug = tool.toUpperCase();
  if (policy.denyTools.some((denied) => denied.toUpperCase() === slug)) return false;
  if (policy.allowTools === null) return true;
  return policy.allowTools.some((allowed) => allowed.toUpperCase() === slug);
}

/** An org's policies keyed by toolkit slug, as a {@link PolicyReader} returns them. */
export type PolicyMap = ReadonlyMap<string, ToolkitPolicy>;

function isPolicyMap(value: ToolkitPolicy | PolicyMap | null | undefined): value is PolicyMap {
  return value instanceof Map;
}

/** The policy for a toolkit from an org's policies, or `null` (the toolkit is personal). */
export function policyFor(policies: PolicyMap, toolkit: string): ToolkitPolicy | null {
  return policies.get(toolkit) ?? null;
}

/**
 * The scope a toolkit lives in for this caller (docs/design.md rule 4). With an `orgId` and a policy
 * whose `scope` is `org` → that org's scope; in every other case (no org, no policy — toolkits
 * without a policy are personal — or a `user` policy) → the caller's personal scope.
 *
 * `policy` is the toolkit's policy, `null`/`undefined` for none, or all of the org's policies
 * (then the toolkit's entry is looked up). Routing does not check membership: pass the routed
 * scope to `decide`, which answers `SCOPE_NOT_FOUND` for an org the caller is not in.
 */
export function routeToolkit(
  policy: ToolkitPolicy | PolicyMap | null | undefined,
  toolkit: string,
  caller: UserId,
  orgId?: OrgId,
): Scope {
  const own = isPolicyMap(policy) ? policyFor(policy, toolkit) : policy;
  if (orgId !== undefined && own?.scope === 'org') return orgScope(orgId);
  return userScope(caller);
}
