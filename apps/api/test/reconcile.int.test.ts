import { setTimeout as sleep } from 'node:timers/promises';
import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Harness, startHarness } from './harness.js';

/** Account listings Switchboard asked the emulator for since the log was last cleared. */
async function upstreamListings(h: Harness): Promise<number> {
  const { items } = (await h.control('/requests')) as {
    items: Array<{ method: string; path: string }>;
  };
  return items.filter((r) => r.method === 'GET' && r.path.endsWith('/connected_accounts')).length;
}

describe.each(databaseKindsUnderTest())('connections.list reconciliation on %s', (kind) => {
  let h: Harness;
  let notion: string;

  beforeAll(async () => {
    h = await startHarness(kind, { RECONCILE_INTERVAL_SECONDS: '1' });
    notion = (await connect(h, 'carol', { toolkit: 'notion', identity: 'carol@example.test' })).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('asks Composio on a scope’s first listing, then at most once per RECONCILE_INTERVAL_SECONDS', async () => {
    const carol = h.as('carol');
    await h.control('/requests', { method: 'DELETE' });
    expect(await carol.connections.list.query()).toMatchObject([{ id: notion, status: 'ACTIVE' }]);
    expect(await upstreamListings(h)).toBe(1);

    await h.control(`/accounts/${notion}/expire`, {
      method: 'POST',
      body: { reason: 'TOKEN_REVOKED' },
    });
    // Within the interval the map is served as it is: no call to Composio, the old status.
    for (let i = 0; i < 3; i++) {
      expect(await carol.connections.list.query()).toMatchObject([{ status: 'ACTIVE' }]);
    }
    expect(await upstreamListings(h)).toBe(1);

    await sleep(1_100);
    // Past it, one listing starts a reconcile in the background; a later one shows its result.
    let status = (await carol.connections.list.query())[0]?.status;
    for (let i = 0; i < 50 && status !== 'EXPIRED'; i++) {
      await sleep(20);
      status = (await carol.connections.list.query())[0]?.status;
    }
    expect(status).toBe('EXPIRED');
    expect(await upstreamListings(h)).toBe(2);
  });

  it('connections.refresh of an account deleted at Composio marks it REVOKED, as a listing would', async () => {
    const dave = h.as('dave');
    const { id } = await connect(h, 'dave', { toolkit: 'github', identity: 'dave@example.test' });
    const deleted = await fetch(`${h.emulator.url}/api/v3.1/connected_accounts/${id}`, {
      method: 'DELETE',
      headers: { 'x-api-key': h.emulator.apiKey },
    });
    expect(deleted.ok).toBe(true);
    expect(await dave.connections.refresh.mutate({ id })).toMatchObject({
      id,
      status: 'REVOKED',
      statusReason: 'DELETED_UPSTREAM',
    });
    expect(await dave.connections.get.query({ id })).toMatchObject({ status: 'REVOKED' });
  });
});
