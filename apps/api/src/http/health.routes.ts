import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/deps.js';

const READY_TIMEOUT_MS = 800;

async function check(probe: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([probe(), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz`: the process is up. `/readyz`: its database and Composio answer, within a second.
 * Redis, when configured, is reported but does not make the instance unready: without it, rate
 * limits fall back to per-instance counters and tool lists to per-instance caches.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: AppDeps) {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const { pingRedis } = deps;
    const [database, composio, redis] = await Promise.all([
      check(deps.pingDatabase),
      check(() => deps.gateway.ping()),
      pingRedis ? check(pingRedis) : undefined,
    ]);
    const ready = database.ok && composio.ok;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      checks: { database, composio, ...(redis ? { redis } : {}) },
    });
  });
}
