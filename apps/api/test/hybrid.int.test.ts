import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAudited } from './audit-helpers.js';
import { connect, failure, type Harness, startHarness } from './harness.js';

describe.each(databaseKindsUnderTest())('hybrid routing on %s', (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind);
    await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    await connect(h, 'alice', {
      toolkit: 'slack',
      orgId: 'acme',
      identity: 'acme-bot@example.test',
    });
    await connect(h, 'bob', { toolkit: 'gmail', identity: 'bob@example.test' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('concurrent tools.list calls that miss the tool cache ask Composio once', async () => {
    await h.control('/requests', { method: 'DELETE' });
    const listings = await Promise.all(
      ['alice', 'bob', 'carol', 'alice', 'bob', 'carol'].map((userId) =>
        h.as(userId).tools.list.query({ toolkits: ['github'], limit: 3 }),
      ),
    );
    const slugs = listings.map((tools) => tools.map((tool) => tool.slug));
    expect(slugs[0]).toHaveLength(3);
    for (const each of slugs) expect(each).toStrictEqual(slugs[0]);
    await h.as('bob').tools.list.query({ toolkits: ['github'], limit: 3 });
    const { items } = (await h.control('/requests')) as {
      items: Array<{ method: string; path: string }>;
    };
    expect(items.filter((r) => r.method === 'GET' && r.path.endsWith('/tools'))).toHaveLength(1);
  });

  it("one tools.list returns bob's personal Gmail tools and Acme's Slack tools, each marked with its scope", async () => {
    const tools = await h
      .as('bob')
      .tools.list.query({ orgId: 'acme', toolkits: ['gmail', 'slack'] });
    const scopes = new Map(tools.map((tool) => [tool.toolkit, tool.scope]));
    expect(Object.fromEntries(scopes)).toStrictEqual({
      gmail: { kind: 'user', id: 'bob' },
      slack: { kind: 'org', id: 'acme' },
    });
    expect(tools.some((tool) => tool.slug === 'GMAIL_SEND_EMAIL')).toBe(true);
    expect(tools.some((tool) => tool.slug === 'SLACK_SEND_MESSAGE')).toBe(true);
  });

  it('in one org context, Gmail runs in his scope and Slack in the org scope', async () => {
    const gmail = await h
      .as('bob')
      .tools.execute.mutate({ tool: 'GMAIL_LIST_MESSAGES', orgId: 'acme', arguments: {} });
    expect(gmail.scope).toStrictEqual({ kind: 'user', id: 'bob' });
    const slack = await h.as('bob').tools.execute.mutate({
      tool: 'SLACK_LIST_CHANNELS',
      orgId: 'acme',
      arguments: {},
    });
    expect(slack.scope).toStrictEqual({ kind: 'org', id: 'acme' });
  });

  it('asking for Slack in personal scope fails with WRONG_SCOPE naming the org scope', async () => {
    const listed = await failure(h.as('bob').tools.list.query({ toolkits: ['slack'] }));
    expect(listed).toMatchObject({
      code: 'PRECONDITION_FAILED',
      reason: 'WRONG_SCOPE',
      details: { scope: { kind: 'org', id: 'acme' } },
    });
    expect(listed.message).toContain('acme');

    const executed = await expectAudited(
      h,
      {
        actor: 'bob',
        scope: { kind: 'user', id: 'bob' },
        decision: 'denied',
        denyReason: 'WRONG_SCOPE',
      },
      () =>
        failure(h.as('bob').tools.execute.mutate({ tool: 'SLACK_LIST_CHANNELS', arguments: {} })),
    );
    expect(executed).toMatchObject({
      reason: 'WRONG_SCOPE',
      details: { scope: { kind: 'org', id: 'acme' } },
    });
  });

  it('toolkits without a policy are personal, even when acting in an org', async () => {
    const tools = await h.as('bob').tools.list.query({ orgId: 'acme', toolkits: ['github'] });
    expect(new Set(tools.map((tool) => JSON.stringify(tool.scope)))).toStrictEqual(
      new Set([JSON.stringify({ kind: 'user', id: 'bob' })]),
    );
  });

  it('a policy deny list stops a tool inside the org context', async () => {
    await h.as('alice').policies.set.mutate({
      orgId: 'acme',
      toolkit: 'slack',
      scope: 'org',
      denyTools: ['SLACK_SEND_MESSAGE'],
    });
    const refused = await failure(
      h.as('bob').tools.execute.mutate({
        tool: 'SLACK_SEND_MESSAGE',
        orgId: 'acme',
        arguments: { channel: '#general', text: 'x' },
      }),
    );
    expect(refused).toMatchObject({ code: 'FORBIDDEN', reason: 'TOOL_NOT_ALLOWED' });
  });
});
