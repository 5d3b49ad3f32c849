import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditRows, connect, failure, type Harness, rowCounts, startHarness } from '../harness.js';

/**
 * Composio misbehaving, as the emulator injects it: the API answers with the right code and
 * reason, retries only idempotent reads, and audits every execution attempt.
 */

const EXECUTE_PATH = '/api/v3.1/tools/execute/GITHUB_LIST_REPOS';

describe('faults from Composio (PGlite)', () => {
  let h: Harness;
  let account: string;

  const execute = () =>
    h.as('bob').tools.execute.mutate({ tool: 'GITHUB_LIST_REPOS', arguments: {} });
  const requestsTo = async (method: string, path: string) => {
    const { items } = (await h.control(
      `/requests?method=${method}&path=${encodeURIComponent(path)}`,
    )) as {
      items: unknown[];
    };
    return items.length;
  };
  const fault = (body: Record<string, unknown>) => h.control('/faults', { body });

  beforeAll(async () => {
    h = await startHarness('pglite', { COMPOSIO_TIMEOUT_MS: '400' });
    account = (await connect(h, 'bob', { toolkit: 'github', identity: 'bob-gh@example.test' })).id;
    // Warm the tool definition cache so the faults below hit the execution itself.
    expect((await execute()).successful).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await h.control('/faults', { method: 'DELETE' });
    await h.control('/requests', { method: 'DELETE' });
  });

  async function expectAuditedFailure(errorCode: string, call: () => Promise<unknown>) {
    const before = (await auditRows(h.db)).length;
    const result = await failure(call());
    const rows = await auditRows(h.db);
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({
      actor_user_id: 'bob',
      decision: 'allowed',
      outcome: 'error',
      error_code: errorCode,
      connected_account_id: account,
    });
    return result;
  }

  it('latency beyond the timeout: GATEWAY_TIMEOUT within the budget, sent once, audited', async () => {
    await fault({ method: 'POST', path: EXECUTE_PATH, latencyMs: 3_000 });
    const started = performance.now();
    const result = await expectAuditedFailure('COMPOSIO_TIMEOUT', execute);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(result).toMatchObject({
      code: 'GATEWAY_TIMEOUT',
      reason: 'COMPOSIO_TIMEOUT',
      httpStatus: 504,
    });
    expect(await requestsTo('POST', EXECUTE_PATH)).toBe(1);
  });

  it('429 from Composio: TOO_MANY_REQUESTS with its retry-after, not retried, audited', async () => {
    await fault({ method: 'POST', path: EXECUTE_PATH, status: 429, retryAfterSeconds: 7 });
    const result = await expectAuditedFailure('COMPOSIO_RATE_LIMITED', execute);
    expect(result).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      reason: 'COMPOSIO_RATE_LIMITED',
      httpStatus: 429,
    });
    expect(result.details?.retryAfterSeconds).toBe(7);
    expect(await requestsTo('POST', EXECUTE_PATH)).toBe(1);
  });

  it('5xx from Composio: BAD_GATEWAY, the execution is not retried, audited', async () => {
    await fault({ method: 'POST', path: EXECUTE_PATH, status: 502 });
    const result = await expectAuditedFailure('COMPOSIO_UNAVAILABLE', execute);
    expect(result).toMatchObject({
      code: 'BAD_GATEWAY',
      reason: 'COMPOSIO_UNAVAILABLE',
      httpStatus: 502,
    });
    expect(await requestsTo('POST', EXECUTE_PATH)).toBe(1);
  });

  it('a reset connection: BAD_GATEWAY, not retried, audited', async () => {
    await fault({ method: 'POST', path: EXECUTE_PATH, drop: true });
    const result = await expectAuditedFailure('COMPOSIO_UNAVAILABLE', execute);
    expect(result).toMatchObject({ code: 'BAD_GATEWAY', reason: 'COMPOSIO_UNAVAILABLE' });
    expect(await requestsTo('POST', EXECUTE_PATH)).toBe(1);
  });

  it('an idempotent read is retried with backoff and succeeds', async () => {
    const path = `/api/v3.1/connected_accounts/${account}`;
    await fault({ method: 'GET', path, status: 503, times: 1 });
    const refreshed = await h.as('bob').connections.refresh.mutate({ id: account });
    expect(refreshed.status).toBe('ACTIVE');
    expect(await requestsTo('GET', path)).toBe(2);
  });

  it('a failed link is not retried and leaves no connection request behind', async () => {
    const path = '/api/v3.1/connected_accounts/link';
    await fault({ method: 'POST', path, status: 500 });
    const before = await rowCounts(h.db);
    const result = await failure(h.as('bob').connections.authorize.mutate({ toolkit: 'gmail' }));
    expect(result).toMatchObject({ code: 'BAD_GATEWAY', reason: 'COMPOSIO_UNAVAILABLE' });
    expect(await requestsTo('POST', path)).toBe(1);
    expect(await rowCounts(h.db)).toStrictEqual(before);
  });

  it('an account that expires mid-flight: ACCOUNT_INACTIVE, recorded in the map and the audit', async () => {
    await h.control(`/accounts/${account}/expire`, { method: 'POST' });
    const result = await expectAuditedFailure('ACCOUNT_INACTIVE', execute);
    expect(result).toMatchObject({ code: 'PRECONDITION_FAILED', reason: 'ACCOUNT_INACTIVE' });
    const listed = await h.as('bob').connections.get.query({ id: account });
    expect(listed.status).toBe('EXPIRED');
    // Known inactive now: refused before Composio is asked, and still audited.
    const before = (await auditRows(h.db)).length;
    expect(await failure(execute())).toMatchObject({ reason: 'NO_CONNECTED_ACCOUNT' });
    expect(await auditRows(h.db)).toHaveLength(before + 1);
  });
});
