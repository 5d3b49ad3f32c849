import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, failure, type Harness, startHarness } from './harness.js';

/**
 * What the console's Activity page reads: executions with the names their ids stand for,
 * filtered; refused management actions beside them; and one's own pending connection requests.
 */
describe.each(databaseKindsUnderTest())('activity and pending requests on %s', (kind) => {
  let h: Harness;
  let acmeSlack: string;

  beforeAll(async () => {
    h = await startHarness(kind);
    await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    acmeSlack = (
      await connect(h, 'alice', {
        toolkit: 'slack',
        orgId: 'acme',
        identity: 'hq@acme.test',
        label: 'Acme HQ',
      })
    ).id;
    await h.as('bob').tools.execute.mutate({
      tool: 'SLACK_SEND_MESSAGE',
      orgId: 'acme',
      arguments: { channel: '#general', text: 'hi' },
    });
    await failure(
      h.as('carol').tools.execute.mutate({
        tool: 'SLACK_SEND_MESSAGE',
        orgId: 'acme',
        arguments: { channel: '#general', text: 'hi' },
      }),
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows who acted and with which account by name, as they are called now', async () => {
    const { items } = await h.as('alice').audit.list.query({ orgId: 'acme' });
    expect(items.map((item) => [item.actorUserId, item.actorName, item.outcome])).toStrictEqual([
      ['carol', 'Carol', 'denied'],
      ['bob', 'Bob', 'success'],
    ]);
    expect(items[1]).toMatchObject({
      connectedAccountId: acmeSlack,
      account: { label: 'Acme HQ', upstreamIdentity: 'hq@acme.test' },
      channel: 'trpc',
    });
    expect(items[0]?.account).toBeNull();
  });

  it('filters by member and by a time range', async () => {
    const alice = h.as('alice');
    const bobs = await alice.audit.list.query({ orgId: 'acme', actor: 'bob' });
    expect(bobs.items.map((item) => item.actorUserId)).toStrictEqual(['bob']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await alice.audit.list.query({ orgId: 'acme', from: future })).items).toStrictEqual([]);
    expect((await alice.audit.list.query({ orgId: 'acme', to: future })).items).toHaveLength(2);
    const bad = await failure(alice.audit.list.query({ orgId: 'acme', from: 'yesterday' }));
    expect(bad.reason).toBe('INVALID_INPUT');
  });

  it("records refused changes in the organization's log: a viewer connecting, a member changing a policy or a member", async () => {
    const carolConnect = await failure(
      h.as('carol').connections.authorize.mutate({ toolkit: 'slack', orgId: 'acme' }),
    );
    expect(carolConnect.reason).toBe('ROLE_REQUIRED');
    const bobPolicy = await failure(
      h.as('bob').policies.set.mutate({ orgId: 'acme', toolkit: 'gmail', scope: 'org' }),
    );
    expect(bobPolicy.reason).toBe('ROLE_REQUIRED');
    const bobMember = await failure(
      h.as('bob').orgs.members.set.mutate({ orgId: 'acme', userId: 'zoe', role: 'viewer' }),
    );
    expect(bobMember.reason).toBe('ROLE_REQUIRED');
    const bobAccount = await failure(h.as('bob').connections.disable.mutate({ id: acmeSlack }));
    expect(bobAccount.reason).toBe('ROLE_REQUIRED');
    // A scope the caller cannot see is not recorded against it.
    await failure(
      h.as('dave').policies.set.mutate({ orgId: 'acme', toolkit: 'gmail', scope: 'org' }),
    );

    const { items } = await h.as('alice').audit.events.query({ orgId: 'acme' });
    expect(
      items.map((item) => [item.actorUserId, item.action, item.target, item.decision, item.reason]),
    ).toStrictEqual([
      ['bob', 'connections.manage', acmeSlack, 'denied', 'ROLE_REQUIRED'],
      ['bob', 'members.manage', 'zoe', 'denied', 'ROLE_REQUIRED'],
      ['bob', 'policies.manage', 'gmail', 'denied', 'ROLE_REQUIRED'],
      ['carol', 'connections.connect', 'slack', 'denied', 'ROLE_REQUIRED'],
    ]);
    expect(items[0]).toMatchObject({ actorName: 'Bob', scope: { kind: 'org', id: 'acme' } });
    // The log is the admins'; a member sees their own refusals in their own log.
    expect((await failure(h.as('bob').audit.events.query({ orgId: 'acme' }))).reason).toBe(
      'ROLE_REQUIRED',
    );
    const own = await h.as('bob').audit.events.query();
    expect(own.items.map((item) => item.action)).toStrictEqual([
      'connections.manage',
      'members.manage',
      'policies.manage',
    ]);
  });

  it('filters refused changes by member, action and time, as the executions are', async () => {
    const alice = h.as('alice');
    const carols = await alice.audit.events.query({ orgId: 'acme', actor: 'carol' });
    expect(carols.items.map((item) => [item.actorUserId, item.action])).toStrictEqual([
      ['carol', 'connections.connect'],
    ]);
    const policies = await alice.audit.events.query({ orgId: 'acme', action: 'policies.manage' });
    expect(policies.items.map((item) => item.target)).toStrictEqual(['gmail']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await alice.audit.events.query({ orgId: 'acme', from: future })).items).toStrictEqual(
      [],
    );
    expect((await alice.audit.events.query({ orgId: 'acme', to: future })).items).toHaveLength(4);
    const bad = await failure(
      alice.audit.events.query({ orgId: 'acme', action: 'tools.execute' as never }),
    );
    expect(bad.reason).toBe('INVALID_INPUT');
    // Filters narrow a log; they never widen it: bob's own log has nothing of carol's.
    const crossing = await h.as('bob').audit.events.query({ actor: 'carol' });
    expect(crossing.items).toStrictEqual([]);
  });

  it('lists a pending request to resume it, and cancels it', async () => {
    const bob = h.as('bob');
    const pending = await bob.connections.authorize.mutate({ toolkit: 'gmail', label: 'Work' });
    const listed = await bob.connections.pending.query();
    expect(listed).toStrictEqual([
      {
        requestId: pending.requestId,
        toolkit: 'gmail',
        scope: { kind: 'user', id: 'bob' },
        label: 'Work',
        reconnectOf: null,
        redirectUrl: pending.redirectUrl,
        createdAt: expect.any(String),
        expiresAt: pending.expiresAt,
      },
    ]);
    // Resuming is going back to the same consent page: it still answers.
    expect((await fetch(pending.redirectUrl)).status).toBe(200);
    expect(await h.as('alice').connections.pending.query()).toStrictEqual([]);
    expect(
      (await failure(h.as('alice').connections.cancel.mutate({ requestId: pending.requestId })))
        .reason,
    ).toBe('NOT_FOUND');
    expect(await bob.connections.cancel.mutate({ requestId: pending.requestId })).toStrictEqual({
      requestId: pending.requestId,
      status: 'FAILED',
      statusReason: 'CANCELLED',
    });
    expect(await bob.connections.pending.query()).toStrictEqual([]);
    expect(await bob.connections.request.query({ requestId: pending.requestId })).toMatchObject({
      status: 'FAILED',
      statusReason: 'CANCELLED',
    });
    const again = await failure(bob.connections.cancel.mutate({ requestId: pending.requestId }));
    expect(again.reason).toBe('REQUEST_NOT_PENDING');
  });
});
