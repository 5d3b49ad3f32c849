import { z } from 'zod';
import type { GatewayConfig, GatewayLogger, GatewayObserver } from './gateway.js';

const loggerSchema = z.custom<GatewayLogger>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as GatewayLogger).warn === 'function' &&
    typeof (value as GatewayLogger).error === 'function',
  { message: 'must have warn() and error() methods' },
);

const gatewayConfigSchema = z.object({
  apiKey: z.string().min(1, 'must not be empty'),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  toolkitVersions: z
    .union([z.literal('latest'), z.record(z.string().min(1), z.string().min(1))])
    .optional(),
  timeoutMs: z.number().int().positive(),
  logger: loggerSchema,
  retry: z
    .object({
      attempts: z.number().int().min(1).max(10).optional(),
      baseDelayMs: z.number().int().min(0).optional(),
      maxDelayMs: z.number().int().min(0).optional(),
    })
    .optional(),
  toolCacheTtlMs: z.number().int().min(0).optional(),
  toolCacheMax: z.number().int().min(1).optional(),
  pollIntervalMs: z.number().int().positive().optional(),
  observer: z
    .custom<GatewayObserver>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as GatewayObserver).call === 'function',
      { message: 'must have a call() method' },
    )
    .optional(),
});

/** The gateway's settings with every default filled in. */
export interface ResolvedGatewayConfig {
  apiKey: string;
  baseUrl: string | undefined;
  toolkitVersions: Record<string, string> | 'latest';
  timeoutMs: number;
  logger: GatewayLogger;
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  toolCacheTtlMs: number;
  toolCacheMax: number;
  pollIntervalMs: number;
  observer: GatewayObserver | undefined;
}

/**
 * Checks the factory's input and fills in defaults. A bad value fails at start-up with a message
 * naming the field, not on the first call to Composio.
 */
export function resolveGatewayConfig(config: GatewayConfig): ResolvedGatewayConfig {
  const parsed = gatewayConfigSchema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`)
      .join('; ');
    throw new TypeError(`Invalid Composio gateway config: ${problems}`);
  }
  const c = parsed.data;
  return {
    apiKey: c.apiKey,
    baseUrl: c.baseUrl?.replace(/\/+$/, ''),
    toolkitVersions:
      c.toolkitVersions === undefined || c.toolkitVersions === 'latest'
        ? 'latest'
        : Object.fromEntries(
            Object.entries(c.toolkitVersions).map(([slug, v]) => [slug.toLowerCase(), v]),
          ),
    timeoutMs: c.timeoutMs,
    logger: c.logger,
    retry: {
      attempts: c.retry?.attempts ?? 3,
      baseDelayMs: c.retry?.baseDelayMs ?? 200,
      maxDelayMs: c.retry?.maxDelayMs ?? 2_000,
    },
    toolCacheTtlMs: c.toolCacheTtlMs ?? 10 * 60_000,
    toolCacheMax: c.toolCacheMax ?? 500,
    pollIntervalMs: c.pollIntervalMs ?? 1_000,
    observer: c.observer,
  };
}

/**
 * The SDK's telemetry switch is process-wide: one instance built with tracking on makes every
 * instance report. The SDK reads `TELEMETRY_DISABLED` on each call, so setting it here keeps the
 * whole process quiet whatever else constructs a client. Lives in config.ts, the one file allowed
 * to touch `process.env`.
 */
export function disableComposioTelemetry(): void {
  process.env.TELEMETRY_DISABLED = 'true';
}
