import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { completeConsent } from '@switchboard/composio-emulator';
import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAudited } from '../audit-helpers.js';
import { auditRows, connect, type Harness, rowCounts, startHarness } from '../harness.js';
import { mcpClient, textOf } from './mcp-client.js';

const ACME = { kind: 'org', id: 'acme' } as const;

type Result = CallToolResult & { structuredContent?: Record<string, unknown> };

/** A JSON-RPC POST to an MCP endpoint, as any client could send it. */
async function post(h: Harness, path: string, body: unknown, token?: string, raw?: string) {
  const headers: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
  };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${h.url}${path}`, {
    method: 'POST',
    headers,
    body: raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const callTool = (id: number, name: string, args: unknown) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

describe.each(databaseKindsUnderTest())('the MCP endpoint on %s', (kind) => {
  let h: Harness;
  let acmeSlack: string;
  let bobGithub: string;

  beforeAll(async () => {
    h = await startHarness(kind);
    const alice = h.as('alice');
    await alice.policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    acmeSlack = (
      await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'acme-bot@x.test' })
    ).id;
    bobGithub = (await connect(h, 'bob', { toolkit: 'github', identity: 'bob-gh@x.test' })).id;
    await connect(h, 'alice', { toolkit: 'github', identity: 'alice-gh@x.test' });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  describe('auth and discovery', () => {
    it('refuses a request without a token with 401 and a WWW-Authenticate naming the metadata', async () => {
      const answer = await post(h, '/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="${h.url}/.well-known/oauth-protected-resource"`,
      );
      expect(answer.body).toMatchObject({ id: 1, error: { data: { reason: 'UNAUTHENTICATED' } } });
    });

    it('refuses a bad token with invalid_token', async () => {
      const answer = await post(
        h,
        '/mcp/orgs/acme',
        { jsonrpc: '2.0', id: 2, method: 'ping' },
        'x.y.z',
      );
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(
        /^Bearer resource_metadata="[^"]+", error="invalid_token", error_description="[^"]+"$/,
      );
      expect(answer.body).toMatchObject({ error: { data: { reason: 'INVALID_TOKEN' } } });
    });

    it('describes itself as an OAuth protected resource (RFC 9728) with the issuer', async () => {
      for (const path of [
        '/.well-known/oauth-protected-resource',
        '/.well-known/oauth-protected-resource/mcp',
      ]) {
        const response = await fetch(`${h.url}${path}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          resource: `${h.url}/mcp`,
          authorization_servers: [h.config.AUTH_ISSUER],
          bearer_methods_supported: ['header'],
        });
      }
    });

    it('is stateless: GET and DELETE are 405', async () => {
      const token = await h.token('bob');
      for (const method of ['GET', 'DELETE']) {
        const response = await fetch(`${h.url}/mcp`, {
          method,
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('POST');
      }
    });

    it('answers an organization the caller is not a member of with 404', async () => {
      const before = await rowCounts(h.db);
      const dave = await h.token('dave');
      const listed = await post(
        h,
        '/mcp/orgs/acme',
        { jsonrpc: '2.0', id: 3, method: 'tools/list' },
        dave,
      );
      expect(listed.status).toBe(404);
      expect(listed.body).toMatchObject({ error: { data: { reason: 'NOT_FOUND' } } });
      const unknownOrg = await post(
        h,
        '/mcp/orgs/no-such-org',
        { jsonrpc: '2.0', id: 5, method: 'tools/list' },
        dave,
      );
      expect(unknownOrg.status).toBe(404);
      expect(unknownOrg.body).toStrictEqual(listed.body && { ...listed.body, id: 5 });
      await expect(mcpClient(h, 'dave', { orgId: 'acme' })).rejects.toThrow();
      expect(await rowCounts(h.db)).toStrictEqual(before);
    });

    it("records a non-member's tool call as a denied attempt, as tools.execute does, and answers 404", async () => {
      const dave = await h.token('dave');
      const answer = await expectAudited(
        h,
        { actor: 'dave', scope: ACME, decision: 'denied', denyReason: 'NOT_FOUND' },
        () =>
          post(
            h,
            '/mcp/orgs/acme',
            callTool(4, 'SLACK_SEND_MESSAGE', { channel: '#general', text: 'dave was here' }),
            dave,
          ),
      );
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ id: 4, error: { data: { reason: 'NOT_FOUND' } } });
      expect(JSON.stringify(await h.control(`/messages?account_id=${acmeSlack}`))).not.toContain(
        'dave was here',
      );
    });
  });

  describe('B2C: each person runs their own GitHub', () => {
    it("alice's and bob's GITHUB_LIST_REPOS act on their own repositories", async () => {
      for (const [user, identity] of [
        ['alice', 'alice-gh'],
        ['bob', 'bob-gh'],
      ] as const) {
        const client = await mcpClient(h, user);
        const tools = (await client.listTools()).tools;
        const repos = tools.find((tool) => tool.name === 'GITHUB_LIST_REPOS');
        expect(repos?.description).toMatch(/Runs with your GitHub\.$/);
        expect(repos?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
        const result = (await expectAudited(
          h,
          { actor: user, scope: { kind: 'user', id: user }, decision: 'allowed' },
          () => client.callTool({ name: 'GITHUB_LIST_REPOS', arguments: {} }),
        )) as Result;
        expect(result.isError).toBeFalsy();
        expect(JSON.stringify(result.structuredContent?.data)).toContain(identity);
        expect(result.structuredContent).toMatchObject({
          successful: true,
          scope: { kind: 'user', id: user },
        });
        await client.done();
      }
    });

    it('records the attempt as coming over MCP', async () => {
      const rows = await auditRows(h.db);
      expect(rows.at(-1)).toMatchObject({
        actor_user_id: 'bob',
        channel: 'mcp',
        outcome: 'success',
      });
    });
  });

  describe("B2B: Acme's Slack", () => {
    it("bob (member) in Acme sees and runs Slack with Acme's account", async () => {
      const bob = await mcpClient(h, 'bob', { orgId: 'acme' });
      const send = (await bob.listTools()).tools.find((t) => t.name === 'SLACK_SEND_MESSAGE');
      expect(send?.description).toMatch(/Runs with Acme's Slack\.$/);
      expect(send?.annotations).toMatchObject({ openWorldHint: true });
      expect(send?.annotations?.readOnlyHint).toBeUndefined();
      const result = (await expectAudited(
        h,
        { actor: 'bob', scope: ACME, decision: 'allowed' },
        () =>
          bob.callTool({
            name: 'SLACK_SEND_MESSAGE',
            arguments: { channel: '#general', text: 'hello over MCP' },
          }),
      )) as Result;
      expect(result.structuredContent).toMatchObject({
        connectedAccountId: acmeSlack,
        scope: ACME,
      });
      expect(JSON.stringify(await h.control(`/messages?account_id=${acmeSlack}`))).toContain(
        'hello over MCP',
      );
      await bob.done();
    });

    it('carol (viewer) does not get the tools, and calling one anyway is refused and audited', async () => {
      const carol = await mcpClient(h, 'carol', { orgId: 'acme' });
      const names = (await carol.listTools()).tools.map((t) => t.name);
      expect(names.filter((name) => name.startsWith('SLACK_'))).toStrictEqual([]);
      expect(names).toContain('switchboard_list_accounts');
      const refused = (await expectAudited(
        h,
        { actor: 'carol', scope: ACME, decision: 'denied', denyReason: 'ROLE_REQUIRED' },
        () =>
          carol.callTool({
            name: 'SLACK_SEND_MESSAGE',
            arguments: { channel: '#general', text: 'carol tries' },
          }),
      )) as Result;
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/^ROLE_REQUIRED: /);
      await carol.done();
    });
  });

  describe('hybrid routing in Acme', () => {
    it("runs Gmail with bob's own account and Slack with Acme's, in one context", async () => {
      const bobGmail = (await connect(h, 'bob', { toolkit: 'gmail', identity: 'bob@mail.test' }))
        .id;
      const bob = await mcpClient(h, 'bob', { orgId: 'acme' });
      const tools = (await bob.listTools()).tools;
      const describe = (name: string) => tools.find((t) => t.name === name)?.description ?? '';
      expect(describe('GMAIL_SEND_EMAIL')).toMatch(/Runs with your Gmail\.$/);
      expect(describe('SLACK_LIST_CHANNELS')).toMatch(/Runs with Acme's Slack\.$/);
      const mail = (await bob.callTool({
        name: 'GMAIL_SEND_EMAIL',
        arguments: { recipient_email: 'x@example.test', subject: 'Hi', body: 'From MCP' },
      })) as Result;
      expect(mail.structuredContent).toMatchObject({
        connectedAccountId: bobGmail,
        scope: { kind: 'user', id: 'bob' },
      });
      const channels = (await bob.callTool({
        name: 'SLACK_LIST_CHANNELS',
        arguments: {},
      })) as Result;
      expect(channels.structuredContent).toMatchObject({
        connectedAccountId: acmeSlack,
        scope: ACME,
      });
      await bob.done();
    });

    it('narrows tools/list with ?toolkits=', async () => {
      const bob = await mcpClient(h, 'bob', { orgId: 'acme', query: 'toolkits=slack' });
      const names = (await bob.listTools()).tools.map((t) => t.name);
      expect(
        names.filter((n) => !n.startsWith('switchboard_')).every((n) => n.startsWith('SLACK_')),
      ).toBe(true);
      expect(names).toContain('SLACK_SEND_MESSAGE');
      await bob.done();
    });
  });

  describe('several accounts of one toolkit', () => {
    let work: string;
    let personal: string;

    beforeAll(async () => {
      work = (
        await connect(h, 'erin', { toolkit: 'github', identity: 'erin-work@x.test', label: 'work' })
      ).id;
      personal = (
        await connect(h, 'erin', {
          toolkit: 'github',
          identity: 'erin-home@x.test',
          label: 'personal',
        })
      ).id;
    });

    it('adds an account argument listing the choices, and account chooses by label or id', async () => {
      const erin = await mcpClient(h, 'erin');
      const repos = (await erin.listTools()).tools.find(
        (t) => t.name === 'GITHUB_LIST_REPOS',
      ) as Tool;
      const account = repos.inputSchema.properties?.account as { enum?: string[] };
      expect(new Set(account.enum)).toStrictEqual(new Set([work, 'work', personal, 'personal']));
      expect(repos.inputSchema.required ?? []).not.toContain('account');
      const byLabel = (await erin.callTool({
        name: 'GITHUB_LIST_REPOS',
        arguments: { account: 'work' },
      })) as Result;
      expect(byLabel.structuredContent).toMatchObject({ connectedAccountId: work });
      const byId = (await erin.callTool({
        name: 'GITHUB_LIST_REPOS',
        arguments: { account: personal },
      })) as Result;
      expect(byId.structuredContent).toMatchObject({ connectedAccountId: personal });
      // None given: the most recently connected.
      const newest = (await erin.callTool({ name: 'GITHUB_LIST_REPOS', arguments: {} })) as Result;
      expect(newest.structuredContent).toMatchObject({ connectedAccountId: personal });
      const unknown = (await erin.callTool({
        name: 'GITHUB_LIST_REPOS',
        arguments: { account: 'nonexistent' },
      })) as Result;
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toMatch(/^NOT_FOUND: /);
      await erin.done();
    });

    it('a pinned default that is disabled fails with ACCOUNT_INACTIVE: no silent switch', async () => {
      const client = h.as('erin');
      await client.connections.update.mutate({ id: work, makeDefault: true });
      const erin = await mcpClient(h, 'erin');
      const pinned = (await erin.callTool({ name: 'GITHUB_LIST_REPOS', arguments: {} })) as Result;
      expect(pinned.structuredContent).toMatchObject({ connectedAccountId: work });
      await client.connections.disable.mutate({ id: work });
      const refused = (await erin.callTool({ name: 'GITHUB_LIST_REPOS', arguments: {} })) as Result;
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/^ACCOUNT_INACTIVE: /);
      expect(refused.structuredContent).toMatchObject({
        reason: 'ACCOUNT_INACTIVE',
        details: { connectedAccountId: work },
      });
      await erin.done();
    });

    it('an organization asking for an explicit choice makes account required', async () => {
      await connect(h, 'alice', {
        toolkit: 'slack',
        orgId: 'acme',
        identity: 'acme-ops@x.test',
        label: 'ops',
      });
      await h.as('alice').policies.set.mutate({
        orgId: 'acme',
        toolkit: 'slack',
        scope: 'org',
        requireExplicitSelection: true,
      });
      const bob = await mcpClient(h, 'bob', { orgId: 'acme' });
      const send = (await bob.listTools()).tools.find(
        (t) => t.name === 'SLACK_SEND_MESSAGE',
      ) as Tool;
      expect(send.inputSchema.required).toContain('account');
      const ambiguous = (await bob.callTool({
        name: 'SLACK_SEND_MESSAGE',
        arguments: { channel: '#general', text: 'which one?' },
      })) as Result;
      expect(ambiguous.isError).toBe(true);
      expect(textOf(ambiguous)).toMatch(/^AMBIGUOUS_ACCOUNT: .*"account" set to one of: .*"ops"/);
      const chosen = (await bob.callTool({
        name: 'SLACK_SEND_MESSAGE',
        arguments: { channel: '#general', text: 'this one', account: 'ops' },
      })) as Result;
      expect(chosen.isError).toBeFalsy();
      await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
      await bob.done();
    });
  });

  describe('membership changes and connecting', () => {
    it("a removed member's next call is refused", async () => {
      const alice = h.as('alice');
      await alice.orgs.members.set.mutate({ orgId: 'acme', userId: 'rita', role: 'member' });
      const rita = await mcpClient(h, 'rita', { orgId: 'acme' });
      expect((await rita.listTools()).tools.map((t) => t.name)).toContain('SLACK_SEND_MESSAGE');
      await alice.orgs.members.remove.mutate({ orgId: 'acme', userId: 'rita' });
      await expect(rita.listTools()).rejects.toThrow();
      const answer = await post(
        h,
        '/mcp/orgs/acme',
        callTool(9, 'SLACK_SEND_MESSAGE', { channel: '#general', text: 'gone' }),
        await h.token('rita'),
      );
      expect(answer.status).toBe(404);
    });

    it('switchboard_connect returns a consent link, and after consent the toolkit’s tools appear', async () => {
      const bob = await mcpClient(h, 'bob');
      expect((await bob.listTools()).tools.some((t) => t.name.startsWith('NOTION_'))).toBe(false);
      const started = (await bob.callTool({
        name: 'switchboard_connect',
        arguments: { toolkit: 'notion', label: 'notes' },
      })) as Result;
      const pending = started.structuredContent as { redirectUrl: string; requestId: string };
      expect(pending.redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(textOf(started)).toContain(pending.redirectUrl);
      const consent = await completeConsent(pending.redirectUrl, {
        decision: 'approve',
        identity: 'bob-notion@x.test',
      });
      await (await fetch(consent.location ?? '', { redirect: 'manual' })).arrayBuffer();
      expect((await bob.listTools()).tools.some((t) => t.name === 'NOTION_SEARCH')).toBe(true);
      const accounts = (await bob.callTool({
        name: 'switchboard_list_accounts',
        arguments: { toolkit: 'notion' },
      })) as Result;
      expect(accounts.structuredContent).toMatchObject({
        accounts: [
          {
            toolkit: 'notion',
            label: 'notes',
            upstreamIdentity: 'bob-notion@x.test',
            status: 'ACTIVE',
          },
        ],
      });
      await bob.done();
    });

    it('switchboard_connect follows connections.authorize: a member cannot connect for the organization', async () => {
      const before = await rowCounts(h.db);
      const bob = await mcpClient(h, 'bob', { orgId: 'acme' });
      const refused = (await bob.callTool({
        name: 'switchboard_connect',
        arguments: { toolkit: 'slack' },
      })) as Result;
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/^ROLE_REQUIRED: connections\.connect in org 'acme' needs/);
      // Nothing is connected or requested; the refusal is in Acme's log, as over tRPC.
      expect(await rowCounts(h.db)).toStrictEqual({
        ...before,
        audit_events: (before.audit_events ?? 0) + 1,
      });
      const [event] = await h.db
        .selectFrom('audit_events')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(1)
        .execute();
      expect(event).toMatchObject({
        actor_user_id: 'bob',
        scope_org_id: 'acme',
        action: 'connections.connect',
        target: 'slack',
        decision: 'denied',
        reason: 'ROLE_REQUIRED',
        channel: 'mcp',
      });
      await bob.done();
    });

    it('lists the accounts usable in the context, the organization’s for its toolkits', async () => {
      const bob = await mcpClient(h, 'bob', { orgId: 'acme' });
      const listed = (await bob.callTool({
        name: 'switchboard_list_accounts',
        arguments: {},
      })) as Result;
      const accounts = (
        listed.structuredContent as { accounts: Array<{ id: string; scope: unknown }> }
      ).accounts;
      expect(accounts.map((a) => a.id)).toContain(acmeSlack);
      expect(accounts.map((a) => a.id)).toContain(bobGithub);
      expect(accounts.find((a) => a.id === acmeSlack)?.scope).toStrictEqual(ACME);
      await bob.done();
    });
  });

  describe('bad input is a JSON-RPC error and writes nothing', () => {
    it.each([
      ['an unknown tool', callTool(20, 'NOPE_NOT_A_TOOL', {}), -32602],
      ['a tool name that is not a slug', callTool(21, '../../etc', {}), -32602],
      ['arguments that fail the schema', callTool(22, 'GITHUB_GET_REPO', { owner: 42 }), -32602],
      ['arguments that are not an object', callTool(23, 'GITHUB_LIST_REPOS', ['x']), -32602],
      [
        'a prototype key',
        {
          ...callTool(24, 'GITHUB_LIST_REPOS', {}),
          params: { name: 'GITHUB_LIST_REPOS', arguments: JSON.parse('{"__proto__":{"x":1}}') },
        },
        -32602,
      ],
      ['an unknown method', { jsonrpc: '2.0', id: 25, method: 'tools/destroy' }, -32601],
      [
        'a meta-tool with bad arguments',
        callTool(26, 'switchboard_connect', { toolkit: 'Not A Slug!' }),
        -32602,
      ],
    ])('%s', async (_what, body, code) => {
      const before = await rowCounts(h.db);
      const answer = await post(h, '/mcp', body, await h.token('bob'));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ jsonrpc: '2.0', error: { code } });
      expect(await rowCounts(h.db)).toStrictEqual(before);
    });

    it('malformed JSON and malformed JSON-RPC are HTTP 400 parse errors', async () => {
      const token = await h.token('bob');
      const broken = await post(h, '/mcp', undefined, token, '{"jsonrpc": "2.0", "id": 1, ');
      expect(broken.status).toBe(400);
      expect(broken.body).toMatchObject({ error: { code: -32700 } });
      const notRpc = await post(h, '/mcp', { hello: 'world' }, token);
      expect(notRpc.status).toBe(400);
      expect(notRpc.body).toMatchObject({ error: { code: -32700 } });
    });

    it('answers a batch with one response per request', async () => {
      const answer = await post(
        h,
        '/mcp',
        [{ jsonrpc: '2.0', id: 30, method: 'ping' }, callTool(31, 'NOPE_NOT_A_TOOL', {})],
        await h.token('bob'),
      );
      const responses = answer.body as unknown as Array<{ id: number }>;
      expect(Array.isArray(responses) ? responses.map((r) => r.id).sort() : answer).toStrictEqual([
        30, 31,
      ]);
    });
  });
});
