import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createEmulator, type RunningEmulator } from '@switchboard/composio-emulator';
import {
  createTestDatabase,
  databaseKindsUnderTest,
  type TestDatabase,
} from '@switchboard/db/testing';
import { parseUserId } from '@switchboard/identity';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createTokenService } from '../../src/auth/tokens.js';
import { createSwitchboardClient } from '../../src/client.js';
import { testConfig } from '../../src/config.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { seedDemo } from '../../src/seed.js';
import { type Harness, startHarness } from '../harness.js';
import { WebhookReceiver } from '../webhook-receiver.js';

/**
 * Webhook delivery where it is hard: two instances sharing the outbox of one PostgreSQL (each
 * event delivered once between them), and an API killed with SIGKILL while events are pending
 * (delivered after the restart, nothing lost).
 */
const hasPostgres = databaseKindsUnderTest().includes('postgres');
const apiRoot = fileURLToPath(new URL('../../', import.meta.url));
const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/** Distinct webhook ids a receiver got, and how many requests in all. */
function tally(receiver: WebhookReceiver) {
  const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
  return { requests: ids.length, distinct: new Set(ids).size };
}

async function until(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(hasPostgres)('two instances share the webhook outbox (PostgreSQL)', () => {
  let h: Harness;
  let second: { runtime: Runtime; app: FastifyInstance };
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    const settings = { WEBHOOK_POLL_MS: '20' };
    h = await startHarness('postgres', settings);
    const runtime = await createRuntime(h.config, {
      logger: silent,
      db: h.db,
      gateway: h.runtime.deps.gateway,
    });
    const app = await buildApp(runtime.deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    second = { runtime, app };
    await receiver.start();
  }, 60_000);
  afterAll(async () => {
    await second?.app.close();
    await second?.runtime.close();
    await h?.close();
    await receiver.stop();
  });

  it('delivers 1,000 events exactly once between them', async () => {
    const alice = h.as('alice');
    await alice.webhooks.create.mutate({
      orgId: 'acme',
      url: receiver.url,
      events: ['policy.changed'],
    });
    const EVENTS = 1_000;
    const started = Date.now();
    let next = 0;
    // Ten writers change policies (one event each) while both instances' workers deliver.
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < EVENTS) {
          const n = next++;
          await alice.policies.set.mutate({
            orgId: 'acme',
            toolkit: `kit${n % 50}`,
            scope: n % 2 === 0 ? 'org' : 'user',
          });
        }
      }),
    );
    await until(() => tally(receiver).distinct >= EVENTS, 60_000, '1,000 deliveries');
    const took = Date.now() - started;
    // From the event's commit to its arrival: what a receiver waits (the figures in the note).
    const lags = receiver.received
      .map((r) => r.at - Date.parse((JSON.parse(r.body) as { occurredAt: string }).occurredAt))
      .sort((x, y) => x - y);
    const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))];
    console.log(
      `webhooks (${h.kind}): ${EVENTS} events written and delivered by two instances in ${took} ms; ` +
        `commit → receiver p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${lags.at(-1)} ms`,
    );
    // Anything in flight lands, then nothing more arrives.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(tally(receiver)).toStrictEqual({ requests: EVENTS, distinct: EVENTS });
    const rows = await h.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'attempts'])
      .execute();
    expect(rows.length).toBe(EVENTS);
    expect(rows.every((row) => row.status === 'delivered' && row.attempts === 1)).toBe(true);
  }, 120_000);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.runIf(hasPostgres)(
  'an API killed with SIGKILL while events are pending (PostgreSQL)',
  () => {
    let database: TestDatabase;
    let emulator: RunningEmulator;
    let api: ChildProcess | undefined;
    const receiver = new WebhookReceiver();
    const secret = 'kill-secret-kill-secret-kill-secret-01';
    let url = '';
    let port = 0;

    const start = async () => {
      const child = spawn(
        process.execPath,
        ['--conditions=@switchboard/source', '--import', 'tsx', 'src/main.ts'],
        {
          cwd: apiRoot,
          env: {
            ...process.env,
            NODE_ENV: 'test',
            HOST: '127.0.0.1',
            PORT: String(port),
            DATABASE_URL: database.url ?? '',
            AUTH_MODE: 'jwt',
            AUTH_JWT_SECRET: secret,
            COMPOSIO_API_KEY: emulator.apiKey,
            COMPOSIO_BASE_URL: emulator.url,
            LOG_LEVEL: 'silent',
            WEBHOOK_POLL_MS: '50',
            WEBHOOK_RETRY_SCALE: '0.0001',
            WEBHOOK_TIMEOUT_MS: '2000',
            REDIS_URL: '',
          },
          stdio: 'ignore',
        },
      );
      for (let i = 0; i < 300; i += 1) {
        const ready = await fetch(`${url}/readyz`).catch(() => undefined);
        if (ready?.status === 200) return child;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the API did not start');
    };

    beforeAll(async () => {
      database = await createTestDatabase('postgres');
      await seedDemo(database.db);
      emulator = await createEmulator({ port: 0, controls: true });
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
      await receiver.start();
    }, 60_000);
    afterAll(async () => {
      api?.kill('SIGKILL');
      await emulator?.close();
      await receiver.stop();
      await database?.destroy();
    });

    it('delivers every undelivered event after the restart', async () => {
      api = await start();
      const tokens = createTokenService(testConfig({ AUTH_JWT_SECRET: secret, AUTH_MODE: 'jwt' }));
      const token = await tokens.sign?.(parseUserId('alice'));
      const alice = createSwitchboardClient({ url, getToken: () => token ?? '' });
      await alice.webhooks.create.mutate({
        orgId: 'acme',
        url: receiver.url,
        events: ['policy.changed'],
      });
      // The receiver is down: every attempt hangs until the process is killed.
      for (let i = 0; i < 200; i += 1) receiver.script.push({ hang: true });
      const EVENTS = 20;
      for (let n = 0; n < EVENTS; n += 1) {
        await alice.policies.set.mutate({ orgId: 'acme', toolkit: `kit${n}`, scope: 'user' });
      }
      await until(() => receiver.received.length > 0, 10_000, 'a first attempt');
      api.kill('SIGKILL');
      await new Promise((resolve) => api?.once('exit', resolve));
      const pending = await database.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', '=', 'delivered')
        .execute();
      expect(pending).toHaveLength(0);

      // Back up, and so is the receiver: the lapsed claims are taken again and everything arrives.
      receiver.script.length = 0;
      receiver.received.length = 0;
      api = await start();
      await until(
        () => tally(receiver).distinct >= EVENTS,
        30_000,
        'every event after the restart',
      );
      // The receiver has them; each worker records its success right after the answer.
      const deliveredRows = async () =>
        (
          await database.db
            .selectFrom('webhook_deliveries')
            .select('id')
            .where('status', '=', 'delivered')
            .execute()
        ).length;
      let delivered = 0;
      for (let i = 0; i < 100 && delivered < EVENTS; i += 1) {
        delivered = await deliveredRows();
        if (delivered < EVENTS) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(delivered).toBe(EVENTS);
      const rows = await database.db.selectFrom('webhook_deliveries').select('status').execute();
      expect(rows).toHaveLength(EVENTS);
      expect(tally(receiver).distinct).toBe(EVENTS);
    }, 90_000);
  },
);
