import { type Decision, decide, type Principal, roleIn } from './decide.js';
import type { OrgId, UserId } from './ids.js';
import { DEFAULT_ORG_POLICY, type ToolkitPolicy } from './policies.js';
import { closeUpward, type Role } from './roles.js';
import { orgScope, type Scope } from './scopes.js';

/**
 * Is `tool` one of the policy's `approvalTools`? Slugs compare case-insensitively, as the tool
 * lists do, so `slack_delete_channel` cannot slip past `SLACK_DELETE_CHANNEL`.
 */
export function isApprovalTool(policy: ToolkitPolicy | null | undefined, tool: string): boolean {
  if (policy == null) return false;
  const slug = tool.toUpperCase();
  return policy.approvalTools.some((held) => held.toUpperCase() === slug);
}

/** May `role` approve held calls under this policy? `approveRoles` counts upwards (default admin+). */
export function mayApprove(policy: ToolkitPolicy | null | undefined, role: Role): boolean {
  return closeUpward((policy ?? DEFAULT_ORG_POLICY).approveRoles).includes(role);
}

/**
 * Must this call wait for an approver's yes? Only a call on an organization's accounts, of a tool
 * on the toolkit policy's `approvalTools`, by a caller whose role is not in `approveRoles`. What
 * a person runs with their own accounts is theirs: personal scopes never wait. Call it after
 * `decide` allowed the execution; a non-member never gets here.
 */
export function needsApproval(
  principal: Principal,
  target: { scope: Scope; tool: string; policy: ToolkitPolicy | null | undefined },
): boolean {
  if (target.scope.kind !== 'org' || !isApprovalTool(target.policy, target.tool)) return false;
  const role = roleIn(principal, target.scope.orgId);
  return role === null || !mayApprove(target.policy, role);
}

/** A held call, as deciding on it needs to know it. */
export interface HeldCall {
  orgId: OrgId;
  requestedBy: UserId;
  /** The toolkit's policy now (`null` if it was removed since: the default approvers decide). */
  policy: ToolkitPolicy | null | undefined;
}

/**
 * May this principal approve or deny a held call? `decide('approvals.decide')` on the
 * organization with the toolkit's policy (non-members `SCOPE_NOT_FOUND`, too low a role
 * `ROLE_REQUIRED`), then four eyes: whoever asked never decides their own call, whatever their
 * role (`SELF_APPROVAL`).
 */
export function decideApproval(principal: Principal, held: HeldCall): Decision {
  const decision = decide(principal, 'approvals.decide', {
    scope: orgScope(held.orgId),
    policy: held.policy ?? null,
  });
  if (!decision.allowed) return decision;
  if (principal.userId === held.requestedBy) {
    return {
      allowed: false,
      reason: 'SELF_APPROVAL',
      message: 'SELF_APPROVAL: another approver must decide on a call you asked for.',
    };
  }
  return decision;
}
