import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAudited } from './audit-helpers.js';
import { connect, failure, type Harness, startHarness } from './harness.js';

describe.each(databaseKindsUnderTest())('multi-user (B2C) on %s', (kind) => {
  let h: Harness;
  let aliceGithub: string;
  let bobGithub: string;

  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('alice connects GitHub through authorize → consent page → callback, and the browser lands on the web app', async () => {
    const connected = await connect(h, 'alice', {
      toolkit: 'github',
      identity: 'alice-gh@example.test',
      label: 'Work',
    });
    aliceGithub = connected.id;
    const landing = new URL(connected.webRedirect);
    expect(landing.origin).toBe(new URL(h.config.WEB_ORIGIN).origin);
    expect(landing.searchParams.get('request_id')).toBe(connected.requestId);
    expect(landing.searchParams.get('status')).toBe('ACTIVE');

    const listed = await h.as('alice').connections.list.query();
    expect(listed).toStrictEqual([
      {
        id: aliceGithub,
        toolkit: 'github',
        scope: { kind: 'user', id: 'alice' },
        label: 'Work',
        upstreamIdentity: 'alice-gh@example.test',
        status: 'ACTIVE',
        statusReason: null,
        isDefault: false,
        connectedAt: expect.any(String),
        connectedBy: 'alice',
      },
    ]);
  });

  it('alice lists her own repositories through her account', async () => {
    const result = await expectAudited(
      h,
      { actor: 'alice', scope: { kind: 'user', id: 'alice' }, decision: 'allowed' },
      () => h.as('alice').tools.execute.mutate({ tool: 'GITHUB_LIST_REPOS', arguments: {} }),
    );
    expect(result.successful).toBe(true);
    expect(result.connectedAccountId).toBe(aliceGithub);
    expect(result.scope).toStrictEqual({ kind: 'user', id: 'alice' });
    expect(JSON.stringify(result.data)).toContain('alice-gh/');
  });

  it('bob connects his own GitHub and sees only his repositories and accounts', async () => {
    bobGithub = (await connect(h, 'bob', { toolkit: 'github', identity: 'bob-gh@example.test' }))
      .id;
    const result = await h
      .as('bob')
      .tools.execute.mutate({ tool: 'GITHUB_LIST_REPOS', arguments: {} });
    expect(result.connectedAccountId).toBe(bobGithub);
    const data = JSON.stringify(result.data);
    expect(data).toContain('bob-gh/');
    expect(data).not.toContain('alice-gh');
    const listed = await h.as('bob').connections.list.query();
    expect(listed.map((account) => account.id)).toStrictEqual([bobGithub]);
  });

  it("bob naming alice's connected account gets NOT_FOUND, and nothing executes at Composio", async () => {
    await h.control('/requests', { method: 'DELETE' });
    const refused = await expectAudited(
      h,
      {
        actor: 'bob',
        scope: { kind: 'user', id: 'bob' },
        decision: 'denied',
        denyReason: 'NOT_FOUND',
      },
      () =>
        failure(
          h.as('bob').tools.execute.mutate({
            tool: 'GITHUB_LIST_REPOS',
            arguments: {},
            connectedAccountId: aliceGithub,
          }),
        ),
    );
    expect(refused).toMatchObject({ code: 'NOT_FOUND', reason: 'NOT_FOUND', httpStatus: 404 });
    const { items: requests } = (await h.control('/requests')) as {
      items: Array<{ method: string; path: string }>;
    };
    expect(requests.filter((r) => r.path.includes('/tools/execute'))).toStrictEqual([]);
  });

  it("alice's account is NOT_FOUND to bob for every account procedure", async () => {
    const bob = h.as('bob');
    for (const call of [
      () => bob.connections.get.query({ id: aliceGithub }),
      () => bob.connections.update.mutate({ id: aliceGithub, label: 'mine now' }),
      () => bob.connections.disable.mutate({ id: aliceGithub }),
      () => bob.connections.refresh.mutate({ id: aliceGithub }),
      () => bob.connections.reconnect.mutate({ id: aliceGithub }),
      () => bob.connections.delete.mutate({ id: aliceGithub }),
    ]) {
      expect(await failure(call())).toMatchObject({ code: 'NOT_FOUND', reason: 'NOT_FOUND' });
    }
    const still = await h.as('alice').connections.get.query({ id: aliceGithub });
    expect(still).toMatchObject({ id: aliceGithub, label: 'Work', status: 'ACTIVE' });
  });

  it('a connection request is visible only to whoever asked for it', async () => {
    const pending = await h.as('alice').connections.authorize.mutate({ toolkit: 'notion' });
    expect(
      await failure(h.as('bob').connections.request.query({ requestId: pending.requestId })),
    ).toMatchObject({
      reason: 'NOT_FOUND',
    });
    expect(
      await h.as('alice').connections.request.query({ requestId: pending.requestId }),
    ).toMatchObject({
      status: 'INITIATED',
      toolkit: 'notion',
    });
  });

  it('listing reconciles the map with Composio: an account expired upstream shows as EXPIRED with its reason', async () => {
    const notion = (
      await connect(h, 'carol', { toolkit: 'notion', identity: 'carol@example.test' })
    ).id;
    await h.control(`/accounts/${notion}/expire`, {
      method: 'POST',
      body: { reason: 'TOKEN_REVOKED' },
    });
    const listed = await h.as('carol').connections.list.query({ toolkit: 'notion' });
    expect(listed).toMatchObject([
      { id: notion, status: 'EXPIRED', statusReason: 'TOKEN_REVOKED' },
    ]);
    expect(await h.as('carol').connections.get.query({ id: notion })).toMatchObject({
      status: 'EXPIRED',
    });
  });

  it('two pending requests for the same label: the second account to connect is left unlabelled', async () => {
    const carol = h.as('carol');
    const first = await carol.connections.authorize.mutate({ toolkit: 'gmail', label: 'Main' });
    const second = await carol.connections.authorize.mutate({ toolkit: 'gmail', label: 'Main' });
    const { completeConsent } = await import('@switchboard/composio-emulator');
    for (const [pending, identity] of [
      [first, 'carol-a@example.test'],
      [second, 'carol-b@example.test'],
    ] as const) {
      const consent = await completeConsent(pending.redirectUrl, { decision: 'approve', identity });
      const callback = await fetch(consent.location ?? '', { redirect: 'manual' });
      expect(new URL(callback.headers.get('location') ?? '').searchParams.get('status')).toBe(
        'ACTIVE',
      );
    }
    const listed = await carol.connections.list.query({ toolkit: 'gmail' });
    expect(listed.map((account) => [account.upstreamIdentity, account.label]).sort()).toStrictEqual(
      [
        ['carol-a@example.test', 'Main'],
        ['carol-b@example.test', null],
      ],
    );
  });
});
