import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { toAppError } from '../platform/error-mapping.js';

/**
 * Plain routes' failures (tRPC's are mapped in its procedure middleware): gateway and database
 * errors become the API's reasons, answered as JSON with the status tRPC would give them.
 * Fastify's own client errors (a malformed body, one too large) keep Fastify's answer; anything
 * else is a 500 that shows no internals in production.
 */
export function registerErrorHandler(app: FastifyInstance, production: boolean) {
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const mapped = toAppError(error);
    if (mapped instanceof AppError) {
      const status = getHTTPStatusCodeFromError(
        new TRPCError({ code: mapped.code, message: mapped.message }),
      );
      if (mapped.retryAfterSeconds !== undefined) {
        reply.header('retry-after', String(mapped.retryAfterSeconds));
      }
      if (status >= 500) req.log.warn({ err: error }, 'request failed');
      return reply.code(status).send({
        error: {
          reason: mapped.reason,
          message: mapped.message,
          ...(mapped.details ? { details: mapped.details } : {}),
        },
      });
    }
    // Thrown from an error handler, it reaches Fastify's own, which answers as it always has.
    if (error.statusCode !== undefined && error.statusCode < 500) throw error;
    req.log.error({ err: error }, 'request failed');
    return reply.code(500).send({
      error: {
        reason: 'INTERNAL',
        message: production ? 'Internal server error' : error.message,
      },
    });
  });
}
