import { describe, expect, it } from 'vitest';
import { disableComposioTelemetry, resolveGatewayConfig } from './config.js';

const logger = { warn: () => undefined, error: () => undefined };

describe('resolveGatewayConfig', () => {
  it('fills in defaults', () => {
    expect(resolveGatewayConfig({ apiKey: 'k', timeoutMs: 5_000, logger })).toStrictEqual({
      apiKey: 'k',
      baseUrl: undefined,
      toolkitVersions: 'latest',
      timeoutMs: 5_000,
      logger,
      retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 },
      toolCacheTtlMs: 600_000,
      toolCacheMax: 500,
      pollIntervalMs: 1_000,
      observer: undefined,
    });
  });

  it('normalizes the base URL and toolkit version keys', () => {
    const config = resolveGatewayConfig({
      apiKey: 'k',
      timeoutMs: 1,
      logger,
      baseUrl: 'http://127.0.0.1:4000/',
      toolkitVersions: { GitHub: '20250909_00' },
    });
    expect(config.baseUrl).toBe('http://127.0.0.1:4000');
    expect(config.toolkitVersions).toStrictEqual({ github: '20250909_00' });
  });

  it('names the field that is wrong', () => {
    expect(() => resolveGatewayConfig({ apiKey: '', timeoutMs: 1, logger })).toThrow(/apiKey/);
    expect(() => resolveGatewayConfig({ apiKey: 'k', timeoutMs: 0, logger })).toThrow(/timeoutMs/);
    expect(() =>
      resolveGatewayConfig({ apiKey: 'k', timeoutMs: 1, logger, baseUrl: 'ftp://x' }),
    ).toThrow(/baseUrl/);
    expect(() =>
      resolveGatewayConfig({ apiKey: 'k', timeoutMs: 1, logger: {} as typeof logger }),
    ).toThrow(/logger/);
  });
});

describe('disableComposioTelemetry', () => {
  it('sets the process-wide switch the SDK reads', () => {
    disableComposioTelemetry();
    expect(process.env.TELEMETRY_DISABLED).toBe('true');
  });
});
