import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const positiveInt = z.coerce.number().int().positive();

/** Every setting the API reads from the environment, with its default. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Where browsers reach this API; the OAuth callback URL is built from it. */
    PUBLIC_URL: z.url().optional(),
    /** The web app's origin: CORS allows only it, and post-connect redirects go only there. */
    WEB_ORIGIN: z.url().default('http://127.0.0.1:5173'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    /** Prefixes every key the API writes to Redis, so instances of one deployment share them. */
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:._-]{1,64}$/, 'must be 1-64 letters, digits or : . _ -')
      .default('sb:'),
    COMPOSIO_API_KEY: z.string().min(1).optional(),
    COMPOSIO_BASE_URL: z.url().optional(),
    COMPOSIO_TIMEOUT_MS: positiveInt.default(15_000),
    AUTH_MODE: z.enum(['jwt', 'dev']).default('jwt'),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    AUTH_JWKS_URL: z.url().optional(),
    AUTH_ISSUER: z.string().min(1).default('switchboard'),
    AUTH_AUDIENCE: z.string().min(1).default('switchboard-api'),
    AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
    /**
     * Oldest a token may be, counted from its `iat`, whatever its `exp` says; a token without
     * `iat` is refused. `0` turns the check off.
     */
    AUTH_MAX_TOKEN_AGE_SECONDS: z.coerce.number().int().min(0).default(86_400),
    CONNECTION_REQUEST_TTL_SECONDS: positiveInt.default(600),
    /** How long a call held for approval (policies' `approvalTools`) waits for a decision. */
    APPROVAL_TTL_SECONDS: positiveInt.default(3600),
    /** How stale a listing's account statuses may be before Composio is asked again. */
    RECONCILE_INTERVAL_SECONDS: positiveInt.default(30),
    RATE_LIMIT_USER_PER_MINUTE: positiveInt.default(120),
    RATE_LIMIT_ORG_PER_MINUTE: positiveInt.default(600),
    BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    SEED_DEMO: bool.default(false),
    /** Lets webhooks reach loopback and private addresses; the default outside production. */
    WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.optional(),
    WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
    /** How often each instance looks for due webhook deliveries. */
    WEBHOOK_POLL_MS: positiveInt.default(500),
    /** Multiplies the retry delays (tests shrink them). */
    WEBHOOK_RETRY_SCALE: z.coerce.number().positive().max(1).default(1),
    /** Sends webhooks from this instance (off: another instance's workers do). */
    WEBHOOK_DELIVERY: bool.default(true),
    /** How long an idempotency key and its execution's answer are kept (the issue's 24 hours). */
    IDEMPOTENCY_TTL_SECONDS: positiveInt.default(86_400),
    /** How long a repeat of a running keyed execution waits for it before CONFLICT. */
    IDEMPOTENCY_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    /** How often each instance settles abandoned pending executions and deletes expired keys. */
    EXECUTION_SWEEP_INTERVAL_MS: positiveInt.default(10_000),
    /** Standard Webhooks secret (`whsec_…`) of Composio's webhook subscription. */
    COMPOSIO_WEBHOOK_SECRET: z.string().min(8).optional(),
    /** Serves `GET /metrics` (Prometheus text) on the API's port. */
    METRICS_ENABLED: bool.default(true),
    /** When set, `GET /metrics` wants `Authorization: Bearer <this>`. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** OTLP/HTTP collector (`http://collector:4318`): traces are on exactly when it is set. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    /** The `service.name` of the spans. */
    OTEL_SERVICE_NAME: z.string().min(1).default('switchboard-api'),
    /** Audit rows older than this many days are deleted; unset keeps them forever. */
    AUDIT_RETENTION_DAYS: positiveInt.max(36_500).optional(),
    /** How often each instance offers to run the retention job (one instance works at a time). */
    AUDIT_RETENTION_INTERVAL_SECONDS: positiveInt.default(3_600),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      if (env.AUTH_MODE === 'dev') {
        ctx.addIssue({
          code: 'custom',
          path: ['AUTH_MODE'],
          message: 'AUTH_MODE=dev is refused when NODE_ENV=production',
        });
      }
      if (!env.COMPOSIO_API_KEY) {
        ctx.addIssue({
          code: 'custom',
          path: ['COMPOSIO_API_KEY'],
          message:
            'is required when NODE_ENV=production (the embedded emulator is for dev and tests)',
        });
      }
    }
    if (env.AUTH_MODE === 'jwt' && !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWT_SECRET'],
        message: 'AUTH_JWT_SECRET or AUTH_JWKS_URL is required when AUTH_MODE=jwt',
      });
    }
    if (env.COMPOSIO_BASE_URL && !env.COMPOSIO_API_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['COMPOSIO_API_KEY'],
        message: 'is required when COMPOSIO_BASE_URL is set',
      });
    }
  });

type ParsedConfig = z.output<typeof configSchema>;

/** The configuration, with the defaults that depend on other settings filled in. */
export type Config = Omit<ParsedConfig, 'WEBHOOK_ALLOW_PRIVATE_TARGETS'> & {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: boolean;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration once; a bad value names the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as shells and .env files usually intend.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      return `  ${name}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return {
    ...result.data,
    WEBHOOK_ALLOW_PRIVATE_TARGETS:
      result.data.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? result.data.NODE_ENV !== 'production',
  };
}

/** A configuration for tests and tools: the defaults plus what is given. */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    AUTH_MODE: 'dev',
    AUTH_JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

/** `pnpm dev`: dev sign-in, the demo seed, the embedded emulator and PGlite unless overridden. */
export function loadDevConfig(
  env: Record<string, string | undefined> = process.env,
  defaults: Record<string, string> = {},
): Config {
  return loadConfig({
    NODE_ENV: 'development',
    AUTH_MODE: 'dev',
    SEED_DEMO: 'true',
    PORT: '3000',
    WEB_ORIGIN: 'http://127.0.0.1:5173',
    LOG_LEVEL: 'warn',
    ...defaults,
    ...env,
  });
}
