import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actionArb,
  membershipsArb,
  orgIdArb,
  policyArb,
  principalArb,
  roleArb,
  targetRestArb,
  toolArb,
  toolkitArb,
  userIdArb,
} from '../test/arbitraries.js';
import {
  allowedActions,
  DENY_REASONS,
  type Decision,
  decide,
  isNotFoundReason,
  type Membership,
  type Principal,
  principalFrom,
  roleIn,
  type Target,
} from './decide.js';
import { type OrgId, parseOrgId, parseUserId } from './ids.js';
import { DEFAULT_ORG_POLICY, defaultPolicy, type ToolkitPolicy } from './policies.js';
import { ACTIONS, type Action, ROLES, type Role, roleAtLeast } from './roles.js';
import { orgScope, type Scope, userScope } from './scopes.js';

const alice = parseUserId('alice');
const bob = parseUserId('bob');
const acme = parseOrgId('acme');
const globex = parseOrgId('globex');

const withRole = (role: Role): Principal => principalFrom(alice, [{ orgId: acme, role }]);
const orgPolicy = (overrides: Partial<ToolkitPolicy> = {}): ToolkitPolicy => ({
  ...defaultPolicy('org'),
  ...overrides,
});
const userPolicy = (overrides: Partial<ToolkitPolicy> = {}): ToolkitPolicy => ({
  ...defaultPolicy('user'),
  ...overrides,
});

/** A principal with exactly `role` in `orgId` and its other memberships unchanged. */
const setRole = (principal: Principal, orgId: OrgId, role: Role): Principal => ({
  userId: principal.userId,
  memberships: [...principal.memberships.filter((m) => m.orgId !== orgId), { orgId, role }],
});

const outcome = (decision: Decision): string => (decision.allowed ? 'ok' : decision.reason);

describe('decide: docs/design.md role table', () => {
  // The target for each row: connecting and executing name a toolkit (a personal toolkit with no
  // policy in the personal scope; an org toolkit under the default policy in the org scope).
  const personalTarget = (action: Action, scope: Scope): Target => {
    if (action === 'connections.connect') return { scope, toolkit: 'gmail', policy: null };
    if (action === 'tools.execute')
      return { scope, toolkit: 'gmail', tool: 'GMAIL_SEND', policy: null };
    return { scope };
  };
  const orgTarget = (action: Action): Target => {
    const scope = orgScope(acme);
    if (action === 'connections.connect')
      return { scope, toolkit: 'slack', policy: DEFAULT_ORG_POLICY };
    if (action === 'tools.execute') {
      return { scope, toolkit: 'slack', tool: 'SLACK_SEND_MESSAGE', policy: DEFAULT_ORG_POLICY };
    }
    return { scope };
  };

  const SNF = 'SCOPE_NOT_FOUND';
  const RR = 'ROLE_REQUIRED';
  const NA = 'NOT_APPLICABLE';
  // columns: own personal scope, another user's personal scope, an org the caller is not in,
  // then the caller's role in the org.
  const TABLE: [Action, string, string, string, string, string, string, string][] = [
    // action               self  other outsider viewer member admin owner
    ['connections.read', 'ok', SNF, SNF, 'ok', 'ok', 'ok', 'ok'],
    ['tools.read', 'ok', SNF, SNF, 'ok', 'ok', 'ok', 'ok'],
    ['connections.connect', 'ok', SNF, SNF, RR, RR, 'ok', 'ok'],
    ['connections.manage', 'ok', SNF, SNF, RR, RR, 'ok', 'ok'],
    ['tools.execute', 'ok', SNF, SNF, RR, 'ok', 'ok', 'ok'],
    ['members.manage', NA, SNF, SNF, RR, RR, 'ok', 'ok'],
    ['policies.manage', NA, SNF, SNF, RR, RR, 'ok', 'ok'],
    ['audit.read', 'ok', SNF, SNF, RR, RR, 'ok', 'ok'],
    ['webhooks.manage', 'ok', SNF, SNF, RR, RR, 'ok', 'ok'],
    ['org.read', NA, SNF, SNF, 'ok', 'ok', 'ok', 'ok'],
    ['approvals.decide', NA, SNF, SNF, RR, RR, 'ok', 'ok'],
  ];

  it('covers every action', () => {
    expect(TABLE.map(([action]) => action).sort()).toStrictEqual([...ACTIONS].sort());
  });

  describe.each(TABLE)('%s', (action, self, other, outsider, viewer, member, admin, owner) => {
    const me = principalFrom(alice, [{ orgId: globex, role: 'owner' }]);
    it(`own personal scope → ${self}`, () => {
      expect(outcome(decide(me, action, personalTarget(action, userScope(alice))))).toBe(self);
    });
    it(`another user's personal scope → ${other}`, () => {
      expect(outcome(decide(me, action, personalTarget(action, userScope(bob))))).toBe(other);
    });
    it(`org the caller is not in → ${outsider}`, () => {
      expect(outcome(decide(me, action, orgTarget(action)))).toBe(outsider);
    });
    it.each<[Role, string]>([
      ['viewer', viewer],
      ['member', member],
      ['admin', admin],
      ['owner', owner],
    ])('org %s → %s', (role, expected) => {
      expect(outcome(decide(withRole(role), action, orgTarget(action)))).toBe(expected);
    });
  });
});

describe('decide: denials carry a reason and a message', () => {
  it('SCOPE_NOT_FOUND says nothing about the scope', () => {
    const expected: Decision = {
      allowed: false,
      reason: 'SCOPE_NOT_FOUND',
      message: 'SCOPE_NOT_FOUND: no such scope for this caller.',
    };
    expect(decide(withRole('owner'), 'connections.read', { scope: userScope(bob) })).toStrictEqual(
      expected,
    );
    expect(decide(withRole('owner'), 'org.read', { scope: orgScope(globex) })).toStrictEqual(
      expected,
    );
  });

  it('ROLE_REQUIRED lists the roles that may', () => {
    expect(
      decide(withRole('member'), 'connections.connect', {
        scope: orgScope(acme),
        toolkit: 'slack',
        policy: orgPolicy(),
      }),
    ).toStrictEqual({
      allowed: false,
      reason: 'ROLE_REQUIRED',
      message:
        "ROLE_REQUIRED: connections.connect in org 'acme' needs one of: owner, admin; you are member.",
      requiredRoles: ['owner', 'admin'],
    });
  });

  it('NOT_APPLICABLE for managing members of a person', () => {
    expect(decide(withRole('owner'), 'members.manage', { scope: userScope(alice) })).toStrictEqual({
      allowed: false,
      reason: 'NOT_APPLICABLE',
      message: 'NOT_APPLICABLE: members.manage applies to an organization only.',
    });
  });

  it('NOT_APPLICABLE for an action it does not know (deny by default)', () => {
    expect(
      decide(withRole('owner'), 'tools.delete' as Action, { scope: orgScope(acme) }),
    ).toStrictEqual({
      allowed: false,
      reason: 'NOT_APPLICABLE',
      message: "Unknown action 'tools.delete'.",
    });
  });

  it('NOT_APPLICABLE for a scope kind it does not know', () => {
    const scope = { kind: 'team', teamId: 'x' } as unknown as Scope;
    expect(outcome(decide(withRole('owner'), 'connections.read', { scope }))).toBe(
      'NOT_APPLICABLE',
    );
  });

  it('denies a membership with a role it does not know', () => {
    const odd = principalFrom(alice, [{ orgId: acme, role: 'superuser' as Role }]);
    expect(outcome(decide(odd, 'connections.read', { scope: orgScope(acme) }))).toBe(
      'ROLE_REQUIRED',
    );
  });
});

describe('decide: toolkit policies', () => {
  const execute = (
    principal: Principal,
    policy: ToolkitPolicy | null,
    tool = 'SLACK_SEND_MESSAGE',
  ) =>
    decide(principal, 'tools.execute', { scope: orgScope(acme), toolkit: 'slack', tool, policy });

  it('connectRoles widen connecting to members', () => {
    const policy = orgPolicy({ connectRoles: ['owner', 'admin', 'member'] });
    const target: Target = { scope: orgScope(acme), toolkit: 'slack', policy };
    expect(outcome(decide(withRole('member'), 'connections.connect', target))).toBe('ok');
    expect(decide(withRole('viewer'), 'connections.connect', target)).toMatchObject({
      reason: 'ROLE_REQUIRED',
      requiredRoles: ['owner', 'admin', 'member'],
    });
  });

  it('role lists count upwards: executeRoles [admin] admits owners', () => {
    const policy = orgPolicy({ executeRoles: ['admin'] });
    expect(outcome(execute(withRole('owner'), policy))).toBe('ok');
    expect(outcome(execute(withRole('admin'), policy))).toBe('ok');
    expect(execute(withRole('member'), policy)).toMatchObject({
      reason: 'ROLE_REQUIRED',
      requiredRoles: ['owner', 'admin'],
    });
  });

  it('executeRoles [] lets nobody execute in the org scope', () => {
    expect(execute(withRole('owner'), orgPolicy({ executeRoles: [] }))).toMatchObject({
      reason: 'ROLE_REQUIRED',
      requiredRoles: [],
    });
  });

  it('viewers execute when the policy says so', () => {
    expect(outcome(execute(withRole('viewer'), orgPolicy({ executeRoles: ['viewer'] })))).toBe(
      'ok',
    );
  });

  it('a denied tool is TOOL_NOT_ALLOWED in the org scope', () => {
    expect(
      execute(withRole('owner'), orgPolicy({ denyTools: ['SLACK_SEND_MESSAGE'] })),
    ).toStrictEqual({
      allowed: false,
      reason: 'TOOL_NOT_ALLOWED',
      message: "TOOL_NOT_ALLOWED: the organization's policy does not allow 'SLACK_SEND_MESSAGE'.",
    });
  });

  it('an allow list is exhaustive', () => {
    const policy = orgPolicy({ allowTools: ['SLACK_LIST_CHANNELS'] });
    expect(outcome(execute(withRole('member'), policy, 'SLACK_LIST_CHANNELS'))).toBe('ok');
    expect(outcome(execute(withRole('member'), policy, 'SLACK_SEND_MESSAGE'))).toBe(
      'TOOL_NOT_ALLOWED',
    );
  });

  it('the deny list is matched in any case', () => {
    const policy = orgPolicy({ denyTools: ['SLACK_SEND_MESSAGE'] });
    expect(outcome(execute(withRole('owner'), policy, 'slack_send_message'))).toBe(
      'TOOL_NOT_ALLOWED',
    );
  });

  it('checks the role before the tool, so a viewer learns nothing of the lists', () => {
    expect(
      outcome(execute(withRole('viewer'), orgPolicy({ denyTools: ['SLACK_SEND_MESSAGE'] }))),
    ).toBe('ROLE_REQUIRED');
  });

  it('without a tool, tools.execute checks the role only (a coarse check)', () => {
    const target: Target = { scope: orgScope(acme) };
    expect(outcome(decide(withRole('member'), 'tools.execute', target))).toBe('ok');
    expect(outcome(decide(withRole('viewer'), 'tools.execute', target))).toBe('ROLE_REQUIRED');
    expect(outcome(decide(withRole('admin'), 'connections.connect', target))).toBe('ok');
    expect(outcome(decide(withRole('member'), 'connections.connect', target))).toBe(
      'ROLE_REQUIRED',
    );
  });
});

describe('decide: the org’s policy in the personal scope', () => {
  const run = (policy: ToolkitPolicy | null, tool: string) =>
    decide(withRole('viewer'), 'tools.execute', {
      scope: userScope(alice),
      toolkit: 'gmail',
      tool,
      policy,
    });

  it('applies the deny list to a personal toolkit used in the org’s context', () => {
    expect(run(userPolicy({ denyTools: ['GMAIL_SEND'] }), 'GMAIL_SEND')).toStrictEqual({
      allowed: false,
      reason: 'TOOL_NOT_ALLOWED',
      message: "TOOL_NOT_ALLOWED: the organization's policy does not allow 'GMAIL_SEND'.",
    });
  });

  it('applies the allow list too', () => {
    const policy = userPolicy({ allowTools: ['GMAIL_READ'] });
    expect(outcome(run(policy, 'GMAIL_READ'))).toBe('ok');
    expect(outcome(run(policy, 'GMAIL_SEND'))).toBe('TOOL_NOT_ALLOWED');
  });

  it('does not apply the role lists: a person’s own accounts are theirs', () => {
    expect(outcome(run(userPolicy({ executeRoles: [] }), 'GMAIL_SEND'))).toBe('ok');
    expect(
      outcome(
        decide(withRole('viewer'), 'connections.connect', {
          scope: userScope(alice),
          toolkit: 'gmail',
          policy: userPolicy({ connectRoles: [] }),
        }),
      ),
    ).toBe('ok');
  });

  it('outside any org (no policy) nothing restricts the owner', () => {
    expect(outcome(run(null, 'GMAIL_SEND'))).toBe('ok');
  });
});

describe('decide: routing (WRONG_SCOPE)', () => {
  it('an org toolkit used in the personal scope', () => {
    expect(
      decide(withRole('member'), 'tools.execute', {
        scope: userScope(alice),
        toolkit: 'slack',
        tool: 'SLACK_SEND_MESSAGE',
        policy: orgPolicy(),
      }),
    ).toStrictEqual({
      allowed: false,
      reason: 'WRONG_SCOPE',
      message: "WRONG_SCOPE: 'slack' is connected at the organization level: use the org scope.",
      expectedScope: 'org',
    });
  });

  it('a personal toolkit (user policy) used in the org scope', () => {
    expect(
      decide(withRole('owner'), 'connections.connect', {
        scope: orgScope(acme),
        toolkit: 'gmail',
        policy: userPolicy(),
      }),
    ).toStrictEqual({
      allowed: false,
      reason: 'WRONG_SCOPE',
      message: "WRONG_SCOPE: 'gmail' is connected per person: use your personal scope.",
      expectedScope: 'user',
    });
  });

  it('a toolkit without a policy is personal', () => {
    expect(
      outcome(
        decide(withRole('owner'), 'tools.execute', {
          scope: orgScope(acme),
          toolkit: 'notion',
          policy: null,
        }),
      ),
    ).toBe('WRONG_SCOPE');
    expect(
      outcome(decide(withRole('owner'), 'tools.execute', { scope: orgScope(acme), tool: 'X' })),
    ).toBe('WRONG_SCOPE');
  });

  it('does not reveal routing to a non-member', () => {
    expect(
      outcome(
        decide(principalFrom(alice, []), 'tools.execute', {
          scope: orgScope(acme),
          toolkit: 'gmail',
          policy: userPolicy(),
        }),
      ),
    ).toBe('SCOPE_NOT_FOUND');
  });

  it('applies to connecting and executing only: admins still manage and list leftovers', () => {
    const target: Target = { scope: orgScope(acme), toolkit: 'gmail', policy: null };
    expect(outcome(decide(withRole('admin'), 'connections.manage', target))).toBe('ok');
    expect(outcome(decide(withRole('viewer'), 'connections.read', target))).toBe('ok');
    expect(outcome(decide(withRole('viewer'), 'tools.read', target))).toBe('ok');
  });
});

describe('roleIn, principalFrom, allowedActions, isNotFoundReason', () => {
  it('counts the lower role when an org is listed twice', () => {
    const twice = principalFrom(alice, [
      { orgId: acme, role: 'owner' },
      { orgId: acme, role: 'viewer' },
    ]);
    expect(roleIn(twice, acme)).toBe('viewer');
    expect(roleIn(twice, globex)).toBeNull();
    expect(outcome(decide(twice, 'members.manage', { scope: orgScope(acme) }))).toBe(
      'ROLE_REQUIRED',
    );
  });

  it('principalFrom copies the memberships', () => {
    const memberships: Membership[] = [{ orgId: acme, role: 'owner' }];
    const principal = principalFrom(alice, memberships);
    if (memberships[0]) memberships[0].role = 'viewer';
    expect(principal).toStrictEqual({
      userId: alice,
      memberships: [{ orgId: acme, role: 'owner' }],
    });
  });

  it('allowedActions lists what decide allows', () => {
    expect(allowedActions(withRole('viewer'), { scope: orgScope(acme) })).toStrictEqual([
      'connections.read',
      'tools.read',
      'org.read',
    ]);
    expect(allowedActions(withRole('member'), { scope: userScope(alice) })).toStrictEqual([
      'connections.read',
      'tools.read',
      'connections.connect',
      'connections.manage',
      'tools.execute',
      'audit.read',
      'webhooks.manage',
    ]);
    expect(allowedActions(withRole('owner'), { scope: userScope(bob) })).toStrictEqual([]);
  });

  it('only SCOPE_NOT_FOUND is a not-found reason', () => {
    expect(DENY_REASONS.filter(isNotFoundReason)).toStrictEqual(['SCOPE_NOT_FOUND']);
  });
});

describe('decide: properties', () => {
  const RUNS = { numRuns: 1000 };

  it('no principal is ever allowed any action on another user’s personal scope', () => {
    fc.assert(
      fc.property(
        principalArb,
        userIdArb,
        actionArb,
        targetRestArb,
        (principal, other, action, rest) => {
          fc.pre(other !== principal.userId);
          const decision = decide(principal, action, { ...rest, scope: userScope(other) });
          expect(decision.allowed).toBe(false);
          expect(!decision.allowed && isNotFoundReason(decision.reason)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('a non-member is never allowed anything on an org scope', () => {
    fc.assert(
      fc.property(
        principalArb,
        orgIdArb,
        actionArb,
        targetRestArb,
        (principal, orgId, action, rest) => {
          fc.pre(!principal.memberships.some((m) => m.orgId === orgId));
          const decision = decide(principal, action, { ...rest, scope: orgScope(orgId) });
          expect(decision.allowed).toBe(false);
          expect(!decision.allowed && isNotFoundReason(decision.reason)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('whatever is allowed is on the caller’s own scope or an org it is a member of', () => {
    const scopeFor = (principal: Principal) =>
      fc.oneof(
        fc.constant(userScope(principal.userId)),
        userIdArb.map(userScope),
        orgIdArb.map(orgScope),
        ...principal.memberships.map((m) => fc.constant(orgScope(m.orgId))),
      );
    fc.assert(
      fc.property(
        principalArb.chain((principal) =>
          fc.tuple(fc.constant(principal), scopeFor(principal), actionArb, targetRestArb),
        ),
        ([principal, scope, action, rest]) => {
          if (!decide(principal, action, { ...rest, scope }).allowed) return;
          const reachable =
            scope.kind === 'user'
              ? scope.userId === principal.userId
              : principal.memberships.some((m) => m.orgId === scope.orgId);
          expect(reachable).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('allowed actions only grow with role (viewer ⊆ member ⊆ admin ⊆ owner)', () => {
    fc.assert(
      fc.property(
        principalArb,
        orgIdArb,
        roleArb,
        roleArb,
        actionArb,
        targetRestArb,
        (principal, orgId, a, b, action, rest) => {
          const [low, high] = roleAtLeast(a, b) ? [b, a] : [a, b];
          const target: Target = { ...rest, scope: orgScope(orgId) };
          if (decide(setRole(principal, orgId, low), action, target).allowed) {
            expect(decide(setRole(principal, orgId, high), action, target).allowed).toBe(true);
          }
        },
      ),
      RUNS,
    );
  });

  it('the allowed sets form the chain viewer ⊆ member ⊆ admin ⊆ owner for every target', () => {
    fc.assert(
      fc.property(principalArb, orgIdArb, targetRestArb, (principal, orgId, rest) => {
        const target: Target = { ...rest, scope: orgScope(orgId) };
        const sets = [...ROLES]
          .reverse()
          .map((role) => allowedActions(setRole(principal, orgId, role), target));
        for (let i = 1; i < sets.length; i += 1) {
          for (const action of sets[i - 1] ?? []) expect(sets[i]).toContain(action);
        }
      }),
      RUNS,
    );
  });

  it('a denied tool is never executable, whatever the allow list says', () => {
    fc.assert(
      fc.property(
        principalArb,
        fc.boolean(),
        roleArb,
        policyArb,
        toolkitArb,
        toolArb,
        fc.constantFrom('same', 'lower', 'upper'),
        fc.boolean(),
        (principal, personal, role, policy, toolkit, tool, spelling, alsoAllow) => {
          const denied: ToolkitPolicy = {
            ...policy,
            scope: personal ? 'user' : 'org',
            executeRoles: [...ROLES],
            denyTools: [...policy.denyTools, tool],
            allowTools: alsoAllow ? [...(policy.allowTools ?? []), tool] : policy.allowTools,
          };
          const member = setRole(principal, acme, role);
          const scope = personal ? userScope(member.userId) : orgScope(acme);
          const asked = spelling === 'lower' ? tool.toLowerCase() : tool;
          const decision = decide(member, 'tools.execute', {
            scope,
            toolkit,
            tool: asked,
            policy: denied,
          });
          expect(decision).toMatchObject({ allowed: false, reason: 'TOOL_NOT_ALLOWED' });
        },
      ),
      RUNS,
    );
  });

  it('a decision on one org ignores memberships of other orgs', () => {
    fc.assert(
      fc.property(
        principalArb,
        membershipsArb,
        orgIdArb,
        actionArb,
        targetRestArb,
        (principal, others, orgId, action, rest) => {
          const own = principal.memberships.filter((m) => m.orgId === orgId);
          const unrelated = others.filter((m) => m.orgId !== orgId);
          const target: Target = { ...rest, scope: orgScope(orgId) };
          expect(decide(principal, action, target)).toStrictEqual(
            decide(principalFrom(principal.userId, [...unrelated, ...own]), action, target),
          );
        },
      ),
      RUNS,
    );
  });

  it('in the personal scope, the owner gets the same answer whatever their org roles', () => {
    fc.assert(
      fc.property(
        principalArb,
        membershipsArb,
        actionArb,
        targetRestArb,
        (principal, other, action, rest) => {
          const target: Target = { ...rest, scope: userScope(principal.userId) };
          expect(decide(principal, action, target)).toStrictEqual(
            decide(principalFrom(principal.userId, other), action, target),
          );
        },
      ),
      RUNS,
    );
  });

  it('any policy for a toolkit routes consistently: decide never allows the other kind of scope', () => {
    fc.assert(
      fc.property(
        principalArb,
        roleArb,
        fc.option(policyArb, { nil: null }),
        toolkitArb,
        fc.constantFrom<Action>('connections.connect', 'tools.execute'),
        fc.boolean(),
        (principal, role, policy, toolkit, action, personal) => {
          const member = setRole(principal, acme, role);
          const scope = personal ? userScope(member.userId) : orgScope(acme);
          const decision = decide(member, action, { scope, toolkit, policy });
          const home = policy?.scope ?? 'user';
          if (home !== scope.kind) {
            expect(decision).toMatchObject({
              allowed: false,
              reason: 'WRONG_SCOPE',
              expectedScope: home,
            });
          }
        },
      ),
      RUNS,
    );
  });
});
