import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import cors from '@fastify/cors';
import type { FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { AppError } from './errors.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerHealthRoutes } from './http/health.routes.js';
import { registerMetricsRoute } from './http/metrics.route.js';
import { registerMcpRoutes } from './mcp/mcp.routes.js';
import { type AppRouter, appRouter } from './modules/app.router.js';
import { registerAuditExportRoute } from './modules/audit/audit-export.route.js';
import { registerCallbackRoute } from './modules/connections/callback.route.js';
import { registerComposioWebhookRoute } from './modules/connections/composio-webhook.route.js';
import type { AppDeps } from './platform/deps.js';
import { registerTrpcRoute, type TrpcRouteOptions } from './platform/direct-trpc/trpc.route.js';
import { securityHeaders } from './platform/security-headers.js';
import { contextFactory } from './trpc/context.js';

/** Log fields that may carry credentials never reach the logs. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.apiKey',
  '*.access_token',
];

/**
 * Requests Node's HTTP parser refuses before any route runs (a query input too large for a URL,
 * broken framing) still get an answer a client can branch on, in the shape of a tRPC error.
 */
function answerMalformedRequest(error: Error & { code?: string }, socket: Duplex) {
  if (!socket.writable) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message =
    status === 431
      ? 'The request line or headers are too large; send large inputs in a POST body'
      : 'Malformed HTTP request';
  const body = JSON.stringify({
    error: {
      message,
      code: -32600,
      data: { code: 'BAD_REQUEST', httpStatus: status, reason: 'INVALID_INPUT' },
    },
  });
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** The whole HTTP face of Switchboard; never listens, so tests can use it as they like. */
export async function buildApp(
  deps: AppDeps,
  options: { trpc?: TrpcRouteOptions } = {},
): Promise<FastifyInstance> {
  const { config } = deps;
  const { tracing } = deps.telemetry;
  const app = Fastify({
    logger: { level: config.LOG_LEVEL, redact: { paths: REDACT, censor: '[redacted]' } },
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Traced, a request's id is its trace id (the caller's `traceparent`, or a new trace), so a
    // log line leads to its trace; a caller's `x-request-id` is not taken then.
    requestIdHeader: tracing ? false : 'x-request-id',
    genReqId: tracing
      ? (req) => tracing.requestIds.forRequest(req.url ?? '', req.headers)
      : () => randomUUID(),
    routerOptions: { maxParamLength: 5_000 },
    clientErrorHandler: answerMalformedRequest,
  });

  // First, so each request's span starts before any other hook runs.
  if (tracing) await app.register(tracing.fastifyPlugin());

  // The API serves JSON and redirects only, so no Content-Security-Policy (the web app sets its own).
  const security = securityHeaders({ contentSecurityPolicy: false });
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(security);
    reply.header('x-request-id', req.id);
    done();
  });
  const webOrigin = new URL(config.WEB_ORIGIN).origin;
  // A function, so other origins get no CORS headers at all rather than a mismatching one.
  await app.register(cors, {
    origin: (origin, allow) => allow(null, origin === webOrigin),
    methods: ['GET', 'POST'],
  });

  // Read once the server listens: server.address() is a system call, and MCP asks on every request.
  let listeningUrl: string | undefined;
  const publicUrl = () => {
    if (config.PUBLIC_URL) return config.PUBLIC_URL;
    if (listeningUrl) return listeningUrl;
    const address = app.server.address() as AddressInfo | null;
    const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${address?.port ?? config.PORT}`;
    if (address) listeningUrl = url;
    return url;
  };

  registerErrorHandler(app, config.NODE_ENV === 'production');
  registerHealthRoutes(app, deps);
  registerMetricsRoute(app, deps);
  registerCallbackRoute(app, deps);
  registerComposioWebhookRoute(app, deps);
  registerAuditExportRoute(app, deps);
  registerMcpRoutes(app, deps, publicUrl);
  registerTrpcRoute(
    app,
    '/trpc',
    {
      router: appRouter,
      createContext: contextFactory(deps, publicUrl),
      onError({ error, path, ctx }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          ctx?.log.error({ err: error.cause ?? error, path }, 'procedure failed');
        }
      },
      responseMeta({ errors }) {
        const retryAfter = errors
          .map((error) =>
            error.cause instanceof AppError ? error.cause.retryAfterSeconds : undefined,
          )
          .find((seconds) => seconds !== undefined);
        return retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } };
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
    options.trpc,
  );
  await app.after();
  return app;
}
