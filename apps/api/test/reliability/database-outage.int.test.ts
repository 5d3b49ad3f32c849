import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Harness, startHarness } from '../harness.js';
import { rawCall } from '../raw-call.js';
import { TcpProxy } from './tcp-proxy.js';

/**
 * PostgreSQL stopped under load, simulated by cutting a proxy in front of it: /readyz reports
 * 503 within a second, requests fail cleanly with a reason, service resumes once it is back, and
 * every execution that reported success has exactly one audit row. Calls the outage cut off
 * between their written-ahead row and its settlement are swept to `unknown`: none stays
 * `pending`, and no row claims success for a call the emulator never got.
 */
const hasPostgres = databaseKindsUnderTest().includes('postgres');

interface Outcome {
  phase: 'before' | 'outage' | 'after';
  status: number;
  reason: string | undefined;
  executionId?: string;
}

describe.runIf(hasPostgres)('PostgreSQL outage under load', () => {
  let h: Harness;
  let proxy: TcpProxy;
  let bobGithub: string;

  beforeAll(async () => {
    const target = new URL(process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432');
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    h = await startHarness(
      'postgres',
      {
        RATE_LIMIT_USER_PER_MINUTE: '100000',
        // Pending rows are given up on 2 × 1 s + 1 s after they were written.
        COMPOSIO_TIMEOUT_MS: '1000',
        EXECUTION_SWEEP_INTERVAL_MS: '200',
      },
      {
        databaseUrl: (url) => {
          const viaProxy = new URL(url);
          viaProxy.hostname = '127.0.0.1';
          viaProxy.port = String(proxy.port);
          return viaProxy.toString();
        },
      },
    );
    bobGithub = (await connect(h, 'bob', { toolkit: 'github', identity: 'bob-gh@example.test' }))
      .id;
    // Each execution spends a while at Composio, so the cut finds some between their
    // written-ahead row and its settlement.
    await h.control('/faults', {
      body: { method: 'POST', path: '/api/v3.1/tools/execute/GITHUB_LIST_REPOS', latencyMs: 100 },
    });
  }, 60_000);

  afterAll(async () => {
    await proxy?.start().catch(() => undefined);
    await h?.close();
    await proxy?.stop();
  });

  const readyStatus = async () => (await fetch(`${h.url}/readyz`)).status;

  it('degrades cleanly and recovers, without lost or duplicated audit rows', async () => {
    const token = await h.token('bob');
    const outcomes: Outcome[] = [];
    let phase: Outcome['phase'] = 'before';
    let running = true;

    const worker = async (n: number) => {
      while (running) {
        // A request is counted in the phase it finished in: in-flight ones fail with the outage.
        if (n % 2 === 0) {
          const r = await rawCall(
            h,
            'tools.execute',
            'mutation',
            { tool: 'GITHUB_LIST_REPOS', arguments: {} },
            token,
          );
          const executionId = (r.body as { result?: { data?: { executionId?: string } } }).result
            ?.data?.executionId;
          outcomes.push({
            phase,
            status: r.status,
            reason: r.reason,
            ...(executionId ? { executionId } : {}),
          });
        } else {
          const r = await rawCall(h, 'connections.list', 'query', undefined, token);
          outcomes.push({ phase, status: r.status, reason: r.reason });
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_, n) => worker(n));
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    await sleep(1_000);
    // The calls that reach Composio from here wait there past the cut, so the cut finds some
    // between their written-ahead row and its settlement however busy the machine is.
    const latency = (latencyMs: number) =>
      h.control('/faults', {
        body: { method: 'POST', path: '/api/v3.1/tools/execute/GITHUB_LIST_REPOS', latencyMs },
      });
    await h.control('/faults', { method: 'DELETE' });
    // (700 ms: under the 1 s Composio timeout, so they are answered, and longer than the wait).
    await latency(700);
    await sleep(300);
    phase = 'outage';
    const cutAt = performance.now();
    await proxy.stop();
    while ((await readyStatus()) !== 503) await sleep(20);
    const detectedMs = performance.now() - cutAt;
    await sleep(1_500);

    await h.control('/faults', { method: 'DELETE' });
    await latency(100);
    await proxy.start();
    const restoredAt = performance.now();
    while ((await readyStatus()) !== 200) await sleep(50);
    const recoveredMs = performance.now() - restoredAt;
    await sleep(300);
    phase = 'after';
    await sleep(1_000);
    running = false;
    await Promise.all(workers);

    expect(detectedMs, '/readyz reports 503 within a second').toBeLessThan(1_000);
    expect(recoveredMs).toBeLessThan(5_000);
    const byPhase = (p: Outcome['phase']) => outcomes.filter((o) => o.phase === p);
    expect(byPhase('before').filter((o) => o.status !== 200)).toStrictEqual([]);
    expect(byPhase('after').length).toBeGreaterThan(10);
    expect(byPhase('after').filter((o) => o.status !== 200)).toStrictEqual([]);
    const failedDuringOutage = byPhase('outage').filter((o) => o.status !== 200);
    expect(failedDuringOutage.length).toBeGreaterThan(0);
    for (const o of failedDuringOutage) {
      expect(o.status, JSON.stringify(o)).toBe(503);
      expect(o.reason).toBe('DATABASE_UNAVAILABLE');
    }

    const reportedSuccess = outcomes.flatMap((o) =>
      o.status === 200 && o.executionId ? [o.executionId] : [],
    );
    const rows = await h.db
      .selectFrom('tool_executions')
      .select(['execution_id'])
      .where('execution_id', 'in', reportedSuccess)
      .execute();
    expect(rows).toHaveLength(reportedSuccess.length);
    expect(new Set(rows.map((r) => r.execution_id)).size).toBe(reportedSuccess.length);

    // Once the sweeper has passed, no attempt is left pending, and the audit log accounts for
    // every execution the emulator ran: at least one row each (success, or unknown when the
    // outage took the settlement), and no more successes than executions.
    const outcomesOf = () =>
      h.db
        .selectFrom('tool_executions')
        .select('outcome')
        .where('connected_account_id', '=', bobGithub)
        .where('decision', '=', 'allowed')
        .execute();
    let settled = await outcomesOf();
    for (let i = 0; i < 100 && settled.some((o) => o.outcome === 'pending'); i += 1) {
      await sleep(100);
      settled = await outcomesOf();
    }
    expect(settled.filter((o) => o.outcome === 'pending')).toStrictEqual([]);
    const count = (outcome: string) => settled.filter((o) => o.outcome === outcome).length;
    expect(settled.length).toBe(count('success') + count('unknown'));
    const executed = (
      (await h.control(`/executions?account_id=${bobGithub}&tool=GITHUB_LIST_REPOS`)) as {
        items: unknown[];
      }
    ).items.length;
    expect(count('success')).toBeLessThanOrEqual(executed);
    expect(executed).toBeLessThanOrEqual(count('success') + count('unknown'));
    expect(count('unknown'), 'the cut caught executions mid-call').toBeGreaterThan(0);
    console.info(
      `database outage: ${executed} executions at the emulator, ${count('success')} rows success, ${count('unknown')} unknown`,
    );
  }, 60_000);
});
