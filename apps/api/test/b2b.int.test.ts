import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAudited } from './audit-helpers.js';
import { connect, failure, type Harness, startHarness } from './harness.js';

const ACME = { kind: 'org', id: 'acme' } as const;

describe.each(databaseKindsUnderTest())('organization (B2B) on %s', (kind) => {
  let h: Harness;
  let acmeSlack: string;

  beforeAll(async () => {
    h = await startHarness(kind);
    await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("alice (owner) connects Slack for Acme: the account belongs to Acme's scope", async () => {
    acmeSlack = (
      await connect(h, 'alice', {
        toolkit: 'slack',
        orgId: 'acme',
        identity: 'acme-bot@example.test',
      })
    ).id;
    const listed = await h.as('bob').connections.list.query({ orgId: 'acme', include: 'org' });
    expect(listed).toMatchObject([
      { id: acmeSlack, toolkit: 'slack', scope: ACME, connectedBy: 'alice', status: 'ACTIVE' },
    ]);
  });

  it("bob (member) sends a message, and the emulator shows it sent from Acme's Slack account", async () => {
    const result = await expectAudited(h, { actor: 'bob', scope: ACME, decision: 'allowed' }, () =>
      h.as('bob').tools.execute.mutate({
        tool: 'SLACK_SEND_MESSAGE',
        orgId: 'acme',
        arguments: { channel: '#general', text: 'hello from bob' },
      }),
    );
    expect(result).toMatchObject({ successful: true, connectedAccountId: acmeSlack, scope: ACME });
    const state = JSON.stringify(await h.control(`/messages?account_id=${acmeSlack}`));
    expect(state).toContain('hello from bob');
  });

  it('carol (viewer) may list but not execute: FORBIDDEN / ROLE_REQUIRED', async () => {
    const tools = await h.as('carol').tools.list.query({ orgId: 'acme', toolkits: ['slack'] });
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((tool) => tool.scope.kind === 'org' && tool.canExecute === false)).toBe(
      true,
    );
    const refused = await expectAudited(
      h,
      { actor: 'carol', scope: ACME, decision: 'denied', denyReason: 'ROLE_REQUIRED' },
      () =>
        failure(
          h.as('carol').tools.execute.mutate({
            tool: 'SLACK_SEND_MESSAGE',
            orgId: 'acme',
            arguments: { channel: '#general', text: 'carol was here' },
          }),
        ),
    );
    expect(refused).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED', httpStatus: 403 });
    expect(JSON.stringify(await h.control(`/messages?account_id=${acmeSlack}`))).not.toContain(
      'carol was here',
    );
  });

  it("dave (no organization) gets NOT_FOUND for Acme's accounts, tools and audit", async () => {
    const dave = h.as('dave');
    const attempt = () =>
      failure(
        dave.tools.execute.mutate({
          tool: 'SLACK_SEND_MESSAGE',
          orgId: 'acme',
          arguments: { channel: '#general', text: 'dave was here' },
        }),
      );
    expect(
      await expectAudited(
        h,
        { actor: 'dave', scope: ACME, decision: 'denied', denyReason: 'NOT_FOUND' },
        attempt,
      ),
    ).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'NOT_FOUND',
    });
    for (const call of [
      () => dave.connections.list.query({ orgId: 'acme' }),
      () => dave.connections.get.query({ id: acmeSlack }),
      () => dave.tools.list.query({ orgId: 'acme', toolkits: ['slack'] }),
      () => dave.audit.list.query({ orgId: 'acme' }),
      () => dave.orgs.get.query({ orgId: 'acme' }),
      () => dave.orgs.members.list.query({ orgId: 'acme' }),
      () => dave.policies.list.query({ orgId: 'acme' }),
    ]) {
      expect(await failure(call())).toMatchObject({ code: 'NOT_FOUND', reason: 'NOT_FOUND' });
    }
  });

  it("Acme's audit log shows every attempt, and only to admins", async () => {
    const log = await h.as('alice').audit.list.query({ orgId: 'acme' });
    expect(log.items.map((row) => [row.actorUserId, row.decision, row.denyReason])).toStrictEqual([
      ['dave', 'denied', 'NOT_FOUND'],
      ['carol', 'denied', 'ROLE_REQUIRED'],
      ['bob', 'allowed', null],
    ]);
    expect(await failure(h.as('bob').audit.list.query({ orgId: 'acme' }))).toMatchObject({
      reason: 'ROLE_REQUIRED',
    });
  });

  it('once bob is removed, his next call fails', async () => {
    await h.as('alice').orgs.members.remove.mutate({ orgId: 'acme', userId: 'bob' });
    const refused = await expectAudited(
      h,
      { actor: 'bob', scope: ACME, decision: 'denied', denyReason: 'NOT_FOUND' },
      () =>
        failure(
          h.as('bob').tools.execute.mutate({
            tool: 'SLACK_SEND_MESSAGE',
            orgId: 'acme',
            arguments: { channel: '#general', text: 'after removal' },
          }),
        ),
    );
    expect(refused).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(h.as('bob').connections.list.query({ orgId: 'acme' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it("after alice hands ownership to carol and leaves, Acme's Slack still works for members", async () => {
    await h.as('alice').orgs.members.set.mutate({ orgId: 'acme', userId: 'carol', role: 'owner' });
    await h.as('alice').orgs.members.remove.mutate({ orgId: 'acme', userId: 'alice' });
    await h.as('carol').orgs.members.set.mutate({ orgId: 'acme', userId: 'bob', role: 'member' });
    expect(await failure(h.as('alice').connections.list.query({ orgId: 'acme' }))).toMatchObject({
      code: 'NOT_FOUND',
    });

    const result = await expectAudited(h, { actor: 'bob', scope: ACME, decision: 'allowed' }, () =>
      h.as('bob').tools.execute.mutate({
        tool: 'SLACK_SEND_MESSAGE',
        orgId: 'acme',
        arguments: { channel: '#general', text: 'still works' },
      }),
    );
    expect(result).toMatchObject({ successful: true, connectedAccountId: acmeSlack });
    const account = await h.as('carol').connections.get.query({ id: acmeSlack });
    expect(account).toMatchObject({ scope: ACME, connectedBy: 'alice', status: 'ACTIVE' });
  });

  it('the last owner cannot leave or be demoted', async () => {
    expect(
      await failure(h.as('carol').orgs.members.remove.mutate({ orgId: 'acme', userId: 'carol' })),
    ).toMatchObject({
      reason: 'LAST_OWNER',
    });
    expect(
      await failure(
        h.as('carol').orgs.members.set.mutate({ orgId: 'acme', userId: 'carol', role: 'admin' }),
      ),
    ).toMatchObject({ reason: 'LAST_OWNER' });
  });
});
