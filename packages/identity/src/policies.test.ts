import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orgIdArb, policyArb, toolArb, toolkitArb, userIdArb } from '../test/arbitraries.js';
import { parseOrgId, parseUserId } from './ids.js';
import {
  DEFAULT_ORG_POLICY,
  defaultPolicy,
  isToolAllowed,
  policyFor,
  routeToolkit,
  type ToolkitPolicy,
  toolkitPolicySchema,
  toolkitSlugSchema,
  toolSlugSchema,
} from './policies.js';
import { orgScope, userScope } from './scopes.js';

const policy = (overrides: Partial<ToolkitPolicy>): ToolkitPolicy => ({
  ...defaultPolicy('org'),
  ...overrides,
});

describe('toolkitPolicySchema', () => {
  it('fills in the role table’s default policy', () => {
    expect(toolkitPolicySchema.parse({ scope: 'org' })).toStrictEqual({
      scope: 'org',
      connectRoles: ['owner', 'admin'],
      executeRoles: ['owner', 'admin', 'member'],
      allowTools: null,
      denyTools: [],
      requireExplicitSelection: false,
      authConfigId: null,
      approvalTools: [],
      approveRoles: ['owner', 'admin'],
    });
  });

  it('closes role lists upwards and deduplicates tool lists', () => {
    expect(
      toolkitPolicySchema.parse({
        scope: 'user',
        connectRoles: ['member'],
        executeRoles: ['viewer', 'owner'],
        allowTools: ['SLACK_SEND_MESSAGE', 'SLACK_SEND_MESSAGE'],
        denyTools: ['SLACK_DELETE', 'SLACK_DELETE'],
        requireExplicitSelection: true,
        authConfigId: 'ac_123',
        approvalTools: ['SLACK_DELETE_CHANNEL', 'SLACK_DELETE_CHANNEL'],
        approveRoles: ['owner'],
        unknown: 'stripped',
      }),
    ).toStrictEqual({
      scope: 'user',
      connectRoles: ['owner', 'admin', 'member'],
      executeRoles: ['owner', 'admin', 'member', 'viewer'],
      allowTools: ['SLACK_SEND_MESSAGE'],
      denyTools: ['SLACK_DELETE'],
      requireExplicitSelection: true,
      authConfigId: 'ac_123',
      approvalTools: ['SLACK_DELETE_CHANNEL'],
      approveRoles: ['owner'],
    });
  });

  it('keeps an empty role list empty (nobody)', () => {
    expect(
      toolkitPolicySchema.parse({ scope: 'org', executeRoles: [] }).executeRoles,
    ).toStrictEqual([]);
  });

  it.each([
    [{}],
    [{ scope: 'team' }],
    [{ scope: 'org', connectRoles: ['root'] }],
    [{ scope: 'org', allowTools: ['github_get_repo'] }],
    [{ scope: 'org', denyTools: ['GITHUB GET'] }],
    [{ scope: 'org', authConfigId: '' }],
    [{ scope: 'org', approvalTools: ['slack delete'] }],
    [{ scope: 'org', approveRoles: ['boss'] }],
  ])('rejects %j', (input) => {
    expect(toolkitPolicySchema.safeParse(input).success).toBe(false);
  });

  it('gives a fresh default each time', () => {
    const a = toolkitPolicySchema.parse({ scope: 'org' });
    a.connectRoles.push('viewer');
    expect(toolkitPolicySchema.parse({ scope: 'org' }).connectRoles).toStrictEqual([
      'owner',
      'admin',
    ]);
  });
});

describe('slug schemas', () => {
  it.each([
    ['github', true],
    ['google_calendar', true],
    ['a-b', true],
    ['GitHub', false],
    ['', false],
    ['x'.repeat(65), false],
  ])('toolkit %j → %s', (slug, ok) => {
    expect(toolkitSlugSchema.safeParse(slug).success).toBe(ok);
  });

  it.each([
    ['GITHUB_GET_REPO', true],
    ['A1', true],
    ['github_get_repo', false],
    ['GITHUB-GET', false],
    ['', false],
  ])('tool %j → %s', (slug, ok) => {
    expect(toolSlugSchema.safeParse(slug).success).toBe(ok);
  });
});

describe('DEFAULT_ORG_POLICY', () => {
  it('is the default org policy, frozen', () => {
    expect(DEFAULT_ORG_POLICY).toStrictEqual(defaultPolicy());
    expect(Object.isFrozen(DEFAULT_ORG_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_ORG_POLICY.connectRoles)).toBe(true);
  });
});

describe('isToolAllowed', () => {
  it.each<[string, ToolkitPolicy | null, string, boolean]>([
    ['no policy', null, 'GITHUB_DELETE_REPO', true],
    ['default policy', policy({}), 'GITHUB_DELETE_REPO', true],
    ['denied', policy({ denyTools: ['GITHUB_DELETE_REPO'] }), 'GITHUB_DELETE_REPO', false],
    [
      'denied, any case',
      policy({ denyTools: ['GITHUB_DELETE_REPO'] }),
      'github_delete_repo',
      false,
    ],
    ['other tool denied', policy({ denyTools: ['GITHUB_DELETE_REPO'] }), 'GITHUB_GET_REPO', true],
    ['on allow list', policy({ allowTools: ['GITHUB_GET_REPO'] }), 'GITHUB_GET_REPO', true],
    ['allow list is exhaustive', policy({ allowTools: ['GITHUB_GET_REPO'] }), 'GITHUB_STAR', false],
    ['empty allow list allows nothing', policy({ allowTools: [] }), 'GITHUB_GET_REPO', false],
    [
      'deny wins over allow',
      policy({ allowTools: ['GITHUB_DELETE_REPO'], denyTools: ['GITHUB_DELETE_REPO'] }),
      'GITHUB_DELETE_REPO',
      false,
    ],
  ])('%s', (_name, toolkitPolicy, tool, allowed) => {
    expect(isToolAllowed(toolkitPolicy, tool)).toBe(allowed);
  });

  it('never allows a denied tool, whatever the allow list says', () => {
    fc.assert(
      fc.property(policyArb, toolArb, fc.boolean(), fc.boolean(), (p, tool, alsoAllow, lower) => {
        const denied: ToolkitPolicy = {
          ...p,
          denyTools: [...p.denyTools, tool],
          allowTools: alsoAllow ? [...(p.allowTools ?? []), tool] : p.allowTools,
        };
        expect(isToolAllowed(denied, lower ? tool.toLowerCase() : tool)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('allows, when an allow list is present, only tools on it', () => {
    fc.assert(
      fc.property(policyArb, toolArb, (p, tool) => {
        fc.pre(p.allowTools !== null && !p.allowTools.includes(tool));
        expect(isToolAllowed(p, tool)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('routeToolkit', () => {
  const me = parseUserId('alice');
  const acme = parseOrgId('acme');
  const orgPolicy = policy({ scope: 'org' });
  const userPolicy = policy({ scope: 'user' });

  it.each([
    ['no org, no policy → personal', null, undefined, userScope(me)],
    ['no org, org policy → personal', orgPolicy, undefined, userScope(me)],
    ['org, no policy → personal', null, acme, userScope(me)],
    ['org, user policy → personal', userPolicy, acme, userScope(me)],
    ['org, org policy → org', orgPolicy, acme, orgScope(acme)],
  ])('%s', (_name, toolkitPolicy, orgId, expected) => {
    expect(routeToolkit(toolkitPolicy, 'slack', me, orgId)).toStrictEqual(expected);
  });

  it('looks the toolkit up in an org’s policy map', () => {
    const policies = new Map([
      ['slack', orgPolicy],
      ['gmail', userPolicy],
    ]);
    expect(routeToolkit(policies, 'slack', me, acme)).toStrictEqual(orgScope(acme));
    expect(routeToolkit(policies, 'gmail', me, acme)).toStrictEqual(userScope(me));
    expect(routeToolkit(policies, 'notion', me, acme)).toStrictEqual(userScope(me));
    expect(policyFor(policies, 'notion')).toBeNull();
  });

  it('routes to the caller’s own scope or the named org, nowhere else', () => {
    fc.assert(
      fc.property(
        fc.option(policyArb, { nil: null }),
        toolkitArb,
        userIdArb,
        fc.option(orgIdArb, { nil: undefined }),
        (p, toolkit, caller, orgId) => {
          const scope = routeToolkit(p, toolkit, caller, orgId);
          const expected =
            orgId !== undefined && p?.scope === 'org' ? orgScope(orgId) : userScope(caller);
          expect(scope).toStrictEqual(expected);
        },
      ),
    );
  });
});
