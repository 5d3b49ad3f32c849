import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Harness, startHarness } from '../harness.js';
import { rawCall } from '../raw-call.js';

/**
 * A minute of mixed load from the benchmark's scenarios: zero errors, and no steady memory
 * growth (RSS at the end within 10% of RSS after warm-up).
 */
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
// V8 grows its heap to the load's working size over the first seconds; measure from there.
const WARM_UP_SECONDS = Number(process.env.SOAK_WARM_UP_SECONDS ?? 20);
const CONCURRENCY = 8;
const kind = databaseKindsUnderTest().includes('postgres') ? 'postgres' : 'pglite';

/** RSS after a full collection (vitest starts the API's tests with --expose-gc). */
function settledRss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

describe(`soak: ${SOAK_SECONDS}s of mixed load after ${WARM_UP_SECONDS}s of warm-up on ${kind}`, () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind, {
      RATE_LIMIT_USER_PER_MINUTE: '1000000',
      RATE_LIMIT_ORG_PER_MINUTE: '1000000',
    });
    await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'acme@example.test' });
    await connect(h, 'bob', { toolkit: 'github', identity: 'bob-gh@example.test' });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it(
    'serves every request and holds its memory steady',
    async () => {
      const token = await h.token('bob');
      const calls = [
        () => rawCall(h, 'me.get', 'query', undefined, token),
        () => rawCall(h, 'connections.list', 'query', { orgId: 'acme' }, token),
        () =>
          rawCall(
            h,
            'tools.list',
            'query',
            { orgId: 'acme', toolkits: ['github', 'slack'] },
            token,
          ),
        () =>
          rawCall(
            h,
            'tools.execute',
            'mutation',
            { tool: 'GITHUB_LIST_REPOS', arguments: {} },
            token,
          ),
        () =>
          rawCall(
            h,
            'tools.execute',
            'mutation',
            { tool: 'SLACK_LIST_CHANNELS', orgId: 'acme', arguments: {} },
            token,
          ),
      ];
      const errors: string[] = [];
      let requests = 0;
      const deadline = performance.now() + (WARM_UP_SECONDS + SOAK_SECONDS) * 1000;
      const worker = async (n: number) => {
        let i = n;
        while (performance.now() < deadline) {
          const call = calls[i % calls.length];
          i += 1;
          if (!call) continue;
          const response = await call();
          requests += 1;
          if (response.status !== 200 && errors.length < 20)
            errors.push(`${response.status} ${response.text.slice(0, 200)}`);
        }
      };
      // The emulator shares this process; its request log is test bookkeeping, not the API's memory.
      const trimEmulatorLog = setInterval(
        () => void h.control('/requests', { method: 'DELETE' }).catch(() => undefined),
        2_000,
      );
      let warmRss = 0;
      const warmUp = setTimeout(() => {
        warmRss = process.memoryUsage().rss;
      }, WARM_UP_SECONDS * 1000);
      try {
        await Promise.all(Array.from({ length: CONCURRENCY }, (_, n) => worker(n)));
      } finally {
        clearInterval(trimEmulatorLog);
        clearTimeout(warmUp);
      }
      const endRss = settledRss();

      const growth = warmRss > 0 ? (endRss - warmRss) / warmRss : 0;
      console.info(
        `soak (${kind}): ${requests} requests in ${WARM_UP_SECONDS}+${SOAK_SECONDS}s, ${errors.length} errors, ` +
          `RSS ${(warmRss / 2 ** 20).toFixed(0)} MB after warm-up → ${(endRss / 2 ** 20).toFixed(0)} MB (${(growth * 100).toFixed(1)}%)`,
      );
      expect(errors).toStrictEqual([]);
      expect(requests).toBeGreaterThan((WARM_UP_SECONDS + SOAK_SECONDS) * 10);
      expect(warmRss).toBeGreaterThan(0);
      expect(growth).toBeLessThan(0.1);
    },
    (SOAK_SECONDS + 60) * 1000,
  );
});
