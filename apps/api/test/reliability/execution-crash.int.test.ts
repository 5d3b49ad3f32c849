import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createEmulator, type RunningEmulator } from '@switchboard/composio-emulator';
import {
  createTestDatabase,
  databaseKindsUnderTest,
  type TestDatabase,
} from '@switchboard/db/testing';
import { parseUserId } from '@switchboard/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../src/auth/tokens.js';
import { testConfig } from '../../src/config.js';
import { seedDemo } from '../../src/seed.js';

/**
 * The API process killed with SIGKILL in the middle of tool executions, then started again.
 * Every call gets an account of its own, so the emulator's execution log and the audit log can
 * be matched call by call: each execution the emulator received has exactly one audit row, none
 * stays `pending` once the restarted instance has swept, and no row says `success` for a call
 * the emulator never got. PostgreSQL only: two processes in turn on one database.
 */
const hasPostgres = databaseKindsUnderTest().includes('postgres');
const apiRoot = fileURLToPath(new URL('../../', import.meta.url));
const secret = 'crash-secret-crash-secret-crash-secret-1';
const TOOL = 'GITHUB_CREATE_ISSUE';
const ACCOUNTS = 300;
const WORKERS = 16;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(hasPostgres)('an API killed with SIGKILL mid-execution (PostgreSQL)', () => {
  let database: TestDatabase;
  let emulator: RunningEmulator;
  let api: ChildProcess | undefined;
  let url = '';
  let port = 0;
  const accounts: Array<{ id: string; login: string }> = [];

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
          // A pending row may wait 2 × 1 s + 1 s before the sweeper gives up on it.
          COMPOSIO_TIMEOUT_MS: '1000',
          EXECUTION_SWEEP_INTERVAL_MS: '200',
          RATE_LIMIT_USER_PER_MINUTE: '100000',
          LOG_LEVEL: 'silent',
          WEBHOOK_DELIVERY: 'false',
          REDIS_URL: '',
        },
        stdio: 'ignore',
      },
    );
    for (let i = 0; i < 300; i += 1) {
      const ready = await fetch(`${url}/readyz`).catch(() => undefined);
      if (ready?.status === 200) return child;
      await sleep(100);
    }
    throw new Error('the API did not start');
  };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await seedDemo(database.db);
    emulator = await createEmulator({ port: 0, controls: true });
    port = await freePort();
    url = `http://127.0.0.1:${port}`;

    // Bob's accounts, one per call: seeded at the emulator, mirrored in the account map.
    const seeded = await fetch(`${emulator.url}/_emulator/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        accounts: Array.from({ length: ACCOUNTS }, (_, i) => ({
          user_id: 'bob',
          toolkit: 'github',
          identity: `bob${i}@example.test`,
        })),
      }),
    });
    const { items } = (await seeded.json()) as {
      items: Array<{ id: string; auth_config_id: string }>;
    };
    const now = Date.now();
    await database.db
      .insertInto('connected_accounts')
      .values(
        items.map((item, i) => ({
          id: item.id,
          toolkit: 'github',
          auth_config_id: item.auth_config_id,
          label: `crash ${i}`,
          upstream_identity: `bob${i}@example.test`,
          status: 'ACTIVE' as const,
          status_reason: null,
          scope_kind: 'user' as const,
          scope_user_id: 'bob',
          scope_org_id: null,
          composio_user_id: 'bob',
          connected_by: 'bob',
          connected_at: new Date(now - i * 1000),
        })),
      )
      .execute();
    accounts.push(...items.map((item, i) => ({ id: item.id, login: `bob${i}` })));
    // Every execution spends a while at Composio, so a kill lands in the middle of some.
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'POST',
        path: `/api/v3.1/tools/execute/${TOOL}`,
        latencyMs: 120,
      }),
    });
  }, 60_000);

  afterAll(async () => {
    api?.kill('SIGKILL');
    await emulator?.close();
    await database?.destroy();
  });

  it('leaves exactly one settled audit row per execution Composio received', async () => {
    const tokens = createTokenService(testConfig({ AUTH_JWT_SECRET: secret, AUTH_MODE: 'jwt' }));
    const token = (await tokens.sign?.(parseUserId('bob'))) ?? '';
    let next = 0;
    let answered = 0;
    let sending = false;
    // Calls in flight when the process dies fail; no new ones start until it is back.
    const load = async () => {
      sending = true;
      const worker = async (n: number) => {
        while (sending && next < accounts.length) {
          const account = accounts[next++] as { id: string; login: string };
          await fetch(`${url}/trpc/tools.execute`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              tool: TOOL,
              connectedAccountId: account.id,
              arguments: { owner: account.login, repo: 'notes', title: `crash test ${n}` },
              // Half the calls are keyed: the keys' path must leave the same trail.
              ...(next % 2 === 0 ? { idempotencyKey: randomUUID() } : {}),
            }),
          })
            .then(async (response) => {
              await response.text();
              if (response.status === 200) answered += 1;
            })
            .catch(() => undefined);
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n)));
    };

    api = await start();
    const killed = api;
    const running = load();
    await sleep(1_000);
    sending = false;
    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.once('exit', resolve));
    await running;
    const sentBeforeKill = next;

    const leftPending = await database.db
      .selectFrom('tool_executions')
      .select('execution_id')
      .where('outcome', '=', 'pending')
      .execute();
    expect(leftPending.length, 'the kill cut executions off mid-call').toBeGreaterThan(0);

    api = await start();
    const after = load();
    await sleep(1_000);
    sending = false;
    await after;
    expect(next).toBeGreaterThan(sentBeforeKill);

    // The restarted instance's sweeper settles what the killed one left, once its deadline passed.
    // Keys of cut-off calls say `unknown` (or are freed when the call was never made) too.
    const unsettled = async () => {
      const pending = await database.db
        .selectFrom('tool_executions')
        .select('id')
        .where('outcome', '=', 'pending')
        .execute();
      const running = await database.db
        .selectFrom('idempotency_keys')
        .select('key')
        .where('status', '=', 'running')
        .execute();
      return { pending: pending.length, runningKeys: running.length };
    };
    for (let i = 0; i < 100; i += 1) {
      const left = await unsettled();
      if (left.pending === 0 && left.runningKeys === 0) break;
      await sleep(100);
    }
    expect(await unsettled()).toStrictEqual({ pending: 0, runningKeys: 0 });

    const executions = (
      (await (
        await fetch(`${emulator.url}/_emulator/executions?user_id=bob&tool=${TOOL}`)
      ).json()) as {
        items: Array<{ accountId: string }>;
      }
    ).items;
    const rows = await database.db
      .selectFrom('tool_executions')
      .select(['connected_account_id', 'outcome'])
      .where('actor_user_id', '=', 'bob')
      .where('tool', '=', TOOL)
      .execute();
    const executed = new Map<string, number>();
    for (const e of executions) executed.set(e.accountId, (executed.get(e.accountId) ?? 0) + 1);
    const audited = new Map<string, string[]>();
    for (const row of rows) {
      const id = row.connected_account_id ?? '';
      audited.set(id, [...(audited.get(id) ?? []), row.outcome]);
    }

    expect(executions.length).toBeGreaterThan(answered / 2);
    for (const [accountId, times] of executed) {
      expect(times, `${accountId} executed more than once`).toBe(1);
      const outcomes = audited.get(accountId) ?? [];
      expect(outcomes, `audit rows of ${accountId}, which Composio ran`).toHaveLength(1);
      expect(['success', 'unknown']).toContain(outcomes[0]);
    }
    for (const [accountId, outcomes] of audited) {
      expect(outcomes.length, `audit rows of ${accountId}`).toBe(1);
      if (!executed.has(accountId)) {
        expect(outcomes[0], `${accountId} never reached Composio`).not.toBe('success');
      }
    }
    const unknown = rows.filter((row) => row.outcome === 'unknown').length;
    expect(unknown).toBeGreaterThanOrEqual(1);
    console.info(
      `crash test: ${next} calls sent (${sentBeforeKill} before the kill), ${executions.length} executed at the emulator, ${answered} answered, ${unknown} settled as unknown`,
    );
  }, 90_000);
});
