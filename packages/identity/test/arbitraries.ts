import fc from 'fast-check';
import type { Membership, Principal, Target } from '../src/decide.js';
import { isOrgId, isUserId, type OrgId, parseOrgId, parseUserId, type UserId } from '../src/ids.js';
import type { ToolkitPolicy } from '../src/policies.js';
import { ACTIONS, ROLES } from '../src/roles.js';
import { orgScope, type Scope, userScope } from '../src/scopes.js';

// A few fixed ids make collisions (the same user on both sides) frequent; the generated ones
// cover the whole alphabet and length range.
export const userIdArb: fc.Arbitrary<UserId> = fc
  .oneof(
    fc.constantFrom('alice', 'bob', 'carol', 'u1', 'U1', 'acme', 'org-1', 'orgx', 'a.b:c-d_e'),
    fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/),
  )
  .filter(isUserId)
  .map(parseUserId);

export const orgIdArb: fc.Arbitrary<OrgId> = fc
  .oneof(
    fc.constantFrom('acme', 'globex', 'Acme', 'alice', 'a', 'org_1', 'x-y_z'),
    fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/),
  )
  .filter(isOrgId)
  .map(parseOrgId);

export const roleArb = fc.constantFrom(...ROLES);
export const actionArb = fc.constantFrom(...ACTIONS);

export const scopeArb: fc.Arbitrary<Scope> = fc.oneof(
  userIdArb.map(userScope),
  orgIdArb.map(orgScope),
);

export const membershipsArb: fc.Arbitrary<Membership[]> = fc.uniqueArray(
  fc.record({ orgId: orgIdArb, role: roleArb }),
  { selector: (membership) => membership.orgId, maxLength: 5 },
);

export const principalArb: fc.Arbitrary<Principal> = fc.record({
  userId: userIdArb,
  memberships: membershipsArb,
});

export const toolArb = fc.oneof(
  fc.constantFrom('GITHUB_GET_REPO', 'GITHUB_DELETE_REPO', 'SLACK_SEND_MESSAGE', 'GMAIL_SEND'),
  fc.stringMatching(/^[A-Z0-9_]{1,24}$/),
);

export const toolkitArb = fc.constantFrom('github', 'gmail', 'slack', 'notion');

// Role lists as an admin might type them: any subset, any order, not closed upwards.
const roleListArb = fc.shuffledSubarray([...ROLES]);

export const policyArb: fc.Arbitrary<ToolkitPolicy> = fc.record({
  scope: fc.constantFrom('org' as const, 'user' as const),
  connectRoles: roleListArb,
  executeRoles: roleListArb,
  allowTools: fc.option(fc.array(toolArb, { maxLength: 4 }), { nil: null }),
  denyTools: fc.array(toolArb, { maxLength: 4 }),
  requireExplicitSelection: fc.boolean(),
  authConfigId: fc.option(fc.constantFrom('ac_1', 'ac_2'), { nil: null }),
  approvalTools: fc.array(toolArb, { maxLength: 4 }),
  approveRoles: roleListArb,
});

/** Everything but the scope of a target: any mix of toolkit, tool and policy, or none. */
export const targetRestArb: fc.Arbitrary<Omit<Target, 'scope'>> = fc.record(
  {
    toolkit: toolkitArb,
    tool: toolArb,
    policy: fc.option(policyArb, { nil: null }),
  },
  { requiredKeys: [] },
);
