import type { ComposioGateway, ToolDefinition } from '@switchboard/composio-gateway';
import type { Database } from '@switchboard/db';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { TokenService } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { TtlCache } from '../limits/ttl-cache.js';
import type { AuditWriter } from '../repos/audit-writer.js';
import type { CallerReads } from '../repos/caller-reads.js';
import type { InFlight } from './in-flight.js';

/** What the app is built from; tests pass real ones built for the test. */
export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  gateway: ComposioGateway;
  tokens: TokenService;
  limiter: RateLimiter;
  /** Cached `tools.list` answers; shared through Redis when it is configured. */
  toolListCache: TtlCache<ToolDefinition[]>;
  now: () => Date;
  /** Records tool execution attempts (rule 9), committed before the caller is answered. */
  audit: AuditWriter;
  /** The caller's memberships (and accounts), read for concurrent requests together. */
  callers: CallerReads;
  /** For work outside a request (background reconciliation). */
  logger: { warn(obj: object, message?: string): void };
  /** Procedures still running, for a shutdown that loses no audit row. */
  inFlight: InFlight;
  /** Checks that the database answers; used by /readyz. */
  pingDatabase: () => Promise<void>;
}

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
