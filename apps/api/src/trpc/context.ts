import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../platform/deps.js';

export interface Context {
  deps: AppDeps;
  requestId: string;
  log: FastifyBaseLogger;
  authorization: string | undefined;
  /** This API's own base URL, where Composio sends browsers back (the OAuth callback). */
  publicUrl: () => string;
}

export function contextFactory(deps: AppDeps, publicUrl: () => string) {
  return ({ req }: CreateFastifyContextOptions): Context => ({
    deps,
    requestId: String(req.id),
    log: req.log,
    authorization: req.headers.authorization,
    publicUrl,
  });
}
