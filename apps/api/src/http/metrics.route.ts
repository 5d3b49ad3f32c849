import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/deps.js';

/** Compared as digests, so neither the token's length nor its bytes leak through timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * `GET /metrics`: the Prometheus text exposition of this instance's metrics, when
 * `METRICS_ENABLED` (otherwise there is no such route: 404). With `METRICS_TOKEN` set, only a
 * scraper sending `Authorization: Bearer <token>` is answered; anyone else gets 401.
 */
export function registerMetricsRoute(app: FastifyInstance, deps: AppDeps) {
  const { metrics } = deps.telemetry;
  if (!metrics) return;
  const token = deps.config.METRICS_TOKEN;
  app.get('/metrics', async (req, reply) => {
    if (token !== undefined) {
      const header = req.headers.authorization ?? '';
      const given = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (given === undefined || !sameToken(given, token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({
            error: {
              reason: 'UNAUTHENTICATED',
              message: 'GET /metrics wants Authorization: Bearer <METRICS_TOKEN>',
            },
          });
      }
    }
    const body = await metrics.scrape();
    return reply
      .header('content-type', metrics.contentType)
      .header('cache-control', 'no-store')
      .send(body);
  });
}
