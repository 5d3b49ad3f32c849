import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, failure, type Harness, startHarness } from './harness.js';

describe.each(databaseKindsUnderTest())('several accounts per toolkit on %s', (kind) => {
  let h: Harness;
  let work: string;
  let home: string;
  const bob = () => h.as('bob');
  const listMessages = (extra: { orgId?: string; connectedAccountId?: string } = {}) =>
    bob().tools.execute.mutate({ tool: 'GMAIL_LIST_MESSAGES', arguments: {}, ...extra });

  beforeAll(async () => {
    h = await startHarness(kind);
    work = (
      await connect(h, 'bob', {
        toolkit: 'gmail',
        label: 'Work',
        identity: 'bob-work@example.test',
      })
    ).id;
    home = (
      await connect(h, 'bob', {
        toolkit: 'gmail',
        label: 'Personal',
        identity: 'bob-home@example.test',
      })
    ).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('both accounts are listed with their labels and upstream identities', async () => {
    const listed = await bob().connections.list.query({ toolkit: 'gmail' });
    expect(listed.map((a) => [a.id, a.label, a.upstreamIdentity])).toStrictEqual([
      [home, 'Personal', 'bob-home@example.test'],
      [work, 'Work', 'bob-work@example.test'],
    ]);
  });

  it('without a choice, the most recently connected account is used', async () => {
    const result = await listMessages();
    expect(result.connectedAccountId).toBe(home);
    expect(JSON.stringify(result.data)).toContain('bob-home@example.test');
  });

  it('with connectedAccountId, the chosen one', async () => {
    const result = await listMessages({ connectedAccountId: work });
    expect(result.connectedAccountId).toBe(work);
    expect(JSON.stringify(result.data)).toContain('bob-work@example.test');
  });

  it('labels are unique per scope and toolkit', async () => {
    expect(
      await failure(bob().connections.update.mutate({ id: home, label: 'Work' })),
    ).toMatchObject({
      code: 'CONFLICT',
      reason: 'LABEL_TAKEN',
    });
  });

  it('with requireExplicitSelection, no choice fails with AMBIGUOUS_ACCOUNT listing both', async () => {
    await h.as('alice').policies.set.mutate({
      orgId: 'acme',
      toolkit: 'gmail',
      scope: 'user',
      requireExplicitSelection: true,
    });
    const refused = await failure(listMessages({ orgId: 'acme' }));
    expect(refused).toMatchObject({ code: 'PRECONDITION_FAILED', reason: 'AMBIGUOUS_ACCOUNT' });
    const candidates = ((refused.details?.candidates ?? []) as Array<{ id: string }>)
      .map((c) => c.id)
      .sort();
    expect(candidates).toStrictEqual([home, work].sort());
    expect(
      (await listMessages({ orgId: 'acme', connectedAccountId: work })).connectedAccountId,
    ).toBe(work);
  });

  it('after pinning the older account, it is used', async () => {
    const pinned = await bob().connections.update.mutate({ id: work, makeDefault: true });
    expect(pinned.isDefault).toBe(true);
    expect((await listMessages()).connectedAccountId).toBe(work);
    expect((await listMessages({ orgId: 'acme' })).connectedAccountId).toBe(work);
    const listed = await bob().connections.list.query({ toolkit: 'gmail' });
    expect(listed.filter((a) => a.isDefault).map((a) => a.id)).toStrictEqual([work]);
  });

  it('after the pinned account expires: ACCOUNT_INACTIVE, never a silent switch', async () => {
    await h.control(`/accounts/${work}/expire`, { method: 'POST' });
    const refused = await failure(listMessages());
    expect(refused).toMatchObject({ code: 'PRECONDITION_FAILED', reason: 'ACCOUNT_INACTIVE' });
    expect(refused.details?.connectedAccountId).toBe(work);
    const listed = await bob().connections.list.query({ toolkit: 'gmail' });
    expect(listed.find((a) => a.id === work)).toMatchObject({ status: 'EXPIRED', isDefault: true });
    expect(listed.find((a) => a.id === work)?.statusReason).toEqual(expect.any(String));
    expect(await failure(listMessages())).toMatchObject({ reason: 'ACCOUNT_INACTIVE' });
  });

  it('only an ACTIVE account can be pinned', async () => {
    expect(
      await failure(bob().connections.update.mutate({ id: work, makeDefault: true })),
    ).toMatchObject({
      reason: 'ACCOUNT_INACTIVE',
    });
  });

  it('reconnect re-authorizes the expired account in place: same id, label and pin', async () => {
    const pending = await bob().connections.reconnect.mutate({ id: work });
    const { completeConsent } = await import('@switchboard/composio-emulator');
    const consent = await completeConsent(pending.redirectUrl, {
      decision: 'approve',
      identity: 'bob-work@example.test',
    });
    if (consent.location) await fetch(consent.location, { redirect: 'manual' });
    const status = await bob().connections.request.query({ requestId: pending.requestId });
    expect(status).toMatchObject({ status: 'ACTIVE', connectedAccountId: work });
    const account = await bob().connections.get.query({ id: work });
    expect(account).toMatchObject({ id: work, label: 'Work', isDefault: true, status: 'ACTIVE' });
    expect((await listMessages()).connectedAccountId).toBe(work);
  });
});
