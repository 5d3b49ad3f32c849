import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { connect, type Harness, startHarness } from '../harness.js';
import { TcpProxy } from './tcp-proxy.js';

/**
 * Redis stopped under load, simulated by cutting a proxy in front of it, with two API instances
 * sharing it: executions go on, counted per instance against the same limits, and every attempt
 * is audited; once Redis is back the instances count together again.
 */
const redisUrl = process.env.REDIS_URL;
const LIMIT = 30;

interface Attempt {
  status: number;
  reason: string | undefined;
}

describe.runIf(redisUrl)('Redis outage under load, two instances', () => {
  let h: Harness;
  let proxy: TcpProxy;
  let second: { runtime: Runtime; app: FastifyInstance; url: string };
  let direct: Redis;
  const prefix = `sb-test-${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    const target = new URL(redisUrl ?? 'redis://127.0.0.1:6379');
    proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await proxy.start();
    const config = {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_USER_PER_MINUTE: String(LIMIT),
    };
    h = await startHarness('pglite', config);
    const runtime = await createRuntime(h.config, {
      logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
      db: h.db,
      gateway: h.runtime.deps.gateway,
    });
    const app = await buildApp(runtime.deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    second = {
      runtime,
      app,
      url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    };
    direct = new Redis(redisUrl ?? '');
    for (const [user, identity] of [
      ['alice', 'alice-gh@example.test'],
      ['bob', 'bob-gh@example.test'],
      ['dave', 'dave-gh@example.test'],
    ] as const) {
      await connect(h, user, { toolkit: 'github', identity });
    }
  }, 90_000);

  afterAll(async () => {
    await proxy?.start().catch(() => undefined);
    await second?.app.close();
    await second?.runtime.close();
    await h?.close();
    await proxy?.stop();
    const keys = (await direct?.keys(`${prefix}*`)) ?? [];
    if (keys.length > 0) await direct.del(...keys);
    direct?.disconnect();
  });

  /** `count` executions by `user`, alternating between the instances, `concurrency` at a time. */
  async function execute(user: string, count: number, concurrency = 8): Promise<Attempt[]> {
    const token = await h.token(user);
    const urls = [h.url, second.url];
    const attempts: Attempt[] = [];
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const n = next++;
        const response = await fetch(`${urls[n % 2]}/trpc/tools.execute`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ tool: 'GITHUB_LIST_REPOS', arguments: {} }),
        });
        const body = (await response.json()) as { error?: { data?: { reason?: string } } };
        attempts.push({ status: response.status, reason: body.error?.data?.reason });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return attempts;
  }

  const tally = (attempts: Attempt[]) => ({
    ok: attempts.filter((a) => a.status === 200).length,
    limited: attempts.filter((a) => a.reason === 'RATE_LIMITED').length,
    other: attempts.filter((a) => a.status !== 200 && a.reason !== 'RATE_LIMITED'),
  });

  const auditedFor = async (user: string) => {
    const rows = await h.db
      .selectFrom('tool_executions')
      .select(['outcome', 'error_code'])
      .where('actor_user_id', '=', user)
      .execute();
    return {
      rows: rows.length,
      success: rows.filter((r) => r.outcome === 'success').length,
      limited: rows.filter((r) => r.error_code === 'RATE_LIMITED').length,
    };
  };

  const redisCheck = async (url: string) => {
    const body = (await (await fetch(`${url}/readyz`)).json()) as {
      checks: { redis?: { ok: boolean } };
    };
    return body.checks.redis?.ok;
  };

  async function until(condition: () => Promise<boolean>, what: string) {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('counts together, then per instance while Redis is gone, then together again', async () => {
    // Redis up: the two instances share one counter.
    const shared = tally(await execute('alice', LIMIT + 10));
    expect(shared).toStrictEqual({ ok: LIMIT, limited: 10, other: [] });
    expect(Number(await direct.get(`${prefix}rl:user:alice`))).toBe(LIMIT + 10);

    // Redis gone: every execution is answered, each instance counting against the limit alone.
    await proxy.stop();
    await until(
      async () => (await redisCheck(h.url)) === false && (await redisCheck(second.url)) === false,
      'both instances to see Redis gone',
    );
    const outage = tally(await execute('bob', 2 * LIMIT + 20));
    expect(outage).toStrictEqual({ ok: 2 * LIMIT, limited: 20, other: [] });
    expect(await auditedFor('bob')).toStrictEqual({
      rows: 2 * LIMIT + 20,
      success: 2 * LIMIT,
      limited: 20,
    });
    expect(await direct.get(`${prefix}rl:user:bob`)).toBeNull();

    // Redis back: shared limits resume.
    await proxy.start();
    await until(
      async () => (await redisCheck(h.url)) === true && (await redisCheck(second.url)) === true,
      'both instances to reconnect',
    );
    const resumed = tally(await execute('dave', LIMIT + 10));
    expect(resumed).toStrictEqual({ ok: LIMIT, limited: 10, other: [] });
    expect(await auditedFor('dave')).toStrictEqual({
      rows: LIMIT + 10,
      success: LIMIT,
      limited: 10,
    });
    expect(await auditedFor('alice')).toStrictEqual({
      rows: LIMIT + 10,
      success: LIMIT,
      limited: 10,
    });
  }, 90_000);
});
