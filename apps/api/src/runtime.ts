import type { RunningEmulator } from '@switchboard/composio-emulator';
import type { ToolDefinition } from '@switchboard/composio-gateway';
import { type ComposioGateway, createComposioGateway } from '@switchboard/composio-gateway';
import { createDb, migrateToLatest } from '@switchboard/db';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { createTokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { createMemoryRateLimiter, createRedisRateLimiter } from './limits/rate-limiter.js';
import { createMemoryCache, createRedisCache } from './limits/ttl-cache.js';
import { AuditWriter } from './repos/audit-writer.js';
import { CallerReads } from './repos/caller-reads.js';
import type { AppDeps } from './trpc/context.js';
import { InFlight } from './trpc/in-flight.js';

const TOOL_LIST_TTL_MS = 5 * 60_000;

export interface Runtime {
  deps: AppDeps;
  /** The embedded emulator, when no Composio API key is configured (dev and tests). */
  emulator: RunningEmulator | undefined;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error' | 'debug'>;
  /** Use this database instead of opening one from the configuration (tests). */
  db?: AppDeps['db'];
  /** Use this gateway instead of building one (tests that share one emulator). */
  gateway?: ComposioGateway;
  now?: () => Date;
}

/**
 * Builds what the app runs on from the configuration: the database (PostgreSQL or PGlite,
 * migrated), Composio (the cloud, or the embedded emulator on loopback), Redis when configured.
 */
export async function createRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    let database = options.db;
    if (!database) {
      const opened = config.DATABASE_URL
        ? createDb({ url: config.DATABASE_URL })
        : createDb({ dataDir: `${config.DATA_DIR}/pglite` });
      closers.push(() => opened.close());
      await migrateToLatest(opened.db);
      database = opened.db;
    }
    const db = database;

    let emulator: RunningEmulator | undefined;
    let gateway = options.gateway;
    if (!gateway) {
      let apiKey = config.COMPOSIO_API_KEY;
      let baseUrl = config.COMPOSIO_BASE_URL;
      if (!apiKey) {
        if (config.NODE_ENV === 'production') {
          throw new Error(
            'COMPOSIO_API_KEY is required in production; the emulator is for dev and tests',
          );
        }
        // Loaded only when used: production with a real key never carries the emulator.
        const { createEmulator } = await import('@switchboard/composio-emulator');
        const started = await createEmulator({ port: 0, controls: true });
        closers.push(() => started.close());
        emulator = started;
        apiKey = started.apiKey;
        baseUrl = started.url;
        options.logger.info({ url: started.url }, 'using the embedded Composio emulator');
      }
      gateway = createComposioGateway({
        apiKey: apiKey as string,
        ...(baseUrl ? { baseUrl } : {}),
        timeoutMs: config.COMPOSIO_TIMEOUT_MS,
        logger: options.logger,
      });
    }

    let redis: Redis | undefined;
    if (config.REDIS_URL) {
      redis = new Redis(config.REDIS_URL, {
        maxRetriesPerRequest: 2,
        enableOfflineQueue: true,
        lazyConnect: false,
      });
      const client = redis;
      closers.push(() => client.quit());
    }

    const deps: AppDeps = {
      config,
      db,
      gateway,
      tokens: createTokenService(config),
      limiter: redis ? createRedisRateLimiter(redis) : createMemoryRateLimiter(),
      toolListCache: redis
        ? createRedisCache<ToolDefinition[]>(redis, 'sb:tools:', TOOL_LIST_TTL_MS)
        : createMemoryCache<ToolDefinition[]>(TOOL_LIST_TTL_MS),
      audit: new AuditWriter(db),
      callers: new CallerReads(db),
      now: options.now ?? (() => new Date()),
      inFlight: new InFlight(),
      logger: options.logger,
      pingDatabase: async () => {
        await sql`select 1`.execute(db);
      },
    };
    return { deps, emulator, close };
  } catch (error) {
    await close();
    throw error;
  }
}
