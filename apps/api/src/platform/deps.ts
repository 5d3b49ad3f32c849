import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { ComposioGateway, ToolDefinition } from '@switchboard/composio-gateway';
import type { Database } from '@switchboard/db';
import type { Redis } from 'ioredis';
import { type Kysely, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import { createTokenService, type TokenService } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { AuditWriter } from '../modules/audit/audit-writer.js';
import { AuditRetention } from '../modules/audit/retention.js';
import { CallerReads } from '../modules/callers/caller-reads.js';
import { ReconcileState } from '../modules/connections/reconcile.service.js';
import { announceDenials } from '../modules/events/execution-events.js';
import { ArgumentValidators } from '../modules/tools/arguments.js';
import type { ExecuteOutput } from '../modules/tools/execution.service.js';
import { ExecutionSweeper, settleWindowMs } from '../modules/tools/execution-sweeper.js';
import { IdempotencyKeys } from '../modules/tools/idempotency.js';
import { DeliveryWorker } from '../modules/webhooks/delivery.js';
import { InFlight } from './in-flight.js';
import {
  createMemoryQuotas,
  createRedisQuotas,
  type ExecutionQuotas,
  type QuotaLimits,
  reportingRefusals,
} from './rate-limits.js';
import { createMemoryCache, createRedisCache, type SharedCache } from './shared-cache.js';
import { createTelemetry, type Telemetry } from './telemetry.js';

const TOOL_LIST_TTL_MS = 5 * 60_000;
/** Users already provisioned, so provisioning costs one insert per user, not per request. */
const KNOWN_USERS_MAX = 50_000;

export interface Logger {
  info(obj: object, message?: string): void;
  warn(obj: object, message?: string): void;
  error(obj: object, message?: string): void;
  debug(obj: object, message?: string): void;
}

/**
 * What the app runs on: its connections (database, Composio) and every cache, limiter and
 * batcher built on them, made once per app by {@link createDeps}. Tests build real ones.
 */
export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  gateway: ComposioGateway;
  tokens: TokenService;
  /** Tool executions per user and per organization (rule 11); shared through Redis if set. */
  quotas: ExecutionQuotas;
  /** `tools.list` answers from Composio; shared through Redis when it is configured. */
  toolLists: SharedCache<ToolDefinition[]>;
  /** Toolkits' display names by slug (`github` → `GitHub`), from Composio's catalog. */
  toolkitNames: SharedCache<Record<string, string>>;
  /** The MCP SDK's JSON Schema validator: its Ajv is costly to build, so once per app. */
  mcpSchemaValidator: AjvJsonSchemaValidator;
  /** Compiled JSON Schema validators of tools' arguments. */
  argumentValidators: ArgumentValidators;
  /** When each scope's accounts were last checked against Composio, and the checks running. */
  reconciles: ReconcileState;
  /** Users known to exist in this database. */
  knownUsers: LRUCache<string, true>;
  now: () => Date;
  /**
   * Records tool execution attempts (rule 9): refusals once, final; calls that reach Composio
   * written ahead as `pending` and settled after.
   */
  audit: AuditWriter;
  /** `tools.execute`'s idempotency keys, in the database so every instance shares them. */
  idempotency: IdempotencyKeys<ExecuteOutput>;
  /** Settles executions a stopped process left pending, and deletes expired keys. */
  sweeper: ExecutionSweeper;
  /** The caller's memberships (and accounts), read for concurrent requests together. */
  callers: CallerReads;
  /** For work outside a request (background reconciliation). */
  logger: Logger;
  /** Procedures still running, for a shutdown that loses no audit row. */
  inFlight: InFlight;
  /** Checks that the database answers; used by /readyz. */
  pingDatabase: () => Promise<void>;
  /** Checks that Redis answers, when it is configured; used by /readyz. */
  pingRedis: (() => Promise<void>) | undefined;
  /** Sends the outbox's webhook deliveries; absent when this instance does not (`WEBHOOK_DELIVERY`). */
  deliveries: DeliveryWorker | undefined;
  /** Metrics and traces of this app (either may be off). */
  telemetry: Telemetry;
  /** Deletes audit rows past `AUDIT_RETENTION_DAYS`; absent when they are kept forever. */
  retention: AuditRetention | undefined;
}

export interface DepsParts {
  db: Kysely<Database>;
  gateway: ComposioGateway;
  /** Shared counters and caches across instances; in-process ones without it. */
  redis?: Redis | undefined;
  now?: () => Date;
  logger: Logger;
  /**
   * Built before the database and the gateway when they are opened for this app, so they report
   * to it (`createTelemetry`); otherwise one is built here and sees neither's internals.
   */
  telemetry?: Telemetry | undefined;
}

export interface Platform {
  deps: AppDeps;
  /** Starts the background work (webhook deliveries, the execution sweeper, audit retention). */
  start(): void;
  /** Stops the background work and drops what the caches hold; the connections are closed by their owner. */
  close(): Promise<void>;
}

/** The one place every cache, limiter, batcher and compiled validator of the app is built. */
export function createDeps(config: Config, parts: DepsParts): Platform {
  const { db, redis, logger } = parts;
  const telemetry = parts.telemetry ?? createTelemetry(config);
  const { metrics } = telemetry;
  const limits: QuotaLimits = {
    userPerMinute: config.RATE_LIMIT_USER_PER_MINUTE,
    orgPerMinute: config.RATE_LIMIT_ORG_PER_MINUTE,
  };
  const toolLists = redis
    ? createRedisCache<ToolDefinition[]>(redis, {
        prefix: `${config.REDIS_KEY_PREFIX}tools:`,
        ttlMs: TOOL_LIST_TTL_MS,
        onRedisError: (error) => logger.warn({ err: error }, 'Redis failed; tool list not shared'),
      })
    : createMemoryCache<ToolDefinition[]>({ ttlMs: TOOL_LIST_TTL_MS });
  const toolkitNames = createMemoryCache<Record<string, string>>({ ttlMs: TOOL_LIST_TTL_MS });
  const knownUsers = new LRUCache<string, true>({ max: KNOWN_USERS_MAX });
  const argumentValidators = new ArgumentValidators();
  const now = parts.now ?? (() => new Date());
  const deliveries = config.WEBHOOK_DELIVERY
    ? new DeliveryWorker({
        db,
        now,
        rules: {
          allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
          requireHttps: config.NODE_ENV === 'production',
        },
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        pollMs: config.WEBHOOK_POLL_MS,
        retryScale: config.WEBHOOK_RETRY_SCALE,
        logger,
        ...(metrics && { onAttempt: (outcome) => metrics.delivery(outcome) }),
      })
    : undefined;
  const retention =
    config.AUDIT_RETENTION_DAYS === undefined
      ? undefined
      : new AuditRetention({
          db,
          days: config.AUDIT_RETENTION_DAYS,
          intervalMs: config.AUDIT_RETENTION_INTERVAL_SECONDS * 1000,
          now,
          logger,
        });
  const reconciles = new ReconcileState();
  const quotas = redis
    ? createRedisQuotas(redis, limits, `${config.REDIS_KEY_PREFIX}rl`)
    : createMemoryQuotas(limits);
  const audit = new AuditWriter(db);
  const idempotency = new IdempotencyKeys<ExecuteOutput>(db, {
    ttlMs: config.IDEMPOTENCY_TTL_SECONDS * 1000,
    waitMs: config.IDEMPOTENCY_WAIT_MS,
    now,
  });
  const sweeper = new ExecutionSweeper({
    audit,
    idempotency,
    settleWindowMs: settleWindowMs(config),
    intervalMs: config.EXECUTION_SWEEP_INTERVAL_MS,
    now,
    logger,
  });
  const deps: AppDeps = {
    config,
    db,
    gateway: parts.gateway,
    tokens: createTokenService(config),
    quotas: metrics ? reportingRefusals(quotas, (kind) => metrics.rateLimited(kind)) : quotas,
    toolLists,
    toolkitNames,
    argumentValidators,
    mcpSchemaValidator: new AjvJsonSchemaValidator(),
    reconciles,
    knownUsers,
    now,
    audit,
    idempotency,
    sweeper,
    callers: new CallerReads(db),
    logger,
    inFlight: new InFlight(),
    pingDatabase: async () => {
      await sql`select 1`.execute(db);
    },
    pingRedis: redis
      ? async () => {
          await redis.ping();
        }
      : undefined,
    deliveries,
    telemetry,
    retention,
  };
  announceDenials(deps);
  if (telemetry.metrics || telemetry.tracing) {
    deps.audit.onSettled((attempt) => telemetry.execution(attempt));
  }
  return {
    deps,
    start() {
      deliveries?.start();
      sweeper.start();
      retention?.start();
    },
    async close() {
      await deliveries?.stop();
      await sweeper.stop();
      await retention?.stop();
      knownUsers.clear();
      argumentValidators.clear();
      reconciles.clear();
      deps.tokens.clear();
      await telemetry.close();
    },
  };
}
