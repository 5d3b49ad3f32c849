import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, failure, type Harness, startHarness } from './harness.js';
import { mcpClient } from './mcp/mcp-client.js';
import { WebhookReceiver } from './webhook-receiver.js';

/** Every sample of a scrape, keyed `name{label="value",…}` with the labels in name order. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const [, name, labels, value] = match as unknown as [
      string,
      string,
      string | undefined,
      string,
    ];
    const pairs = [...(labels ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(
      ([, key, text]) => `${key}="${text}"`,
    );
    found.set(pairs.length ? `${name}{${pairs.sort().join(',')}}` : name, Number(value));
  }
  return found;
}

function series(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return `${name}{${pairs.sort().join(',')}}`;
}

/** The series of `name` whose value changed between two scrapes, with by how much. */
function moved(before: Map<string, number>, after: Map<string, number>, name: string) {
  const changes: Record<string, number> = {};
  for (const [key, value] of after) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    const change = value - (before.get(key) ?? 0);
    if (change !== 0) changes[key] = change;
  }
  return changes;
}

const EXECUTIONS = 'switchboard_tool_executions_total';
const PROCEDURES = 'switchboard_trpc_procedure_duration_seconds_count';
const COMPOSIO = 'switchboard_composio_call_duration_seconds_count';
const delivered = series('switchboard_webhook_deliveries_total', { outcome: 'delivered' });

describe.each(databaseKindsUnderTest())('GET /metrics on %s', (kind) => {
  let h: Harness;
  let hook: WebhookReceiver;

  const scrape = async () => {
    const response = await fetch(`${h.url}/metrics`);
    expect(response.status).toBe(200);
    return samples(await response.text());
  };

  beforeAll(async () => {
    h = await startHarness(kind, {
      RATE_LIMIT_USER_PER_MINUTE: '2',
      WEBHOOK_POLL_MS: '30',
      WEBHOOK_RETRY_SCALE: '0.001',
      WEBHOOK_TIMEOUT_MS: '400',
    });
    hook = await new WebhookReceiver().start();
    await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
  });
  afterAll(async () => {
    await h?.close();
    await hook?.stop();
  });

  it('counts connection requests and webhook deliveries by outcome', async () => {
    await h.as('alice').webhooks.create.mutate({
      orgId: 'acme',
      url: hook.url,
      events: ['connection.requested'],
    });
    hook.script.push({ status: 500 });
    const before = await scrape();

    await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'acme@example.test' });
    const abandoned = await h.as('alice').connections.authorize.mutate({ toolkit: 'gmail' });
    await h.as('alice').connections.cancel.mutate({ requestId: abandoned.requestId });
    await hook.waitFor(2);

    let after = await scrape();
    for (let i = 0; i < 100 && after.get(delivered) !== (before.get(delivered) ?? 0) + 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await scrape();
    }
    expect(moved(before, after, 'switchboard_connection_requests_total')).toStrictEqual({
      [series('switchboard_connection_requests_total', { outcome: 'started' })]: 2,
      [series('switchboard_connection_requests_total', { outcome: 'active' })]: 1,
      [series('switchboard_connection_requests_total', { outcome: 'failed' })]: 1,
    });
    expect(moved(before, after, 'switchboard_webhook_deliveries_total')).toStrictEqual({
      [series('switchboard_webhook_deliveries_total', { outcome: 'retrying' })]: 1,
      [delivered]: 1,
    });
  });

  it('counts executions, quota refusals, Composio calls and procedures by exactly the calls made', async () => {
    const send = (user: string, text: string) =>
      h.as(user).tools.execute.mutate({
        tool: 'SLACK_SEND_MESSAGE',
        orgId: 'acme',
        arguments: { channel: '#general', text },
      });
    const before = await scrape();

    await send('bob', 'one');
    await send('bob', 'two');
    expect(await failure(send('bob', 'three'))).toMatchObject({ reason: 'RATE_LIMITED' });
    expect(await failure(send('carol', 'viewer'))).toMatchObject({ reason: 'ROLE_REQUIRED' });
    expect(await failure(send('dave', 'outsider'))).toMatchObject({ reason: 'NOT_FOUND' });

    const after = await scrape();
    const execution = (decision: string, reason: string, outcome: string) =>
      series(EXECUTIONS, {
        channel: 'trpc',
        scope_kind: 'org',
        toolkit: 'slack',
        decision,
        reason,
        outcome,
      });
    expect(moved(before, after, EXECUTIONS)).toStrictEqual({
      [execution('allowed', 'none', 'success')]: 2,
      [execution('denied', 'RATE_LIMITED', 'denied')]: 1,
      [execution('denied', 'ROLE_REQUIRED', 'denied')]: 1,
      [execution('denied', 'NOT_FOUND', 'denied')]: 1,
    });
    expect(moved(before, after, 'switchboard_rate_limit_refusals_total')).toStrictEqual({
      [series('switchboard_rate_limit_refusals_total', { kind: 'user' })]: 1,
    });
    // Only the two allowed executions reach Composio; the first also reads the tool's definition.
    expect(moved(before, after, COMPOSIO)).toStrictEqual({
      [series(COMPOSIO, { operation: 'tools.get', outcome: 'ok' })]: 1,
      [series(COMPOSIO, { operation: 'tools.execute', outcome: 'ok' })]: 2,
    });
    expect(moved(before, after, PROCEDURES)).toStrictEqual({
      [series(PROCEDURES, { procedure: 'tools.execute', code: 'OK' })]: 2,
      [series(PROCEDURES, { procedure: 'tools.execute', code: 'TOO_MANY_REQUESTS' })]: 1,
      [series(PROCEDURES, { procedure: 'tools.execute', code: 'FORBIDDEN' })]: 1,
      [series(PROCEDURES, { procedure: 'tools.execute', code: 'NOT_FOUND' })]: 1,
    });
    const took = series('switchboard_trpc_procedure_duration_seconds_sum', {
      procedure: 'tools.execute',
      code: 'OK',
    });
    expect((after.get(took) ?? 0) - (before.get(took) ?? 0)).toBeGreaterThan(0);
  });

  it('counts an execution over MCP with channel mcp, and no tRPC procedure for it', async () => {
    const before = await scrape();
    const client = await mcpClient(h, 'alice', { orgId: 'acme' });
    try {
      const result = await client.callTool({
        name: 'SLACK_SEND_MESSAGE',
        arguments: { channel: '#general', text: 'over MCP' },
      });
      expect(result.isError ?? false).toBe(false);
    } finally {
      await client.done();
    }
    const after = await scrape();
    expect(moved(before, after, EXECUTIONS)).toStrictEqual({
      [series(EXECUTIONS, {
        channel: 'mcp',
        scope_kind: 'org',
        toolkit: 'slack',
        decision: 'allowed',
        reason: 'none',
        outcome: 'success',
      })]: 1,
    });
    expect(moved(before, after, PROCEDURES)).toStrictEqual({});
  });

  it('labels nothing with a user, organization or account id', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    const accounts = await h.db.selectFrom('connected_accounts').select('id').execute();
    expect(accounts.length).toBeGreaterThan(0);
    for (const id of ['alice', 'bob', 'carol', 'dave', 'acme', ...accounts.map((a) => a.id)]) {
      expect(text).not.toMatch(new RegExp(`="[^"]*\\b${id}\\b[^"]*"`));
    }
  });

  it('reports the database pool and the Node process, in the Prometheus text format', async () => {
    const response = await fetch(`${h.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const found = samples(await response.text());
    // PGlite is one connection; the pool opens connections on demand and closes idle ones.
    const open = found.get('switchboard_db_pool_connections') ?? -1;
    if (kind === 'pglite') expect(open).toBe(1);
    else expect(open).toBeGreaterThanOrEqual(0);
    expect(found.get('switchboard_db_pool_in_use')).toBeGreaterThanOrEqual(0);
    expect(found.get('switchboard_db_pool_in_use')).toBeLessThanOrEqual(open);
    // PGlite's waiting callers queue where nothing can count them: no gauge rather than a 0.
    if (kind === 'pglite') expect(found.has('switchboard_db_pool_waiting')).toBe(false);
    else expect(found.get('switchboard_db_pool_waiting')).toBeGreaterThanOrEqual(0);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(found.has(name), name).toBe(true);
    }
  });
});

describe('GET /metrics protection', () => {
  const TOKEN = 'scrape-token-0123456789';
  let guarded: Harness;
  let disabled: Harness;

  beforeAll(async () => {
    guarded = await startHarness('pglite', { METRICS_TOKEN: TOKEN });
    disabled = await startHarness('pglite', { METRICS_ENABLED: 'false' });
  });
  afterAll(async () => {
    await guarded?.close();
    await disabled?.close();
  });

  it('with METRICS_TOKEN, answers only its bearer; anyone else gets 401', async () => {
    const get = (authorization?: string) =>
      fetch(`${guarded.url}/metrics`, authorization ? { headers: { authorization } } : {});
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', TOKEN, 'Basic x']) {
      const refused = await get(authorization);
      expect(refused.status, String(authorization)).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await refused.json()).toMatchObject({ error: { reason: 'UNAUTHENTICATED' } });
    }
    const answered = await get(`Bearer ${TOKEN}`);
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('# TYPE switchboard_tool_executions_total counter');
  });

  it('with METRICS_ENABLED=false, there is no /metrics (404) and the API works as before', async () => {
    expect((await fetch(`${disabled.url}/metrics`)).status).toBe(404);
    expect((await disabled.as('alice').me.get.query()).user.id).toBe('alice');
  });
});
