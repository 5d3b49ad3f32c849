import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const valid = { AUTH_JWT_SECRET: 'x'.repeat(32) };

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      AUTH_MODE: 'jwt',
      CONNECTION_REQUEST_TTL_SECONDS: 600,
      RECONCILE_INTERVAL_SECONDS: 30,
      AUTH_MAX_TOKEN_AGE_SECONDS: 86_400,
      AUDIT_RETENTION_INTERVAL_SECONDS: 3_600,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.AUDIT_RETENTION_DAYS).toBeUndefined();
  });

  it('serves metrics and traces nothing unless told', () => {
    const config = loadConfig(valid);
    expect(config.METRICS_ENABLED).toBe(true);
    expect(config.METRICS_TOKEN).toBeUndefined();
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(config.OTEL_SERVICE_NAME).toBe('switchboard-api');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    [{ AUTH_MODE: 'magic' }, 'AUTH_MODE'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ WEB_ORIGIN: 'not a url' }, 'WEB_ORIGIN'],
    [{ RATE_LIMIT_USER_PER_MINUTE: '0' }, 'RATE_LIMIT_USER_PER_MINUTE'],
    [{ RECONCILE_INTERVAL_SECONDS: '0.5' }, 'RECONCILE_INTERVAL_SECONDS'],
    [{ METRICS_ENABLED: 'yes' }, 'METRICS_ENABLED'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ AUTH_MAX_TOKEN_AGE_SECONDS: '-1' }, 'AUTH_MAX_TOKEN_AGE_SECONDS'],
    [{ AUDIT_RETENTION_DAYS: '0' }, 'AUDIT_RETENTION_DAYS'],
    [{ AUDIT_RETENTION_DAYS: 'ninety' }, 'AUDIT_RETENTION_DAYS'],
    [{ AUDIT_RETENTION_INTERVAL_SECONDS: '0' }, 'AUDIT_RETENTION_INTERVAL_SECONDS'],
  ])('a bad value stops start-up naming the variable: %j', (env, name) => {
    expect(() => loadConfig({ ...valid, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...valid, ...env })).toThrow(new RegExp(`^\\s*${name}:`, 'm'));
  });

  it('requires a way to verify tokens outside dev mode', () => {
    expect(() => loadConfig({})).toThrow(
      /AUTH_JWT_SECRET: AUTH_JWT_SECRET or AUTH_JWKS_URL is required/,
    );
    expect(loadConfig({ AUTH_MODE: 'dev' }).AUTH_MODE).toBe('dev');
  });

  it('refuses dev sign-in and the embedded emulator in production', () => {
    const production = { ...valid, NODE_ENV: 'production' };
    expect(() => loadConfig({ ...production, AUTH_MODE: 'dev', COMPOSIO_API_KEY: 'k' })).toThrow(
      /AUTH_MODE: AUTH_MODE=dev is refused/,
    );
    expect(() => loadConfig(production)).toThrow(
      /COMPOSIO_API_KEY: is required when NODE_ENV=production/,
    );
    expect(loadConfig({ ...production, COMPOSIO_API_KEY: 'k' }).NODE_ENV).toBe('production');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ ...valid, DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
