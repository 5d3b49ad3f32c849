import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, type Harness, startHarness } from './harness.js';

describe('operations (PGlite)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('pglite', {
      RATE_LIMIT_USER_PER_MINUTE: '3',
      BODY_LIMIT_BYTES: '10000',
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('/healthz says the process is up and /readyz that the database and Composio answer', async () => {
    expect(await (await fetch(`${h.url}/healthz`)).json()).toStrictEqual({ status: 'ok' });
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toStrictEqual({
      status: 'ready',
      checks: { database: { ok: true }, composio: { ok: true } },
    });
  });

  it('/readyz is 503 naming what is down when Composio does not answer', async () => {
    await h.control('/faults', { body: { path: '/api/v3.1/*', status: 503 } });
    try {
      const started = performance.now();
      const response = await fetch(`${h.url}/readyz`);
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(response.status).toBe(503);
      const body = (await response.json()) as {
        checks: { database: { ok: boolean }; composio: { ok: boolean } };
      };
      expect(body.checks.database.ok).toBe(true);
      expect(body.checks.composio.ok).toBe(false);
    } finally {
      await h.control('/faults', { method: 'DELETE' });
    }
  });

  it('every response carries a request id and security headers', async () => {
    const response = await fetch(`${h.url}/healthz`, {
      headers: { 'x-request-id': 'trace-me-123' },
    });
    expect(response.headers.get('x-request-id')).toBe('trace-me-123');
    // Successes, failures of a procedure and unknown routes alike; ids are made up when not sent.
    const responses = [
      response,
      await fetch(`${h.url}/trpc/me.get`),
      await fetch(`${h.url}/trpc/me.get`, {
        headers: { authorization: `Bearer ${await h.token('alice')}` },
      }),
      await fetch(`${h.url}/no-such-route`),
    ];
    expect(responses.map((r) => r.status)).toStrictEqual([200, 401, 200, 404]);
    for (const r of responses) {
      expect(r.headers.get('x-request-id')).toMatch(/^(trace-me-123|[0-9a-f-]{36})$/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(r.headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(r.headers.get('content-security-policy')).toBeNull();
      expect(r.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('CORS answers only the configured web origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${h.url}/trpc/me.get`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const allowed = await preflight(new URL(h.config.WEB_ORIGIN).origin);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(
      new URL(h.config.WEB_ORIGIN).origin,
    );
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('bodies over the limit are refused with 413', async () => {
    const response = await fetch(`${h.url}/trpc/tools.execute`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await h.token('bob')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        tool: 'GITHUB_LIST_REPOS',
        arguments: { padding: 'x'.repeat(20_000) },
      }),
    });
    expect(response.status).toBe(413);
  });

  it('tool executions are rate-limited per user with TOO_MANY_REQUESTS and a retry-after', async () => {
    const dave = h.as('dave');
    for (let i = 0; i < 3; i += 1) {
      expect(
        await failure(dave.tools.execute.mutate({ tool: 'GITHUB_LIST_REPOS', arguments: {} })),
      ).toMatchObject({
        reason: 'NO_CONNECTED_ACCOUNT',
      });
    }
    const limited = await failure(
      dave.tools.execute.mutate({ tool: 'GITHUB_LIST_REPOS', arguments: {} }),
    );
    expect(limited).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      reason: 'RATE_LIMITED',
      httpStatus: 429,
    });
    expect(limited.details?.retryAfterSeconds).toBeGreaterThan(0);
    const raw = await fetch(`${h.url}/trpc/tools.execute`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await h.token('dave')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ tool: 'GITHUB_LIST_REPOS', arguments: {} }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user is not affected.
    expect(
      await failure(
        h.as('carol').tools.execute.mutate({ tool: 'GITHUB_LIST_REPOS', arguments: {} }),
      ),
    ).toMatchObject({
      reason: 'NO_CONNECTED_ACCOUNT',
    });
  });

  it('dev.signIn mints a token for a seeded person only', async () => {
    const { token } = await h.as('nobody').dev.signIn.mutate({ userId: 'carol' });
    const me = await fetch(`${h.url}/trpc/me.get`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(
      ((await me.json()) as { result: { data: { user: { id: string } } } }).result.data.user.id,
    ).toBe('carol');
    expect(await failure(h.as('nobody').dev.signIn.mutate({ userId: 'stranger' }))).toMatchObject({
      reason: 'NOT_FOUND',
    });
  });

  it('me.get shows the caller and their organizations with roles', async () => {
    expect(await h.as('carol').me.get.query()).toStrictEqual({
      user: { id: 'carol', displayName: 'Carol' },
      orgs: [{ id: 'acme', name: 'Acme', role: 'viewer' }],
    });
  });
});
