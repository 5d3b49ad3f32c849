import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEvent } from '../src/events.js';
import { auditRows, connect, failure, type Harness, rowCounts, startHarness } from './harness.js';
import { mcpClient, textOf } from './mcp/mcp-client.js';
import { WebhookReceiver } from './webhook-receiver.js';

const HELD = ['SLACK_DELETE_CHANNEL', 'SLACK_SEND_MESSAGE'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Execution {
  tool: string;
  accountId: string;
  userId: string;
  successful: boolean;
}

describe.each(databaseKindsUnderTest())('approvals on %s', (kind) => {
  let h: Harness;
  let acmeSlack: string;
  const hook = new WebhookReceiver();
  let hookSecret: string;

  /** What the emulator ran of a tool: Composio's own record of executions. */
  const executions = async (tool: string) =>
    ((await h.control(`/executions?tool=${tool}`)) as { items: Execution[] }).items;

  /** Bob (a member) asks to run a held tool on Acme's Slack; the approval id he is given. */
  async function bobAsks(tool: string, args: Record<string, unknown>): Promise<string> {
    const refused = await failure(
      h.as('bob').tools.execute.mutate({ tool, orgId: 'acme', arguments: args }),
    );
    expect(refused.reason).toBe('APPROVAL_REQUIRED');
    return String(refused.details?.approvalId);
  }

  beforeAll(async () => {
    h = await startHarness(kind, { WEBHOOK_POLL_MS: '30' });
    await hook.start();
    const alice = h.as('alice');
    await alice.policies.set.mutate({
      orgId: 'acme',
      toolkit: 'slack',
      scope: 'org',
      approvalTools: HELD,
    });
    await alice.orgs.members.set.mutate({ orgId: 'acme', userId: 'erin', role: 'admin' });
    acmeSlack = (
      await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'acme@x.test' })
    ).id;
    const endpoint = await alice.webhooks.create.mutate({
      orgId: 'acme',
      url: hook.url,
      events: ['approval.requested', 'approval.decided'],
    });
    hookSecret = endpoint.secret;
  }, 60_000);
  afterAll(async () => {
    await hook.stop();
    await h?.close();
  });

  it('the policy holds the tools and names the approvers (admin and up by default)', async () => {
    const [policy] = await h.as('bob').policies.list.query({ orgId: 'acme' });
    expect(policy).toMatchObject({
      toolkit: 'slack',
      approvalTools: HELD,
      approveRoles: ['owner', 'admin'],
    });
  });

  it('bob (member) calls a held tool: APPROVAL_REQUIRED, nothing runs, the request is audited', async () => {
    const before = new Date();
    const refused = await failure(
      h.as('bob').tools.execute.mutate({
        tool: 'SLACK_DELETE_CHANNEL',
        orgId: 'acme',
        arguments: { channel: '#random' },
      }),
    );
    expect(refused).toMatchObject({
      code: 'PRECONDITION_FAILED',
      reason: 'APPROVAL_REQUIRED',
      httpStatus: 412,
      details: {
        approvalId: expect.stringMatching(UUID),
        tool: 'SLACK_DELETE_CHANNEL',
        connectedAccountId: acmeSlack,
      },
    });
    const approvalId = String(refused.details?.approvalId);
    const expiresAt = Date.parse(String(refused.details?.expiresAt));
    expect(expiresAt - before.getTime()).toBeGreaterThan(3_590_000);
    expect(expiresAt - before.getTime()).toBeLessThan(3_610_000);
    expect(await executions('SLACK_DELETE_CHANNEL')).toStrictEqual([]);

    const row = (await auditRows(h.db)).at(-1);
    expect(row).toMatchObject({
      actor_user_id: 'bob',
      tool: 'SLACK_DELETE_CHANNEL',
      connected_account_id: acmeSlack,
      decision: 'denied',
      deny_reason: 'APPROVAL_REQUIRED',
      approval_id: approvalId,
    });
    const held = await h.as('bob').approvals.get.query({ approvalId });
    expect(held).toMatchObject({
      id: approvalId,
      orgId: 'acme',
      tool: 'SLACK_DELETE_CHANNEL',
      toolkit: 'slack',
      connectedAccountId: acmeSlack,
      account: { upstreamIdentity: 'acme@x.test' },
      requestedBy: 'bob',
      status: 'requested',
      channel: 'trpc',
      arguments: { channel: '#random' },
      requestExecutionId: row?.execution_id,
      executionId: null,
      decidedBy: null,
      result: null,
    });
    expect(
      (await h.as('alice').approvals.list.query({ orgId: 'acme', status: 'requested' })).map(
        (a) => a.id,
      ),
    ).toContain(approvalId);
  });

  it('approvers run held tools themselves, and tools off the list run for members', async () => {
    const sent = await h.as('erin').tools.execute.mutate({
      tool: 'SLACK_SEND_MESSAGE',
      orgId: 'acme',
      arguments: { channel: '#general', text: 'from erin, no approval needed' },
    });
    expect(sent).toMatchObject({ successful: true, connectedAccountId: acmeSlack });
    const listed = await h.as('bob').tools.execute.mutate({
      tool: 'SLACK_LIST_CHANNELS',
      orgId: 'acme',
      arguments: {},
    });
    expect(listed.successful).toBe(true);
  });

  it('only the requester and the approvers see an approval; bob cannot approve his own', async () => {
    const approvalId = await bobAsks('SLACK_DELETE_CHANNEL', { channel: '#nowhere' });
    const before = await rowCounts(h.db);
    expect(await failure(h.as('bob').approvals.approve.mutate({ approvalId }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ROLE_REQUIRED',
    });
    expect(await failure(h.as('bob').approvals.deny.mutate({ approvalId }))).toMatchObject({
      reason: 'ROLE_REQUIRED',
    });
    // The refusals are in the organization's log; nothing else changed.
    const after = await rowCounts(h.db);
    expect(after).toStrictEqual({ ...before, audit_events: (before.audit_events ?? 0) + 2 });
    const refusals = await h.as('alice').audit.events.query({
      orgId: 'acme',
      action: 'approvals.decide',
    });
    expect(refusals.items[0]).toMatchObject({
      actorUserId: 'bob',
      target: approvalId,
      decision: 'denied',
      reason: 'ROLE_REQUIRED',
    });
    for (const outsider of ['carol', 'dave']) {
      expect(await failure(h.as(outsider).approvals.get.query({ approvalId }))).toMatchObject({
        code: 'NOT_FOUND',
        reason: 'NOT_FOUND',
      });
      expect(await failure(h.as(outsider).approvals.approve.mutate({ approvalId }))).toMatchObject({
        code: 'NOT_FOUND',
      });
    }
    expect(await failure(h.as('bob').approvals.list.query({ orgId: 'acme' }))).toMatchObject({
      reason: 'ROLE_REQUIRED',
    });
    expect(await failure(h.as('dave').approvals.list.query({ orgId: 'acme' }))).toMatchObject({
      reason: 'NOT_FOUND',
    });
    expect((await h.as('bob').approvals.mine.query()).map((a) => a.id)).toContain(approvalId);
    expect(await h.as('dave').approvals.mine.query()).toStrictEqual([]);
    expect(await executions('SLACK_DELETE_CHANNEL')).toStrictEqual([]);
  });

  it('alice approves: the emulator runs it exactly once, with the chosen account; bob gets the result', async () => {
    const approvalId = await bobAsks('SLACK_DELETE_CHANNEL', { channel: '#random' });
    const approved = await h.as('alice').approvals.approve.mutate({
      approvalId,
      note: 'ok, random is unused',
    });
    expect(approved).toMatchObject({
      id: approvalId,
      status: 'executed',
      decidedBy: 'alice',
      note: 'ok, random is unused',
      arguments: null,
      executionId: expect.stringMatching(UUID),
      failure: null,
      // The result is the requester's.
      result: null,
    });
    expect(approved.decidedAt).toEqual(expect.any(String));
    const ran = await executions('SLACK_DELETE_CHANNEL');
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ accountId: acmeSlack, userId: 'org_acme', successful: true });

    const mine = await h.as('bob').approvals.get.query({ approvalId });
    expect(mine).toMatchObject({
      status: 'executed',
      arguments: null,
      result: { successful: true, data: { ok: true }, error: null },
    });
    expect((await h.as('erin').approvals.get.query({ approvalId })).result).toBeNull();

    // The request, the decision and the run, linked by the approval's id.
    const rows = (await auditRows(h.db)).filter((row) => row.approval_id === approvalId);
    expect(
      rows.map((row) => [row.actor_user_id, row.decision, row.deny_reason, row.outcome]),
    ).toStrictEqual([
      ['bob', 'denied', 'APPROVAL_REQUIRED', 'denied'],
      ['bob', 'allowed', null, 'success'],
    ]);
    expect(rows[1]?.execution_id).toBe(approved.executionId);
    expect(rows[1]?.connected_account_id).toBe(acmeSlack);
    const decisions = await h.as('alice').audit.events.query({
      orgId: 'acme',
      action: 'approvals.approve',
    });
    expect(decisions.items[0]).toMatchObject({
      actorUserId: 'alice',
      action: 'approvals.approve',
      target: approvalId,
      decision: 'allowed',
      note: 'ok, random is unused',
    });
    const log = await h.as('alice').audit.list.query({ orgId: 'acme', actor: 'bob' });
    expect(log.items.filter((item) => item.approvalId === approvalId)).toHaveLength(2);

    // Used once: neither approver can use it again.
    for (const approver of ['alice', 'erin']) {
      expect(await failure(h.as(approver).approvals.approve.mutate({ approvalId }))).toMatchObject({
        code: 'PRECONDITION_FAILED',
        reason: 'APPROVAL_NOT_PENDING',
      });
      expect(await failure(h.as(approver).approvals.deny.mutate({ approvalId }))).toMatchObject({
        reason: 'APPROVAL_NOT_PENDING',
      });
    }
    expect(await executions('SLACK_DELETE_CHANNEL')).toHaveLength(1);
  });

  it('a denied approval never runs and cannot be approved after', async () => {
    const approvalId = await bobAsks('SLACK_SEND_MESSAGE', {
      channel: '#general',
      text: 'denied message',
    });
    const denied = await h.as('erin').approvals.deny.mutate({ approvalId, note: 'not today' });
    expect(denied).toMatchObject({
      status: 'denied',
      decidedBy: 'erin',
      note: 'not today',
      arguments: null,
    });
    expect(await failure(h.as('alice').approvals.approve.mutate({ approvalId }))).toMatchObject({
      reason: 'APPROVAL_NOT_PENDING',
      details: { approvalId, status: 'denied' },
    });
    const messages = JSON.stringify(await h.control(`/messages?account_id=${acmeSlack}`));
    expect(messages).not.toContain('denied message');
  });

  it('an expired approval cannot be approved, and its arguments are gone', async () => {
    const approvalId = await bobAsks('SLACK_SEND_MESSAGE', {
      channel: '#general',
      text: 'too late',
    });
    // An hour passes (the clock of the row, not of the test).
    await h.db
      .updateTable('approvals')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', approvalId)
      .execute();
    expect(await failure(h.as('alice').approvals.approve.mutate({ approvalId }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      reason: 'APPROVAL_EXPIRED',
    });
    expect(await h.as('bob').approvals.get.query({ approvalId })).toMatchObject({
      status: 'expired',
      arguments: null,
      decidedBy: null,
    });
    expect(await failure(h.as('erin').approvals.deny.mutate({ approvalId }))).toMatchObject({
      reason: 'APPROVAL_EXPIRED',
    });
    const stored = await h.db
      .selectFrom('approvals')
      .select(['arguments', 'status'])
      .where('id', '=', approvalId)
      .executeTakeFirstOrThrow();
    expect(stored).toStrictEqual({ arguments: null, status: 'expired' });
    expect(JSON.stringify(await h.control(`/messages?account_id=${acmeSlack}`))).not.toContain(
      'too late',
    );
  });

  it('an approved call whose run was cut short (its instance stopped) is settled as INTERRUPTED', async () => {
    const approvalId = await bobAsks('SLACK_SEND_MESSAGE', { channel: '#general', text: 'cut' });
    // As an instance that died after recording alice's yes, an hour ago, leaves it.
    await h.db
      .updateTable('approvals')
      .set({
        status: 'approved',
        decided_by: 'alice',
        decided_at: new Date(Date.now() - 3_600_000),
      })
      .where('id', '=', approvalId)
      .execute();
    expect(await h.as('bob').approvals.get.query({ approvalId })).toMatchObject({
      status: 'failed',
      arguments: null,
      failure: { reason: 'INTERRUPTED' },
    });
    expect(await failure(h.as('erin').approvals.approve.mutate({ approvalId }))).toMatchObject({
      reason: 'APPROVAL_NOT_PENDING',
    });
  });

  it('two approvers at once make one execution', async () => {
    const approvalId = await bobAsks('SLACK_SEND_MESSAGE', {
      channel: '#general',
      text: 'exactly once, please',
    });
    const sentBefore = (await executions('SLACK_SEND_MESSAGE')).length;
    const answers = await Promise.allSettled([
      h.as('alice').approvals.approve.mutate({ approvalId }),
      h.as('erin').approvals.approve.mutate({ approvalId }),
    ]);
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const refused = answers.find((a) => a.status === 'rejected');
    expect(await failure(Promise.reject(refused?.reason))).toMatchObject({
      reason: 'APPROVAL_NOT_PENDING',
    });
    const sent = await executions('SLACK_SEND_MESSAGE');
    expect(sent).toHaveLength(sentBefore + 1);
    expect(sent.at(-1)).toMatchObject({ accountId: acmeSlack, successful: true });
    const messages = JSON.stringify(await h.control(`/messages?account_id=${acmeSlack}`));
    expect(messages.split('exactly once, please')).toHaveLength(2);
  });

  it('an account no longer ACTIVE fails the approval with ACCOUNT_INACTIVE; no other account is used', async () => {
    const approvalId = await bobAsks('SLACK_SEND_MESSAGE', {
      channel: '#general',
      text: 'while disabled',
    });
    // Another ACTIVE account of Acme's exists: Switchboard must not switch to it.
    const spare = (
      await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'spare@x.test' })
    ).id;
    await h.as('alice').connections.disable.mutate({ id: acmeSlack });
    try {
      const before = (await executions('SLACK_SEND_MESSAGE')).length;
      expect(await failure(h.as('alice').approvals.approve.mutate({ approvalId }))).toMatchObject({
        code: 'PRECONDITION_FAILED',
        reason: 'ACCOUNT_INACTIVE',
        details: { approvalId, connectedAccountId: acmeSlack },
      });
      expect(await executions('SLACK_SEND_MESSAGE')).toHaveLength(before);
      expect(await h.as('bob').approvals.get.query({ approvalId })).toMatchObject({
        status: 'failed',
        arguments: null,
        failure: { reason: 'ACCOUNT_INACTIVE' },
        result: null,
      });
      expect(await failure(h.as('erin').approvals.approve.mutate({ approvalId }))).toMatchObject({
        reason: 'APPROVAL_NOT_PENDING',
      });
    } finally {
      await h.as('alice').connections.enable.mutate({ id: acmeSlack });
      await h.as('alice').connections.delete.mutate({ id: spare });
    }
  });

  it('four eyes: an admin never approves their own call, even once they may approve', async () => {
    // Only owners approve now, so erin's (an admin's) call is held too.
    await h.as('alice').policies.set.mutate({
      orgId: 'acme',
      toolkit: 'slack',
      scope: 'org',
      approvalTools: HELD,
      approveRoles: ['owner'],
    });
    const refused = await failure(
      h.as('erin').tools.execute.mutate({
        tool: 'SLACK_DELETE_CHANNEL',
        orgId: 'acme',
        arguments: { channel: '#nowhere' },
      }),
    );
    expect(refused.reason).toBe('APPROVAL_REQUIRED');
    const approvalId = String(refused.details?.approvalId);
    expect(await failure(h.as('erin').approvals.approve.mutate({ approvalId }))).toMatchObject({
      reason: 'ROLE_REQUIRED',
    });
    // Admins approve again; still not their own call.
    await h.as('alice').policies.set.mutate({
      orgId: 'acme',
      toolkit: 'slack',
      scope: 'org',
      approvalTools: HELD,
    });
    expect(await failure(h.as('erin').approvals.approve.mutate({ approvalId }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'SELF_APPROVAL',
    });
    const denied = await h.as('alice').approvals.deny.mutate({ approvalId });
    expect(denied.status).toBe('denied');
  });

  it('over MCP the held call is a tool result with isError naming the reason, the id and the next step', async () => {
    const client = await mcpClient(h, 'bob', { orgId: 'acme' });
    try {
      const listed = (await client.listTools()).tools.find(
        (tool) => tool.name === 'SLACK_DELETE_CHANNEL',
      );
      expect(listed?.description).toContain('Needs an approver’s yes here');
      expect(listed?.annotations?.destructiveHint).toBe(true);
      const result = (await client.callTool({
        name: 'SLACK_DELETE_CHANNEL',
        arguments: { channel: '#general' },
      })) as { isError?: boolean; structuredContent?: { details?: { approvalId?: string } } };
      expect(result.isError).toBe(true);
      const approvalId = String(result.structuredContent?.details?.approvalId);
      expect(approvalId).toMatch(UUID);
      const text = textOf(result);
      expect(text).toMatch(/^APPROVAL_REQUIRED: /);
      expect(text).toContain(approvalId);
      expect(text).toContain('approver');
      expect(text).toContain('do not call the tool again');
      expect(await h.as('bob').approvals.get.query({ approvalId })).toMatchObject({
        status: 'requested',
        channel: 'mcp',
      });
      // Only the run alice approved earlier.
      expect(await executions('SLACK_DELETE_CHANNEL')).toHaveLength(1);
      await h.as('alice').approvals.deny.mutate({ approvalId });
    } finally {
      await client.done();
    }
  });

  it('announces approval.requested and approval.decided to the organization’s webhooks', async () => {
    const approvalId = await bobAsks('SLACK_SEND_MESSAGE', { channel: '#general', text: 'hook' });
    await h.as('alice').approvals.deny.mutate({ approvalId, note: 'no hooks' });
    const mine = () =>
      hook
        .verified(hookSecret)
        .map((body) => parseEvent(body))
        .filter((event) => (event.data as { approvalId?: string }).approvalId === approvalId);
    const deadline = Date.now() + 10_000;
    while (mine().length < 2 && Date.now() < deadline) {
      h.runtime.deps.deliveries?.wake();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const events = mine().sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    expect(events.map((event) => [event.type, event.actor, event.data])).toStrictEqual([
      [
        'approval.requested',
        { kind: 'user', id: 'bob' },
        {
          approvalId,
          tool: 'SLACK_SEND_MESSAGE',
          toolkit: 'slack',
          connectedAccountId: acmeSlack,
          requestedBy: 'bob',
          expiresAt: expect.any(String),
        },
      ],
      [
        'approval.decided',
        { kind: 'user', id: 'alice' },
        {
          approvalId,
          tool: 'SLACK_SEND_MESSAGE',
          toolkit: 'slack',
          requestedBy: 'bob',
          decision: 'denied',
          note: 'no hooks',
        },
      ],
    ]);
    // Never the tool's arguments.
    expect(JSON.stringify(events)).not.toContain('"hook"');
  });
});
