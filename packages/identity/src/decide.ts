import type { OrgId, UserId } from './ids.js';
import { DEFAULT_ORG_POLICY, isToolAllowed, type ToolkitPolicy } from './policies.js';
import { ACTIONS, type Action, closeUpward, type Role, roleRank, rolesAtLeast } from './roles.js';
import type { Scope, ScopeKind } from './scopes.js';

/** A caller's role in one organization. */
export interface Membership {
  orgId: OrgId;
  role: Role;
}

/** Who is asking: the verified user id and every org membership, read fresh for the request. */
export interface Principal {
  userId: UserId;
  memberships: readonly Membership[];
}

/**
 * What the action is on. `scope` is the scope whose accounts are used. For connecting and
 * executing, name the `toolkit` (and the `tool` to execute) and pass the org's `policy` for that
 * toolkit — `null` when the org has none (the toolkit is then personal) — or nothing at all
 * for a coarse "may this caller execute in this scope at all?" check.
 */
export interface Target {
  scope: Scope;
  toolkit?: string;
  tool?: string;
  policy?: ToolkitPolicy | null;
}

export const DENY_REASONS = [
  'SCOPE_NOT_FOUND',
  'ROLE_REQUIRED',
  'TOOL_NOT_ALLOWED',
  'WRONG_SCOPE',
  'NOT_APPLICABLE',
  'SELF_APPROVAL',
] as const;

/**
 * Why `decide` said no.
 * - `SCOPE_NOT_FOUND`: another user's personal scope, or an org the caller is not a member of.
 *   Report it as NOT_FOUND so existence is not leaked ({@link isNotFoundReason}).
 * - `ROLE_REQUIRED`: a member whose role is too low; `requiredRoles` lists the roles that may.
 * - `TOOL_NOT_ALLOWED`: the org's policy denies the tool or leaves it off its allow list.
 * - `WRONG_SCOPE`: the toolkit lives in the other kind of scope; `expectedScope` says which.
 * - `NOT_APPLICABLE`: the action has no meaning in this scope (managing members of a person).
 * - `SELF_APPROVAL`: the caller asked for the call they would approve (four eyes; see
 *   `decideApproval`). `decide` itself never answers it.
 */
export type DenyReason = (typeof DENY_REASONS)[number];

export type Decision =
  | { allowed: true }
  | {
      allowed: false;
      reason: DenyReason;
      message: string;
      requiredRoles?: readonly Role[];
      expectedScope?: ScopeKind;
    };

/** True for the reasons a caller must see as NOT_FOUND (never FORBIDDEN). */
export function isNotFoundReason(reason: DenyReason): boolean {
  return reason === 'SCOPE_NOT_FOUND';
}

/** Builds a principal, copying the memberships so later changes to the input do not leak in. */
export function principalFrom(userId: UserId, memberships: readonly Membership[]): Principal {
  return { userId, memberships: memberships.map(({ orgId, role }) => ({ orgId, role })) };
}

/**
 * The caller's role in an org, or `null` when not a member. Should the memberships list an org
 * twice, the lower role counts.
 */
export function roleIn(principal: Principal, orgId: OrgId): Role | null {
  let found: Role | null = null;
  for (const membership of principal.memberships) {
    if (membership.orgId !== orgId) continue;
    if (found === null || roleRank(membership.role) < roleRank(found)) {
      found = membership.role;
    }
  }
  return found;
}

/**
 * The roles that may perform an action in an org scope, highest first (docs/design.md rule 3):
 * reading is viewer+, connecting follows `policy.connectRoles` (default admin+), managing
 * accounts is admin+, executing follows `policy.executeRoles` (default member+), approving a
 * held call follows `policy.approveRoles` (default admin+), managing
 * members, policies and webhooks and reading the audit log are admin+. Policy role lists count upwards:
 * a listed role admits every higher role.
 */
export function orgRolesFor(action: Action, policy?: ToolkitPolicy | null): readonly Role[] {
  switch (action) {
    case 'connections.read':
    case 'tools.read':
    case 'org.read':
      return rolesAtLeast('viewer');
    case 'connections.connect':
      return closeUpward((policy ?? DEFAULT_ORG_POLICY).connectRoles);
    case 'tools.execute':
      return closeUpward((policy ?? DEFAULT_ORG_POLICY).executeRoles);
    case 'approvals.decide':
      return closeUpward((policy ?? DEFAULT_ORG_POLICY).approveRoles);
    case 'connections.manage':
    case 'members.manage':
    case 'policies.manage':
    case 'audit.read':
    case 'webhooks.manage':
      return rolesAtLeast('admin');
    default:
      return [];
  }
}

// Actions that only make sense on an organization.
const ORG_ONLY: ReadonlySet<Action> = new Set<Action>([
  'org.read',
  'members.manage',
  'policies.manage',
  'approvals.decide',
]);
// Actions that use a toolkit's accounts in the scope the toolkit is routed to (rule 4).
const ROUTED: ReadonlySet<Action> = new Set<Action>(['connections.connect', 'tools.execute']);
const KNOWN_ACTIONS: ReadonlySet<string> = new Set<string>(ACTIONS);

const allow = (): Decision => ({ allowed: true });

function deny(reason: DenyReason, message: string): Decision {
  return { allowed: false, reason, message };
}

const notFound = (): Decision =>
  deny('SCOPE_NOT_FOUND', 'SCOPE_NOT_FOUND: no such scope for this caller.');

/**
 * The one authorization decision (docs/design.md rules 2–4). Pure and deny by default: anything not
 * explicitly allowed below is denied with a reason.
 *
 * Personal scope: only its owner; any other caller gets `SCOPE_NOT_FOUND`. The owner may do every
 * action except `org.read`, `members.manage`, `policies.manage` and `approvals.decide`
 * (`NOT_APPLICABLE`);
 * `audit.read` there means "my own executions".
 *
 * Org scope: a non-member gets `SCOPE_NOT_FOUND`; a member needs a role from
 * {@link orgRolesFor}, else `ROLE_REQUIRED` with `requiredRoles`.
 *
 * Routing (rule 4) is checked here, for `connections.connect` and `tools.execute` whenever the
 * target names a toolkit, a tool or a policy: the toolkit lives in the scope its policy says,
 * and a toolkit without a policy is personal. Using it in the other kind of scope is
 * `WRONG_SCOPE` (checked after membership, so it never reveals a foreign scope). Use
 * `routeToolkit` to pick the right scope in the first place.
 *
 * Tool lists: for `tools.execute` with a `tool`, the policy's deny and allow lists apply in
 * either scope — an org's policy for a personal (`user`) toolkit still governs what its members
 * run in its context — else `TOOL_NOT_ALLOWED`. Policy role lists apply only to the org scope:
 * what a person connects in their own scope is theirs.
 *
 * Checks run in this order: scope found → applicable → routing → role → tool.
 */
export function decide(principal: Principal, action: Action, target: Target): Decision {
  if (!KNOWN_ACTIONS.has(action)) return deny('NOT_APPLICABLE', `Unknown action '${action}'.`);
  const { scope } = target;
  switch (scope.kind) {
    case 'user': {
      if (scope.userId !== principal.userId) return notFound();
      if (ORG_ONLY.has(action)) {
        return deny('NOT_APPLICABLE', `NOT_APPLICABLE: ${action} applies to an organization only.`);
      }
      return checkRouting(action, target, 'user') ?? checkTool(action, target) ?? allow();
    }
    case 'org': {
      const role = roleIn(principal, scope.orgId);
      if (role === null) return notFound();
      const routing = checkRouting(action, target, 'org');
      if (routing !== null) return routing;
      const requiredRoles = orgRolesFor(action, target.policy);
      if (!requiredRoles.includes(role)) {
        const needed = requiredRoles.length === 0 ? 'no role' : requiredRoles.join(', ');
        return {
          allowed: false,
          reason: 'ROLE_REQUIRED',
          message: `ROLE_REQUIRED: ${action} in org '${scope.orgId}' needs one of: ${needed}; you are ${role}.`,
          requiredRoles,
        };
      }
      return checkTool(action, target) ?? allow();
    }
    default:
      return deny('NOT_APPLICABLE', 'NOT_APPLICABLE: unknown scope kind.');
  }
}

function checkRouting(action: Action, target: Target, kind: ScopeKind): Decision | null {
  if (!ROUTED.has(action)) return null;
  const named = target.toolkit !== undefined || target.tool !== undefined || target.policy != null;
  if (!named) return null;
  const home: ScopeKind = target.policy?.scope ?? 'user';
  if (home === kind) return null;
  const toolkit = target.toolkit === undefined ? 'This toolkit' : `'${target.toolkit}'`;
  const where =
    home === 'org'
      ? 'is connected at the organization level: use the org scope'
      : 'is connected per person: use your personal scope';
  return {
    allowed: false,
    reason: 'WRONG_SCOPE',
    message: `WRONG_SCOPE: ${toolkit} ${where}.`,
    expectedScope: home,
  };
}

function checkTool(action: Action, target: Target): Decision | null {
  if (action !== 'tools.execute' || target.tool === undefined) return null;
  if (isToolAllowed(target.policy, target.tool)) return null;
  return deny(
    'TOOL_NOT_ALLOWED',
    `TOOL_NOT_ALLOWED: the organization's policy does not allow '${target.tool}'.`,
  );
}

/** Every action `decide` allows this principal on this target, in {@link ACTIONS} order. */
export function allowedActions(principal: Principal, target: Target): Action[] {
  return ACTIONS.filter((action) => decide(principal, action, target).allowed);
}
