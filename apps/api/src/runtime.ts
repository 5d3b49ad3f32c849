import { type ComposioGateway, createComposioGateway } from '@switchboard/composio-gateway';
import { createDb, type Database, migrateToLatest } from '@switchboard/db';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import { type AppDeps, createDeps, type Logger } from './platform/deps.js';
import { createTelemetry, type Telemetry } from './platform/telemetry.js';

export interface Runtime {
  deps: AppDeps;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger: Logger;
  /** Use this database instead of opening one from the configuration (tests). */
  db?: Kysely<Database>;
  /** Use this gateway instead of building one from the configuration (tests). */
  gateway?: ComposioGateway;
  now?: () => Date;
  /**
   * The app's metrics and traces, when the caller built them to open `db` or `gateway` with
   * (tests); otherwise built here, before the database and the gateway it opens.
   */
  telemetry?: Telemetry;
}

export class MissingComposioError extends Error {
  override name = 'MissingComposioError';
}

/**
 * Opens what the app runs on from the configuration (the database, PostgreSQL or PGlite,
 * migrated; Composio; Redis when configured) and builds the app's dependencies on it. Composio
 * is always reached through `COMPOSIO_API_KEY` and `COMPOSIO_BASE_URL`: `pnpm dev` and the tests
 * start the emulator themselves and point the API at it.
 */
export async function createRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const closers: Array<() => Promise<unknown> | unknown> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await Promise.resolve(closer()).catch(() => undefined);
  };
  const telemetry = options.telemetry ?? createTelemetry(config);
  const observer = telemetry.database ? { observer: telemetry.database } : {};
  try {
    let db = options.db;
    if (!db) {
      const opened = config.DATABASE_URL
        ? createDb({ url: config.DATABASE_URL, ...observer })
        : createDb({ dataDir: `${config.DATA_DIR}/pglite`, ...observer });
      closers.push(() => opened.close());
      await migrateToLatest(opened.db);
      db = opened.db;
    }

    let gateway = options.gateway;
    if (!gateway) {
      if (!config.COMPOSIO_API_KEY) {
        throw new MissingComposioError(
          'COMPOSIO_API_KEY is not set: give the Composio project API key (and COMPOSIO_BASE_URL ' +
            'for another endpoint); `pnpm dev` starts the local emulator and sets both',
        );
      }
      gateway = createComposioGateway({
        apiKey: config.COMPOSIO_API_KEY,
        ...(config.COMPOSIO_BASE_URL ? { baseUrl: config.COMPOSIO_BASE_URL } : {}),
        timeoutMs: config.COMPOSIO_TIMEOUT_MS,
        logger: options.logger,
        ...(telemetry.gateway ? { observer: telemetry.gateway } : {}),
      });
    }

    let redis: Redis | undefined;
    if (config.REDIS_URL) {
      // Commands fail at once while Redis is unreachable (no offline queue, a short command
      // timeout), so limits fall back to per-instance counters instead of waiting on it.
      const client = new Redis(config.REDIS_URL, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        commandTimeout: 500,
      });
      client.on('error', (error: unknown) =>
        options.logger.warn({ err: error }, 'Redis connection error'),
      );
      closers.push(() => client.quit().catch(() => client.disconnect()));
      redis = client;
    }

    const platform = createDeps(config, {
      db,
      gateway,
      redis,
      logger: options.logger,
      telemetry,
      ...(options.now ? { now: options.now } : {}),
    });
    closers.push(() => platform.close());
    platform.start();
    return { deps: platform.deps, close };
  } catch (error) {
    await close();
    await telemetry.close();
    throw error;
  }
}
