import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, type Harness, startHarness } from '../../../test/harness.js';
import { buildApp } from '../../app.js';

interface Exchange {
  method: 'GET' | 'POST';
  /** After `/trpc/`, query string included. */
  path: string;
  token?: string;
  body?: string;
  contentType?: string;
}

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: unknown;
  /** tRPC's adapter streams its `Response` (chunked); the direct route sends a known length. */
  servedBy: 'direct route' | 'tRPC adapter';
}

const COMPARED_HEADERS = ['content-type', 'vary', 'retry-after', 'access-control-allow-origin'];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

async function send(base: string, exchange: Exchange): Promise<Answer> {
  const headers: Record<string, string> = { origin: 'http://localhost:5173' };
  if (exchange.token) headers.authorization = `Bearer ${exchange.token}`;
  if (exchange.contentType) headers['content-type'] = exchange.contentType;
  const response = await fetch(`${base}/trpc/${exchange.path}`, {
    method: exchange.method,
    headers,
    ...(exchange.body === undefined ? {} : { body: exchange.body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)])),
    // Execution ids and request ids differ between any two calls.
    body: JSON.parse(text.replace(UUID, '<uuid>')),
    servedBy: response.headers.has('content-length') ? 'direct route' : 'tRPC adapter',
  };
}

const q = (input: unknown) => encodeURIComponent(JSON.stringify(input));

/**
 * The API answers plain JSON calls without tRPC's Fetch adapter (`trpc.route.ts` beside this test). The
 * same requests sent to an app that routes everything through tRPC's own Fastify adapter must get
 * the same status, headers and body: success, batches, every kind of refusal.
 */
describe('the direct tRPC route answers exactly as tRPC’s Fastify adapter', () => {
  let h: Harness;
  let directApp: FastifyInstance;
  let directUrl: string;
  let reference: FastifyInstance;
  let referenceUrl: string;
  let alice: string;
  let dave: string;

  beforeAll(async () => {
    h = await startHarness('pglite', { RATE_LIMIT_USER_PER_MINUTE: '40' });
    // Both apps share one set of dependencies, quotas included.
    const deps = h.runtime.deps;
    const listen = async (app: FastifyInstance) => {
      await app.listen({ host: '127.0.0.1', port: 0 });
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    };
    directApp = await buildApp(deps);
    directUrl = await listen(directApp);
    reference = await buildApp(deps, { trpc: { direct: false } });
    referenceUrl = await listen(reference);
    await connect(h, 'alice', { toolkit: 'github', identity: 'alice@gh.test', label: 'work' });
    alice = await h.token('alice');
    dave = await h.token('dave');
  });
  afterAll(async () => {
    await directApp?.close();
    await reference?.close();
    await h?.close();
  });

  // The last seven are not plain calls: the direct route hands them to tRPC's adapter.
  const exchanges: Array<[string, () => Exchange]> = [
    ['a query', () => ({ method: 'GET', path: 'me.get', token: alice })],
    [
      'a query with input',
      () => ({
        method: 'GET',
        path: `connections.list?input=${q({ orgId: 'acme', include: 'all' })}`,
        token: alice,
      }),
    ],
    [
      'a batch of queries',
      () => ({
        method: 'GET',
        path: `me.get,connections.list?batch=1&input=${q({ 1: { include: 'all' } })}`,
        token: alice,
      }),
    ],
    [
      'a mutation that runs a tool',
      () => ({
        method: 'POST',
        path: 'tools.execute',
        token: alice,
        contentType: 'application/json',
        body: JSON.stringify({ tool: 'GITHUB_LIST_REPOS', arguments: {} }),
      }),
    ],
    [
      'a batched mutation, charset in the content type',
      () => ({
        method: 'POST',
        path: 'tools.execute?batch=1',
        token: alice,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ 0: { tool: 'GITHUB_LIST_REPOS' } }),
      }),
    ],
    [
      'a batch where one call fails (207)',
      () => ({
        method: 'GET',
        path: `me.get,connections.list?batch=1&input=${q({ 1: { orgId: 'nope!' } })}`,
        token: alice,
      }),
    ],
    ['no token', () => ({ method: 'GET', path: 'me.get' })],
    ['a token that is not one', () => ({ method: 'GET', path: 'me.get', token: 'abc.def.ghi' })],
    [
      'input that fails the schema',
      () => ({
        method: 'POST',
        path: 'tools.execute',
        token: alice,
        contentType: 'application/json',
        body: JSON.stringify({ tool: 'GITHUB_LIST_REPOS', extra: 1 }),
      }),
    ],
    [
      'an organization the caller is not in',
      () => ({
        method: 'GET',
        path: `connections.list?input=${q({ orgId: 'acme' })}`,
        token: dave,
      }),
    ],
    [
      'a tool with no connected account',
      () => ({
        method: 'POST',
        path: 'tools.execute',
        token: dave,
        contentType: 'application/json',
        body: JSON.stringify({ tool: 'GITHUB_LIST_REPOS' }),
      }),
    ],
    [
      'a query sent as POST',
      () => ({
        method: 'POST',
        path: 'me.get',
        token: alice,
        contentType: 'application/json',
        body: '{}',
      }),
    ],
    ['a mutation sent as GET', () => ({ method: 'GET', path: 'tools.execute', token: alice })],
    ['an unknown procedure', () => ({ method: 'GET', path: 'me.nope', token: alice })],
    [
      'malformed JSON',
      () => ({
        method: 'POST',
        path: 'tools.execute',
        token: alice,
        contentType: 'application/json',
        body: '{"tool":',
      }),
    ],
    [
      'malformed query input',
      () => ({ method: 'GET', path: 'connections.list?input=%7B', token: alice }),
    ],
    [
      'a batch input that is an array',
      () => ({ method: 'GET', path: `me.get?batch=1&input=${q([1])}`, token: alice }),
    ],
    [
      'an inherited property name as the path',
      () => ({ method: 'GET', path: 'constructor', token: alice }),
    ],
  ];

  const HANDED_OVER = 7;
  it.each(
    exchanges.map(
      ([name, make], index) => [name, make, index < exchanges.length - HANDED_OVER] as const,
    ),
  )('%s', async (_name, make, plain) => {
    const exchange = make();
    const { servedBy, ...direct } = await send(directUrl, exchange);
    const { servedBy: referenceServedBy, ...viaAdapter } = await send(referenceUrl, exchange);
    expect(direct).toStrictEqual(viaAdapter);
    expect(referenceServedBy).toBe('tRPC adapter');
    expect(servedBy).toBe(plain ? 'direct route' : 'tRPC adapter');
  });

  it('a refused call over the quota carries the same retry-after', async () => {
    const exchange: Exchange = {
      method: 'POST',
      path: 'tools.execute',
      token: alice,
      contentType: 'application/json',
      body: JSON.stringify({ tool: 'GITHUB_LIST_REPOS' }),
    };
    // Both apps share one limiter: use up alice's quota, then ask both. The clock stands still
    // meanwhile, so a refusal's Retry-After cannot differ by a second passing between the two.
    let last = await send(directUrl, exchange);
    for (let i = 0; i < 60 && last.status === 200; i++) last = await send(directUrl, exchange);
    expect(last.status).toBe(429);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const direct = await send(directUrl, exchange);
      const viaAdapter = await send(referenceUrl, exchange);
      expect(viaAdapter.headers['retry-after']).toMatch(/^\d+$/);
      expect(direct).toStrictEqual({ ...viaAdapter, servedBy: 'direct route' });
    } finally {
      vi.useRealTimers();
    }
  });
});
