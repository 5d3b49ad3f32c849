import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../src/modules/app.router.js';
import { connect, type Harness, startHarness } from '../harness.js';
import { type RawResponse, rawCall } from '../raw-call.js';

/**
 * Every procedure × every kind of caller × resources of the caller's own organization, of another
 * user and of another organization. The list of procedures comes from the router itself, so a
 * new procedure without a declared expectation fails this test.
 */

const PRINCIPALS = [
  'owner',
  'admin',
  'member',
  'viewer',
  'removed',
  'outsider',
  'noToken',
  'expiredToken',
] as const;
type Principal = (typeof PRINCIPALS)[number];
const TARGETS = ['own-org', 'another-user', 'another-org'] as const;
type Target = (typeof TARGETS)[number];

const USER_OF: Record<Principal, string | null> = {
  owner: 'alice',
  admin: 'erin',
  member: 'bob',
  viewer: 'carol',
  removed: 'rita',
  outsider: 'dave',
  noToken: null,
  expiredToken: 'bob',
};

const VIEWER_UP: Principal[] = ['owner', 'admin', 'member', 'viewer'];
const MEMBER_UP: Principal[] = ['owner', 'admin', 'member'];
const ADMIN_UP: Principal[] = ['owner', 'admin'];

interface World {
  acmeSlack: string;
  acmeRequest: string;
  victorGithub: string;
  victorRequest: string;
  globexSlack: string;
  globexRequest: string;
  freshAcmeAccount(): Promise<string>;
  freshAcmeMember(): Promise<string>;
  freshAcmePolicy(): Promise<string>;
  freshAcmeRequest(): Promise<string>;
  acmeEndpoint: string;
  victorEndpoint: string;
  globexEndpoint: string;
  acmeDelivery: string;
  victorDelivery: string;
  globexDelivery: string;
  freshAcmeEndpoint(): Promise<string>;
  /** A call bob (a member) asked for on Acme's Slack, waiting for an approver. */
  acmeApproval: string;
  freshAcmeApproval(): Promise<string>;
  globexApproval: string;
  unique(): number;
}

const ALL_TIME = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

const SKIP = Symbol('not applicable');
type Input = unknown | typeof SKIP;

interface Spec {
  /** Takes no resource: any signed-in caller may call it; only the answer is checked for leaks. */
  resourceFree?: true;
  /** Exempt from this matrix, with the test that covers it instead. */
  exempt?: string;
  input?: (target: Target, world: World) => Input | Promise<Input>;
  /** Who may use it on their own organization's resources. */
  ownOrg?: Principal[];
  /** Members of the organization to whom the resource does not exist (NOT_FOUND, not FORBIDDEN). */
  hidden?: Principal[];
}

const SPECS: Record<string, Spec> = {
  'me.get': { resourceFree: true, input: () => undefined },
  'orgs.create': { resourceFree: true, input: (_t, w) => ({ name: `Matrix ${w.unique()}` }) },
  'toolkits.list': { resourceFree: true, input: () => ({ limit: 5 }) },
  'server.info': { resourceFree: true, input: () => undefined },
  'dev.signIn': { exempt: 'dev mode only; refused with AUTH_MODE=jwt (operations suite)' },
  'orgs.get': { ownOrg: VIEWER_UP, input: (t) => org(t, (orgId) => ({ orgId })) },
  'orgs.members.list': { ownOrg: VIEWER_UP, input: (t) => org(t, (orgId) => ({ orgId })) },
  'orgs.members.set': {
    ownOrg: ADMIN_UP,
    input: (t, w) => org(t, (orgId) => ({ orgId, userId: `temp-${w.unique()}`, role: 'viewer' })),
  },
  'orgs.members.remove': {
    ownOrg: ADMIN_UP,
    input: async (t, w) =>
      t === 'own-org'
        ? { orgId: 'acme', userId: await w.freshAcmeMember() }
        : org(t, (orgId) => ({ orgId, userId: 'gina' })),
  },
  'policies.list': { ownOrg: VIEWER_UP, input: (t) => org(t, (orgId) => ({ orgId })) },
  'policies.set': {
    ownOrg: ADMIN_UP,
    input: (t) => org(t, (orgId) => ({ orgId, toolkit: 'notion', scope: 'user' })),
  },
  'policies.remove': {
    ownOrg: ADMIN_UP,
    input: async (t, w) =>
      t === 'own-org'
        ? { orgId: 'acme', toolkit: await w.freshAcmePolicy() }
        : org(t, (orgId) => ({ orgId, toolkit: 'slack' })),
  },
  'connections.authorize': {
    ownOrg: ADMIN_UP,
    input: (t) => org(t, (orgId) => ({ toolkit: 'slack', orgId })),
  },
  // A connection request is visible to whoever asked for it: alice asked for Acme's.
  'connections.request': {
    ownOrg: ['owner'],
    input: (t, w) => ({ requestId: pick(t, w.acmeRequest, w.victorRequest, w.globexRequest) }),
  },
  'connections.list': {
    ownOrg: VIEWER_UP,
    input: (t) => org(t, (orgId) => ({ orgId, include: 'org' })),
  },
  'connections.get': {
    ownOrg: VIEWER_UP,
    input: (t, w) => ({ id: pick(t, w.acmeSlack, w.victorGithub, w.globexSlack) }),
  },
  'connections.update': {
    ownOrg: ADMIN_UP,
    input: (t, w) => ({
      id: pick(t, w.acmeSlack, w.victorGithub, w.globexSlack),
      label: `label-${w.unique()}`,
    }),
  },
  'connections.reconnect': {
    ownOrg: ADMIN_UP,
    input: (t, w) => ({ id: pick(t, w.acmeSlack, w.victorGithub, w.globexSlack) }),
  },
  'connections.refresh': {
    ownOrg: ADMIN_UP,
    input: (t, w) => ({ id: pick(t, w.acmeSlack, w.victorGithub, w.globexSlack) }),
  },
  'connections.enable': {
    ownOrg: ADMIN_UP,
    input: (t, w) => ({ id: pick(t, w.acmeSlack, w.victorGithub, w.globexSlack) }),
  },
  'connections.disable': {
    ownOrg: ADMIN_UP,
    input: async (t, w) => ({
      id: t === 'own-org' ? await w.freshAcmeAccount() : pick(t, '', w.victorGithub, w.globexSlack),
    }),
  },
  'connections.delete': {
    ownOrg: ADMIN_UP,
    input: async (t, w) => ({
      id: t === 'own-org' ? await w.freshAcmeAccount() : pick(t, '', w.victorGithub, w.globexSlack),
    }),
  },
  'tools.list': {
    ownOrg: VIEWER_UP,
    input: (t) => org(t, (orgId) => ({ orgId, toolkits: ['slack'] })),
  },
  'tools.execute': {
    ownOrg: MEMBER_UP,
    input: (t, w) =>
      t === 'another-user'
        ? { tool: 'GITHUB_LIST_REPOS', arguments: {}, connectedAccountId: w.victorGithub }
        : {
            tool: 'SLACK_LIST_CHANNELS',
            arguments: {},
            orgId: t === 'own-org' ? 'acme' : 'globex',
          },
  },
  'audit.list': { ownOrg: ADMIN_UP, input: (t) => org(t, (orgId) => ({ orgId })) },
  'audit.export': {
    ownOrg: ADMIN_UP,
    input: (t) => org(t, (orgId) => ({ orgId, format: 'jsonl', ...ALL_TIME })),
  },
  'webhooks.create': {
    ownOrg: ADMIN_UP,
    input: (t) =>
      org(t, (orgId) => ({ orgId, url: 'http://127.0.0.1:9/hook', events: ['policy.changed'] })),
  },
  'webhooks.list': { ownOrg: ADMIN_UP, input: (t) => org(t, (orgId) => ({ orgId })) },
  'webhooks.get': {
    ownOrg: ADMIN_UP,
    input: (t, w) => ({ endpointId: pick(t, w.acmeEndpoint, w.victorEndpoint, w.globexEndpoint) }),
  },
  'webhooks.update': {
    ownOrg: ADMIN_UP,
    input: (t, w) => ({
      endpointId: pick(t, w.acmeEndpoint, w.victorEndpoint, w.globexEndpoint),
      description: `d-${w.unique()}`,
    }),
  },
  'webhooks.delete': {
    ownOrg: ADMIN_UP,
    input: async (t, w) => ({
      endpointId:
        t === 'own-org'
          ? await w.freshAcmeEndpoint()
          : pick(t, '', w.victorEndpoint, w.globexEndpoint),
    }),
  },
  'webhooks.rotateSecret': {
    ownOrg: ADMIN_UP,
    input: (t, w) => ({ endpointId: pick(t, w.acmeEndpoint, w.victorEndpoint, w.globexEndpoint) }),
  },
  'webhooks.deliveries': {
    ownOrg: ADMIN_UP,
    input: (t, w) => ({ endpointId: pick(t, w.acmeEndpoint, w.victorEndpoint, w.globexEndpoint) }),
  },
  'webhooks.redeliver': {
    ownOrg: ADMIN_UP,
    input: (t, w) => ({ deliveryId: pick(t, w.acmeDelivery, w.victorDelivery, w.globexDelivery) }),
  },
  'audit.events': { ownOrg: ADMIN_UP, input: (t) => org(t, (orgId) => ({ orgId })) },
  'connections.pending': { resourceFree: true, input: () => undefined },
  'approvals.list': { ownOrg: ADMIN_UP, input: (t) => org(t, (orgId) => ({ orgId })) },
  'approvals.mine': { resourceFree: true, input: () => ({ limit: 20 }) },
  // Bob asked for Acme's: he and the approvers see it; to the viewer it does not exist.
  'approvals.get': {
    ownOrg: MEMBER_UP,
    hidden: ['viewer'],
    input: (t, w) => (t === 'another-user' ? SKIP : { approvalId: approvalOf(t, w) }),
  },
  // Only an approver who did not ask decides: bob (the requester) is refused, the viewer sees nothing.
  'approvals.approve': {
    ownOrg: ADMIN_UP,
    hidden: ['viewer'],
    input: async (t, w) =>
      t === 'another-user'
        ? SKIP
        : { approvalId: t === 'own-org' ? await w.freshAcmeApproval() : w.globexApproval },
  },
  'approvals.deny': {
    ownOrg: ADMIN_UP,
    hidden: ['viewer'],
    input: async (t, w) =>
      t === 'another-user'
        ? SKIP
        : {
            approvalId: t === 'own-org' ? await w.freshAcmeApproval() : w.globexApproval,
            note: 'matrix',
          },
  },
  // Only whoever asked may cancel a request: alice asked for Acme's (a fresh one each time).
  'connections.cancel': {
    ownOrg: ['owner'],
    input: async (t, w) => ({
      requestId:
        t === 'own-org'
          ? await w.freshAcmeRequest()
          : pick(t, '', w.victorRequest, w.globexRequest),
    }),
  },
};

/** Procedures addressed by organization have no "another user's" resource. */
function org(target: Target, build: (orgId: string) => unknown): Input {
  if (target === 'another-user') return SKIP;
  return build(target === 'own-org' ? 'acme' : 'globex');
}

function approvalOf(target: Target, world: World): string {
  return target === 'own-org' ? world.acmeApproval : world.globexApproval;
}

function pick(target: Target, own: string, anotherUser: string, anotherOrg: string): string {
  return target === 'own-org' ? own : target === 'another-user' ? anotherUser : anotherOrg;
}

function expected(spec: Spec, principal: Principal, target: Target): 'ok' | 401 | 403 | 404 {
  if (principal === 'noToken' || principal === 'expiredToken') return 401;
  if (spec.resourceFree) return 'ok';
  if (target !== 'own-org') return 404;
  if (spec.ownOrg?.includes(principal)) return 'ok';
  if (principal === 'removed' || principal === 'outsider') return 404;
  if (spec.hidden?.includes(principal)) return 404;
  // A member whose role is too low: FORBIDDEN, except where a resource is visible only to its
  // requester, which is NOT_FOUND to everyone else.
  return spec.ownOrg?.length === 1 ? 404 : 403;
}

/**
 * The MCP endpoint's operations, on the endpoint of the caller's organization, of another
 * organization, or (another user's resource) naming another user's account on the personal one.
 * A refusal a model can act on is a tool result with `isError` (HTTP 200): its reason is checked
 * instead of a status.
 */
interface McpSpec {
  method: 'tools/list' | 'tools/call';
  tool?: string;
  args?: (world: World) => Record<string, unknown>;
  /** Who may use it in their own organization. */
  ownOrg: Principal[];
  /** The reason a member with too low a role gets (a tool result). */
  lowRole?: string;
  /** Reasons particular members get instead (a tool result). */
  reasonFor?: Partial<Record<Principal, string>>;
}

const MCP_SPECS: Record<string, McpSpec> = {
  'mcp tools/list': { method: 'tools/list', ownOrg: VIEWER_UP },
  'mcp tools/call SLACK_LIST_CHANNELS': {
    method: 'tools/call',
    tool: 'SLACK_LIST_CHANNELS',
    ownOrg: MEMBER_UP,
    lowRole: 'ROLE_REQUIRED',
  },
  // A held tool: approvers run it, a member's call waits for one, a viewer may not run it at all.
  'mcp tools/call SLACK_DELETE_CHANNEL': {
    method: 'tools/call',
    tool: 'SLACK_DELETE_CHANNEL',
    args: () => ({ channel: '#nowhere' }),
    ownOrg: ADMIN_UP,
    lowRole: 'ROLE_REQUIRED',
    reasonFor: { member: 'APPROVAL_REQUIRED' },
  },
  'mcp tools/call switchboard_list_accounts': {
    method: 'tools/call',
    tool: 'switchboard_list_accounts',
    ownOrg: VIEWER_UP,
  },
  'mcp tools/call switchboard_connect': {
    method: 'tools/call',
    tool: 'switchboard_connect',
    args: () => ({ toolkit: 'slack' }),
    ownOrg: ADMIN_UP,
    lowRole: 'ROLE_REQUIRED',
  },
};

describe.each(databaseKindsUnderTest())('isolation matrix on %s', (kind) => {
  let h: Harness;
  let world: World;
  let foreignIds: string[];
  const tokens = new Map<Principal, string | undefined>();

  beforeAll(async () => {
    h = await startHarness(kind, {
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_ORG_PER_MINUTE: '100000',
    });
    const alice = h.as('alice');
    await alice.policies.set.mutate({
      orgId: 'acme',
      toolkit: 'slack',
      scope: 'org',
      approvalTools: ['SLACK_DELETE_CHANNEL'],
    });
    await alice.orgs.members.set.mutate({ orgId: 'acme', userId: 'erin', role: 'admin' });
    await alice.orgs.members.set.mutate({ orgId: 'acme', userId: 'rita', role: 'member' });
    await alice.orgs.members.remove.mutate({ orgId: 'acme', userId: 'rita' });
    const hook = 'http://127.0.0.1:9/hook';
    const acmeEndpoint = (
      await alice.webhooks.create.mutate({
        orgId: 'acme',
        url: hook,
        events: ['connection.activated'],
      })
    ).id;
    const acmeSlack = (
      await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'acme@example.test' })
    ).id;
    const acmeRequest = (
      await alice.connections.authorize.mutate({ toolkit: 'slack', orgId: 'acme' })
    ).requestId;

    const gina = h.as('gina');
    await gina.orgs.create.mutate({ name: 'Globex', id: 'globex' });
    const globexEndpoint = (
      await gina.webhooks.create.mutate({ orgId: 'globex', url: hook, events: ['policy.changed'] })
    ).id;
    await gina.policies.set.mutate({
      orgId: 'globex',
      toolkit: 'slack',
      scope: 'org',
      approvalTools: ['SLACK_DELETE_CHANNEL'],
    });
    await gina.orgs.members.set.mutate({ orgId: 'globex', userId: 'hank', role: 'member' });
    const globexSlack = (
      await connect(h, 'gina', {
        toolkit: 'slack',
        orgId: 'globex',
        identity: 'globex@example.test',
      })
    ).id;
    const globexRequest = (
      await gina.connections.authorize.mutate({ toolkit: 'slack', orgId: 'globex' })
    ).requestId;

    /** The id of the approval `userId`'s call of a held tool is waiting for. */
    const heldCall = async (userId: string, orgId: string) => {
      try {
        await h.as(userId).tools.execute.mutate({
          tool: 'SLACK_DELETE_CHANNEL',
          orgId,
          arguments: { channel: '#nowhere' },
        });
      } catch (error) {
        const data = (error as { data?: { reason?: string; details?: { approvalId?: string } } })
          .data;
        if (data?.reason === 'APPROVAL_REQUIRED' && data.details?.approvalId) {
          return data.details.approvalId;
        }
        throw error;
      }
      throw new Error('the held call ran');
    };
    const acmeApproval = await heldCall('bob', 'acme');
    const globexApproval = await heldCall('hank', 'globex');

    const victor = h.as('victor');
    const victorEndpoint = (
      await victor.webhooks.create.mutate({ url: hook, events: ['connection.activated'] })
    ).id;
    const victorGithub = (
      await connect(h, 'victor', { toolkit: 'github', identity: 'victor@example.test' })
    ).id;
    const victorRequest = (await victor.connections.authorize.mutate({ toolkit: 'notion' }))
      .requestId;

    // Executions in the other scopes, so their audit rows (naming their accounts) exist to leak.
    await gina.tools.execute.mutate({
      tool: 'SLACK_LIST_CHANNELS',
      orgId: 'globex',
      arguments: {},
    });
    await victor.tools.execute.mutate({ tool: 'GITHUB_LIST_REPOS', arguments: {} });
    await alice.tools.execute.mutate({ tool: 'SLACK_LIST_CHANNELS', orgId: 'acme', arguments: {} });

    const firstDelivery = async (client: typeof alice, endpointId: string) =>
      (await client.webhooks.deliveries.query({ endpointId })).items[0]?.id ?? '';
    const acmeDelivery = await firstDelivery(alice, acmeEndpoint);
    const globexDelivery = await firstDelivery(gina, globexEndpoint);
    const victorDelivery = await firstDelivery(victor, victorEndpoint);
    let counter = 0;
    const unique = () => {
      counter += 1;
      return counter;
    };
    world = {
      acmeApproval,
      globexApproval,
      freshAcmeApproval: () => heldCall('bob', 'acme'),
      acmeEndpoint,
      victorEndpoint,
      globexEndpoint,
      acmeDelivery,
      victorDelivery,
      globexDelivery,
      async freshAcmeEndpoint() {
        return (
          await alice.webhooks.create.mutate({
            orgId: 'acme',
            url: hook,
            events: ['policy.changed'],
          })
        ).id;
      },
      acmeSlack,
      acmeRequest,
      victorGithub,
      victorRequest,
      globexSlack,
      globexRequest,
      unique,
      async freshAcmeAccount() {
        return (
          await connect(h, 'alice', {
            toolkit: 'slack',
            orgId: 'acme',
            identity: `acme-${unique()}@example.test`,
          })
        ).id;
      },
      async freshAcmeMember() {
        const userId = `temp-${unique()}`;
        await alice.orgs.members.set.mutate({ orgId: 'acme', userId, role: 'viewer' });
        return userId;
      },
      async freshAcmeRequest() {
        return (await alice.connections.authorize.mutate({ toolkit: 'slack', orgId: 'acme' }))
          .requestId;
      },
      async freshAcmePolicy() {
        await alice.policies.set.mutate({ orgId: 'acme', toolkit: 'github', scope: 'user' });
        return 'github';
      },
    };
    foreignIds = [
      globexApproval,
      victorEndpoint,
      globexEndpoint,
      victorDelivery,
      globexDelivery,
      victorGithub,
      victorRequest,
      globexSlack,
      globexRequest,
      'globex',
      'victor',
      'gina',
    ];

    const secret = new TextEncoder().encode(h.config.AUTH_JWT_SECRET);
    for (const principal of PRINCIPALS) {
      const userId = USER_OF[principal];
      if (principal === 'expiredToken') {
        tokens.set(
          principal,
          await new SignJWT({})
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('bob')
            .setIssuer(h.config.AUTH_ISSUER)
            .setAudience(h.config.AUTH_AUDIENCE)
            .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
            .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
            .sign(secret),
        );
      } else {
        tokens.set(principal, userId === null ? undefined : await h.token(userId));
      }
    }
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('declares an expectation for every procedure of the router', () => {
    const procedures = Object.keys(
      (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
    );
    expect(procedures.sort()).toStrictEqual(Object.keys(SPECS).sort());
  });

  it('every procedure × caller × resource answers as declared and never shows another scope', async () => {
    const procedures = (
      appRouter as unknown as {
        _def: { procedures: Record<string, { _def: { type: 'query' | 'mutation' } }> };
      }
    )._def.procedures;
    const unexpected: string[] = [];
    let cases = 0;
    for (const [path, spec] of Object.entries(SPECS)) {
      if (spec.exempt || !spec.input) continue;
      const type = procedures[path]?._def.type ?? 'query';
      for (const principal of PRINCIPALS) {
        for (const target of spec.resourceFree ? (['own-org'] as const) : TARGETS) {
          const input = await spec.input(target, world);
          if (input === SKIP) continue;
          cases += 1;
          const response: RawResponse = await rawCall(h, path, type, input, tokens.get(principal));
          const want = expected(spec, principal, target);
          const ok = response.status >= 200 && response.status < 300;
          const label = `${path} as ${principal} on ${target}: got ${response.status} ${response.reason ?? ''}`;
          if (want === 'ok' ? !ok : response.status !== want)
            unexpected.push(`${label}, expected ${want}`);
          if (!ok && !response.reason) unexpected.push(`${label}: no reason code`);
          const principalIsForeignOwner =
            USER_OF[principal] === 'victor' || USER_OF[principal] === 'gina';
          const leaked = principalIsForeignOwner
            ? []
            : foreignIds.filter((id) => response.text.includes(id));
          if (leaked.length > 0)
            unexpected.push(`${label}: response contains ${leaked.join(', ')}`);
        }
      }
    }
    console.info(`isolation matrix (${kind}): ${cases} procedure × caller × resource cases`);
    expect(unexpected).toStrictEqual([]);
    expect(cases).toBeGreaterThan(400);
  }, 300_000);

  it('GET /audit/export answers every caller × organization as audit.export does', async () => {
    const unexpected: string[] = [];
    let cases = 0;
    for (const principal of PRINCIPALS) {
      for (const target of ['own-org', 'another-org', 'personal'] as const) {
        cases += 1;
        const token = tokens.get(principal);
        const query = new URLSearchParams({ format: 'csv', ...ALL_TIME });
        if (target !== 'personal') query.set('orgId', target === 'own-org' ? 'acme' : 'globex');
        const response = await fetch(`${h.url}/audit/export?${query}`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        const text = await response.text();
        let want: 'ok' | 401 | 403 | 404;
        if (principal === 'noToken' || principal === 'expiredToken') want = 401;
        else if (target === 'personal') want = 'ok';
        else if (target === 'another-org') want = 404;
        else if (ADMIN_UP.includes(principal)) want = 'ok';
        else if (principal === 'removed' || principal === 'outsider') want = 404;
        else want = 403;
        const ok = response.status === 200;
        const label = `/audit/export as ${principal} on ${target}: got ${response.status} ${text.slice(0, 160)}`;
        if (want === 'ok' ? !ok : response.status !== want) {
          unexpected.push(`${label}, expected ${want}`);
        }
        if (!ok && !(JSON.parse(text) as { error?: { reason?: string } }).error?.reason) {
          unexpected.push(`${label}: no reason code`);
        }
        if (ok && target === 'own-org' && !text.includes(world.acmeSlack)) {
          unexpected.push(`${label}: Acme's own executions are missing`);
        }
        const principalIsForeignOwner =
          USER_OF[principal] === 'victor' || USER_OF[principal] === 'gina';
        const leaked = principalIsForeignOwner ? [] : foreignIds.filter((id) => text.includes(id));
        if (leaked.length > 0) unexpected.push(`${label}: response contains ${leaked.join(', ')}`);
      }
    }
    console.info(`isolation matrix (${kind}): ${cases} audit download cases`);
    expect(unexpected).toStrictEqual([]);
  });

  it('the MCP endpoint answers every operation × caller × resource as declared', async () => {
    const unexpected: string[] = [];
    let cases = 0;
    for (const [name, spec] of Object.entries(MCP_SPECS)) {
      for (const principal of PRINCIPALS) {
        for (const target of TARGETS) {
          cases += 1;
          const token = tokens.get(principal);
          // Another user's resource over MCP: their account, named on one's own endpoint.
          const path =
            target === 'another-user'
              ? '/mcp'
              : `/mcp/orgs/${target === 'own-org' ? 'acme' : 'globex'}`;
          const method = target === 'another-user' ? 'tools/call' : spec.method;
          const params =
            method === 'tools/list'
              ? {}
              : {
                  name: target === 'another-user' ? 'GITHUB_LIST_REPOS' : spec.tool,
                  arguments:
                    target === 'another-user'
                      ? { account: world.victorGithub }
                      : (spec.args?.(world) ?? {}),
                };
          const response = await fetch(`${h.url}${path}`, {
            method: 'POST',
            headers: {
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              accept: 'application/json, text/event-stream',
              'content-type': 'application/json',
            },
            body: JSON.stringify({ jsonrpc: '2.0', id: cases, method, params }),
          });
          const text = await response.text();
          const body = JSON.parse(text) as {
            result?: { isError?: boolean; structuredContent?: { reason?: string } };
            error?: { data?: { reason?: string } };
          };
          const label = `${name} as ${principal} on ${target}: got ${response.status} ${text.slice(0, 160)}`;
          const refusedReason = body.result?.isError
            ? body.result.structuredContent?.reason
            : undefined;
          let want: string;
          if (principal === 'noToken' || principal === 'expiredToken') want = '401';
          else if (target === 'another-user') want = 'NOT_FOUND';
          else if (target === 'another-org') want = '404';
          else if (spec.ownOrg.includes(principal)) want = 'ok';
          else if (principal === 'removed' || principal === 'outsider') want = '404';
          else want = spec.reasonFor?.[principal] ?? spec.lowRole ?? 'ok';
          const got =
            response.status !== 200
              ? String(response.status)
              : body.error
                ? `error ${body.error.data?.reason ?? ''}`
                : (refusedReason ?? 'ok');
          if (got !== want) unexpected.push(`${label}, expected ${want}`);
          const principalIsForeignOwner =
            USER_OF[principal] === 'victor' || USER_OF[principal] === 'gina';
          const leaked = principalIsForeignOwner
            ? []
            : foreignIds.filter((id) => text.includes(id));
          if (leaked.length > 0)
            unexpected.push(`${label}: response contains ${leaked.join(', ')}`);
        }
      }
    }
    console.info(`isolation matrix (${kind}): ${cases} MCP operation × caller × resource cases`);
    expect(unexpected).toStrictEqual([]);
  }, 300_000);
});
