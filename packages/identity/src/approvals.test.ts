import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyArb, roleArb, toolArb } from '../test/arbitraries.js';
import { decideApproval, isApprovalTool, mayApprove, needsApproval } from './approvals.js';
import { principalFrom } from './decide.js';
import { parseOrgId, parseUserId } from './ids.js';
import { defaultPolicy, type ToolkitPolicy } from './policies.js';
import { closeUpward, ROLES, type Role } from './roles.js';
import { orgScope, userScope } from './scopes.js';

const acme = parseOrgId('acme');
const alice = parseUserId('alice');
const bob = parseUserId('bob');
const held = (overrides: Partial<ToolkitPolicy> = {}): ToolkitPolicy => ({
  ...defaultPolicy('org'),
  approvalTools: ['SLACK_DELETE_CHANNEL'],
  ...overrides,
});
const as = (userId: typeof alice, role: Role) => principalFrom(userId, [{ orgId: acme, role }]);

describe('isApprovalTool', () => {
  it.each<[string, ToolkitPolicy | null, string, boolean]>([
    ['no policy', null, 'SLACK_DELETE_CHANNEL', false],
    ['default policy holds nothing', defaultPolicy('org'), 'SLACK_DELETE_CHANNEL', false],
    ['listed', held(), 'SLACK_DELETE_CHANNEL', true],
    ['listed, any case', held(), 'slack_delete_channel', true],
    ['another tool', held(), 'SLACK_SEND_MESSAGE', false],
  ])('%s', (_name, policy, tool, expected) => {
    expect(isApprovalTool(policy, tool)).toBe(expected);
  });
});

describe('mayApprove', () => {
  it('defaults to admin and up', () => {
    expect(ROLES.filter((role) => mayApprove(defaultPolicy('org'), role))).toStrictEqual([
      'owner',
      'admin',
    ]);
    expect(ROLES.filter((role) => mayApprove(null, role))).toStrictEqual(['owner', 'admin']);
  });

  it('counts a policy’s list upwards, whatever order it was typed in', () => {
    fc.assert(
      fc.property(policyArb, roleArb, (policy, role) => {
        expect(mayApprove(policy, role)).toBe(closeUpward(policy.approveRoles).includes(role));
      }),
    );
  });
});

describe('needsApproval', () => {
  const target = (policy: ToolkitPolicy | null, tool = 'SLACK_DELETE_CHANNEL') => ({
    scope: orgScope(acme),
    tool,
    policy,
  });

  it.each<[Role, boolean]>([
    ['viewer', true],
    ['member', true],
    ['admin', false],
    ['owner', false],
  ])('a held tool run by a %s on the organization’s account → %s', (role, expected) => {
    expect(needsApproval(as(bob, role), target(held()))).toBe(expected);
  });

  it('follows approveRoles: with members among the approvers, they run it themselves', () => {
    expect(needsApproval(as(bob, 'member'), target(held({ approveRoles: ['member'] })))).toBe(
      false,
    );
    expect(needsApproval(as(bob, 'admin'), target(held({ approveRoles: ['owner'] })))).toBe(true);
  });

  it('never holds a tool off the list, nor anything in a personal scope', () => {
    expect(needsApproval(as(bob, 'member'), target(held(), 'SLACK_SEND_MESSAGE'))).toBe(false);
    expect(needsApproval(as(bob, 'member'), target(null))).toBe(false);
    expect(
      needsApproval(as(bob, 'member'), {
        scope: userScope(bob),
        tool: 'SLACK_DELETE_CHANNEL',
        policy: held(),
      }),
    ).toBe(false);
  });

  it('holds exactly the listed tools for exactly the roles that may not approve', () => {
    fc.assert(
      fc.property(policyArb, roleArb, toolArb, (policy, role, tool) => {
        const expected = isApprovalTool(policy, tool) && !mayApprove(policy, role);
        expect(needsApproval(as(bob, role), target(policy, tool))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('decideApproval', () => {
  const call = { orgId: acme, requestedBy: bob, policy: held() };

  it('lets an approver decide on another member’s call', () => {
    expect(decideApproval(as(alice, 'admin'), call)).toStrictEqual({ allowed: true });
    expect(decideApproval(as(alice, 'owner'), call)).toStrictEqual({ allowed: true });
  });

  it('refuses a role that may not approve', () => {
    expect(decideApproval(as(alice, 'member'), call)).toMatchObject({
      allowed: false,
      reason: 'ROLE_REQUIRED',
      requiredRoles: ['owner', 'admin'],
    });
  });

  it('refuses the requester, even as an owner (four eyes)', () => {
    expect(decideApproval(as(bob, 'owner'), call)).toStrictEqual({
      allowed: false,
      reason: 'SELF_APPROVAL',
      message: 'SELF_APPROVAL: another approver must decide on a call you asked for.',
    });
  });

  it('does not know the organization to a non-member', () => {
    expect(decideApproval(principalFrom(alice, []), call)).toMatchObject({
      allowed: false,
      reason: 'SCOPE_NOT_FOUND',
    });
  });

  it('falls back to the default approvers when the policy is gone', () => {
    expect(decideApproval(as(alice, 'admin'), { ...call, policy: null }).allowed).toBe(true);
    expect(decideApproval(as(alice, 'member'), { ...call, policy: null }).allowed).toBe(false);
  });

  it('never lets anyone approve their own call', () => {
    fc.assert(
      fc.property(policyArb, roleArb, (policy, role) => {
        expect(decideApproval(as(bob, role), { ...call, policy }).allowed).toBe(false);
      }),
    );
  });
});
