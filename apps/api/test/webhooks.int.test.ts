import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { parseEvent } from '../src/events.js';
import { createRuntime } from '../src/runtime.js';
import { connect, failure, type Harness, rowCounts, startHarness } from './harness.js';
import { WebhookReceiver } from './webhook-receiver.js';

const COMPOSIO_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const FAST = {
  WEBHOOK_POLL_MS: '30',
  WEBHOOK_RETRY_SCALE: '0.001',
  WEBHOOK_TIMEOUT_MS: '400',
  COMPOSIO_WEBHOOK_SECRET: COMPOSIO_SECRET,
};

type Event = ReturnType<typeof parseEvent>;

/**
 * The events a receiver verified with `secret`, checked against their published shapes, in the
 * order they happened: deliveries run concurrently, so arrivals need not be in that order.
 */
const eventsOf = (receiver: WebhookReceiver, secret: string): Event[] =>
  receiver
    .verified(secret)
    .map((body) => parseEvent(body))
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));

async function settle(h: Harness, ms = 400) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  h.runtime.deps.deliveries?.wake();
  await new Promise((resolve) => setTimeout(resolve, ms));
}

describe.each(databaseKindsUnderTest())('webhooks on %s', (kind) => {
  let h: Harness;
  const acmeHook = new WebhookReceiver();
  const bobHook = new WebhookReceiver();
  let acmeSecret: string;
  let bobSecret: string;
  let acmeSlack: string;

  beforeAll(async () => {
    h = await startHarness(kind, FAST);
    await Promise.all([acmeHook.start(), bobHook.start()]);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await Promise.all([acmeHook.stop(), bobHook.stop()]);
  });

  it('subscribes endpoints, showing the signing secret once', async () => {
    const alice = h.as('alice');
    const created = await alice.webhooks.create.mutate({
      orgId: 'acme',
      url: acmeHook.url,
      events: [
        'policy.changed',
        'connection.requested',
        'connection.activated',
        'connection.expired',
        'member.removed',
        'member.added',
      ],
      description: 'Acme HQ',
    });
    acmeSecret = created.secret;
    expect(created).toMatchObject({
      scope: { kind: 'org', id: 'acme' },
      url: acmeHook.url,
      enabled: true,
      description: 'Acme HQ',
    });
    expect(created.secret).toMatch(/^whsec_/);
    const listed = await alice.webhooks.list.query({ orgId: 'acme' });
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(acmeSecret);
    bobSecret = (
      await h.as('bob').webhooks.create.mutate({
        url: bobHook.url,
        events: ['connection.requested', 'connection.activated', 'member.added'],
      })
    ).secret;
    // A member may not subscribe to the organization's events; that is recorded.
    expect(
      (
        await failure(
          h.as('bob').webhooks.create.mutate({
            orgId: 'acme',
            url: bobHook.url,
            events: ['policy.changed'],
          }),
        )
      ).reason,
    ).toBe('ROLE_REQUIRED');
  });

  it("delivers each lifecycle step's events, signed, to the endpoints of its scope only", async () => {
    const alice = h.as('alice');
    await alice.policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    acmeSlack = (
      await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'hq@acme.test' })
    ).id;
    await connect(h, 'bob', { toolkit: 'gmail', identity: 'bob@work.test', label: 'work' });
    await connect(h, 'bob', { toolkit: 'gmail', identity: 'bob@home.test', label: 'home' });
    await alice.orgs.members.remove.mutate({ orgId: 'acme', userId: 'carol' });
    await acmeHook.waitFor(4);
    await bobHook.waitFor(4);
    await settle(h);

    const acme = eventsOf(acmeHook, acmeSecret);
    expect(acme).toHaveLength(acmeHook.received.length);
    expect(acme.map((e) => [e.type, e.actor])).toStrictEqual([
      ['policy.changed', { kind: 'user', id: 'alice' }],
      ['connection.requested', { kind: 'user', id: 'alice' }],
      ['connection.activated', { kind: 'user', id: 'alice' }],
      ['member.removed', { kind: 'user', id: 'alice' }],
    ]);
    expect(acme.every((e) => e.scope.kind === 'org' && e.scope.id === 'acme')).toBe(true);
    const activated = acme[2] as Extract<Event, { type: 'connection.activated' }>;
    expect(activated.data.connection).toMatchObject({
      id: acmeSlack,
      toolkit: 'slack',
      upstreamIdentity: 'hq@acme.test',
    });
    expect(acme[3]?.data).toStrictEqual({ userId: 'carol', previousRole: 'viewer' });
    // Nothing of bob's own scope reached Acme's endpoint, and the other way round.
    expect(JSON.stringify(acmeHook.received)).not.toContain('bob@work.test');

    const bob = eventsOf(bobHook, bobSecret);
    expect(bob.map((e) => e.type)).toStrictEqual([
      'connection.requested',
      'connection.activated',
      'connection.requested',
      'connection.activated',
    ]);
    expect(bob.every((e) => e.scope.kind === 'user' && e.scope.id === 'bob')).toBe(true);
    expect(JSON.stringify(bobHook.received)).not.toContain('acme');
    // The event id is the webhook-id: a receiver's idempotency key.
    expect(bobHook.received.map((r) => r.headers['webhook-id']).sort()).toStrictEqual(
      bob.map((e) => e.id).sort(),
    );
    // Tokens and secrets never travel.
    expect(JSON.stringify([acmeHook.received, bobHook.received])).not.toMatch(
      /access_token|whsec_/,
    );
  });

  it("turns Composio's signed expiry webhook into the account's status and connection.expired", async () => {
    await h.control('/webhooks', {
      body: { url: `${h.url}/webhooks/composio`, secret: COMPOSIO_SECRET },
    });
    const before = acmeHook.received.length;
    await h.control(`/accounts/${acmeSlack}/expire`, {
      method: 'POST',
      body: { reason: 'OAuth refresh token expired' },
    });
    const sent = (await h.control('/webhooks')) as {
      sent: Array<{ status: number; body: string; headers: Record<string, string> }>;
    };
    expect(sent.sent.map((s) => s.status)).toStrictEqual([200]);
    // At once: no listing or execution needed to find out.
    expect(await h.as('alice').connections.get.query({ id: acmeSlack })).toMatchObject({
      status: 'EXPIRED',
      statusReason: 'OAuth refresh token expired',
    });
    await acmeHook.waitFor(before + 1);
    const expired = eventsOf(acmeHook, acmeSecret).at(-1);
    expect(expired).toMatchObject({
      type: 'connection.expired',
      actor: { kind: 'composio' },
      data: { connection: { id: acmeSlack, status: 'EXPIRED' } },
    });

    // The same webhook again (a retry, or a replay) changes nothing twice.
    const [first] = sent.sent;
    const counts = await rowCounts(h.db);
    const replay = await fetch(`${h.url}/webhooks/composio`, {
      method: 'POST',
      headers: first?.headers,
      body: first?.body,
    });
    expect(await replay.json()).toStrictEqual({ received: true, outcome: 'duplicate' });
    expect(await rowCounts(h.db)).toStrictEqual(counts);
  });

  it('refuses a forged, unsigned or stale Composio webhook with 401 and changes nothing', async () => {
    const counts = await rowCounts(h.db);
    const body = JSON.stringify({
      id: 'msg_x',
      type: 'composio.connected_account.expired',
      data: { id: acmeSlack },
    });
    const forged = await fetch(`${h.url}/webhooks/composio`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_x',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,bm90IGEgc2lnbmF0dXJl',
      },
      body,
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { reason: 'INVALID_SIGNATURE' } });
    const unsigned = await fetch(`${h.url}/webhooks/composio`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(await rowCounts(h.db)).toStrictEqual(counts);
  });

  it('retries a failing receiver with backoff until it answers: one success per event', async () => {
    const flaky = await new WebhookReceiver().start();
    try {
      const { secret, id } = await h
        .as('alice')
        .webhooks.create.mutate({ orgId: 'acme', url: flaky.url, events: ['policy.changed'] });
      flaky.script.push({ status: 500 }, { hang: true }, { status: 204 });
      await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'notion', scope: 'user' });
      await flaky.waitFor(3, 20_000);
      await settle(h);
      expect(flaky.received).toHaveLength(3);
      const ids = new Set(flaky.received.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(1);
      expect(eventsOf(flaky, secret)).toHaveLength(3);
      const { items } = await h.as('alice').webhooks.deliveries.query({ endpointId: id });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 204 });
      expect(items[0]?.attemptLog.map((a) => a.statusCode)).toStrictEqual([500, null, 204]);
      expect(items[0]?.attemptLog[1]?.error).toMatch(/no answer within 400 ms/);
      // Redelivering sends the same event again.
      await h.as('alice').webhooks.redeliver.mutate({ deliveryId: items[0]?.id ?? '' });
      await flaky.waitFor(4);
      expect(flaky.received[3]?.headers['webhook-id']).toBe(
        flaky.received[0]?.headers['webhook-id'],
      );
    } finally {
      await flaky.stop();
    }
  }, 40_000);

  it('signs with the old and the new secret for a day after a rotation', async () => {
    const alice = h.as('alice');
    const [endpoint] = await alice.webhooks.list.query({ orgId: 'acme' });
    const rotated = await alice.webhooks.rotateSecret.mutate({ endpointId: endpoint?.id ?? '' });
    expect(rotated.secret).not.toBe(acmeSecret);
    expect(rotated.previousSecretExpiresAt).not.toBeNull();
    const before = acmeHook.received.length;
    await alice.orgs.members.set.mutate({ orgId: 'acme', userId: 'erin', role: 'viewer' });
    await acmeHook.waitFor(before + 1);
    const latest = acmeHook.received.at(-1);
    expect(String(latest?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(eventsOf(acmeHook, rotated.secret).at(-1)?.type).toBe('member.added');
    expect(eventsOf(acmeHook, acmeSecret).at(-1)?.type).toBe('member.added');
  });

  it('refuses bad URLs, and private targets where they are not allowed, writing nothing', async () => {
    const alice = h.as('alice');
    const counts = await rowCounts(h.db);
    for (const url of [
      'ftp://example.test/x',
      'not a url',
      'http://user:pass@example.test/x',
      '',
    ]) {
      const refused = await failure(
        alice.webhooks.create.mutate({ orgId: 'acme', url, events: ['policy.changed'] }),
      );
      expect(refused.reason, url).toMatch(/^(INVALID_WEBHOOK_URL|INVALID_INPUT)$/);
    }
    expect(await rowCounts(h.db)).toStrictEqual(counts);
  });
});

describe('webhook targets in production mode (PGlite)', () => {
  let h: Harness;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    h = await startHarness('pglite', { ...FAST, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
    await receiver.start();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await receiver.stop();
  });

  it('refuses loopback, private, link-local and metadata addresses when saved', async () => {
    for (const url of [
      receiver.url,
      'http://localhost:8080/x',
      'http://10.0.0.5/x',
      'http://192.168.1.2/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:8080/x',
      'http://[fd00::1]/x',
      'http://[::ffff:127.0.0.1]/x',
    ]) {
      const refused = await failure(
        h.as('alice').webhooks.create.mutate({ orgId: 'acme', url, events: ['policy.changed'] }),
      );
      expect(refused.reason, url).toBe('INVALID_WEBHOOK_URL');
    }
  });

  it('checks the address again when it delivers: a target saved where it was allowed is not reached', async () => {
    // Saved through an instance that allows private targets; delivered by this one, which does not.
    const lenient = await createRuntime(testConfig({ ...FAST, WEBHOOK_DELIVERY: 'false' }), {
      logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
      db: h.db,
      gateway: h.runtime.deps.gateway,
    });
    const app = await buildApp(lenient.deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { createSwitchboardClient } = await import('../src/client.js');
      const alice = createSwitchboardClient({
        url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
        getToken: () => h.token('alice'),
      });
      const { id } = await alice.webhooks.create.mutate({
        orgId: 'acme',
        url: receiver.url,
        events: ['policy.changed'],
      });
      await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'github', scope: 'user' });
      await settle(h, 300);
      expect(receiver.received).toHaveLength(0);
      const { items } = await h.as('alice').webhooks.deliveries.query({ endpointId: id });
      expect(items[0]?.attemptLog[0]?.error).toBe('TARGET_FORBIDDEN');
    } finally {
      await app.close();
      await lenient.close();
    }
  });
});
