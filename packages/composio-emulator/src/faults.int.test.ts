import { APIConnectionError, InternalServerError, RateLimitError } from '@composio/client';
import {
  type Composio,
  ComposioToolExecutionError,
  ComposioToolkitFetchError,
} from '@composio/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, control, sdkFor, startEmulator, watchSdkLogs } from '../test/helpers.js';
import type { FaultRecord, RequestLogEntry, RunningEmulator } from './index.js';

// Faults injected through the control API, observed through the real SDK and the request log.

let emulator: RunningEmulator;
let composio: Composio;
watchSdkLogs();

beforeAll(async () => {
  emulator = await startEmulator();
  composio = sdkFor(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => control(emulator, '/reset', { method: 'POST' }));

const addFault = (fault: Record<string, unknown>) =>
  control<FaultRecord>(emulator, '/faults', { method: 'POST', body: JSON.stringify(fault) });

const logged = async (path: string) =>
  (
    await control<{ items: RequestLogEntry[] }>(
      emulator,
      `/requests?path=${encodeURIComponent(path)}`,
    )
  ).items;

describe('faults', () => {
  it('adds latency to matching requests', async () => {
    const fault = await addFault({
      method: 'GET',
      path: '/api/v3.1/toolkits/github',
      latencyMs: 250,
    });
    const started = performance.now();
    await composio.toolkits.get('github');
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
    const [entry] = await logged('/api/v3.1/toolkits/github');
    expect(entry).toMatchObject({ status: 200, faultId: fault.id });
    expect(entry?.durationMs).toBeGreaterThanOrEqual(245);
    // Other routes are untouched.
    const other = performance.now();
    await composio.toolkits.get('slack');
    expect(performance.now() - other).toBeLessThan(200);
  });

  it('answers 429 with retry-after; the SDK retries and succeeds, as counted in the log', async () => {
    await addFault({
      path: '/api/v3.1/connected_accounts',
      status: 429,
      retryAfterSeconds: 0.05,
      times: 2,
    });
    const listed = await composio.connectedAccounts.list();
    expect(listed.items).toStrictEqual([]);
    const entries = await logged('/api/v3.1/connected_accounts');
    expect(entries.map((e) => e.status)).toStrictEqual([429, 429, 200]);
    const [fault] = (await control<{ items: FaultRecord[] }>(emulator, '/faults')).items;
    expect(fault).toMatchObject({ hits: 2, times: 2 });
  });

  it('surfaces a persistent 429 as RateLimitError with the retry-after header', async () => {
    await addFault({ path: '/api/v3.1/connected_accounts', status: 429, retryAfterSeconds: 0 });
    const error = await composio.connectedAccounts.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers?.get('retry-after')).toBe('0');
    expect(await logged('/api/v3.1/connected_accounts')).toHaveLength(3);
  });

  it('answers 500 on execution; the SDK does not retry it', async () => {
    const id = await connect(composio, 'alice', 'github', 'alice@example.test');
    await addFault({ method: 'POST', path: '/api/v3.1/tools/execute/*', status: 500 });
    const error = await composio.tools
      .execute('GITHUB_LIST_REPOS', { userId: 'alice', connectedAccountId: id, arguments: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioToolExecutionError);
    expect((error as { cause: unknown }).cause).toBeInstanceOf(InternalServerError);
    expect(await logged('/api/v3.1/tools/execute/GITHUB_LIST_REPOS')).toHaveLength(1);
    expect(await logged('/api/v3.1/tools/GITHUB_LIST_REPOS')).toHaveLength(1);
  });

  it('sends a custom body with the injected status', async () => {
    await addFault({
      path: '/api/v3.1/toolkits/*',
      status: 503,
      body: { error: { message: 'maintenance', code: 42 } },
      times: 1,
    });
    const response = await fetch(`${emulator.url}/api/v3.1/toolkits/gmail`, {
      headers: { 'x-api-key': emulator.apiKey },
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toStrictEqual({ error: { message: 'maintenance', code: 42 } });
    const again = await fetch(`${emulator.url}/api/v3.1/toolkits/gmail`, {
      headers: { 'x-api-key': emulator.apiKey },
    });
    expect(again.status).toBe(200);
  });

  it('drops the socket; the SDK sees a connection error', async () => {
    await addFault({ path: '/api/v3.1/toolkits/notion', drop: true });
    composio.getClient().maxRetries = 0;
    try {
      const error = await composio.toolkits.get('notion').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComposioToolkitFetchError);
      expect((error as { cause: unknown }).cause).toBeInstanceOf(APIConnectionError);
    } finally {
      composio.getClient().maxRetries = 2;
    }
    const [entry] = await logged('/api/v3.1/toolkits/notion');
    expect(entry).toMatchObject({ status: null, faultId: expect.stringMatching(/^fault_/) });
  });

  it('drops once, then the SDK retry gets through', async () => {
    await addFault({ path: '/api/v3.1/toolkits/notion', drop: true, times: 1 });
    expect((await composio.toolkits.get('notion')).slug).toBe('notion');
    expect((await logged('/api/v3.1/toolkits/notion')).map((e) => e.status)).toStrictEqual([
      null,
      200,
    ]);
  });

  it('matches the method, and DELETE /_emulator/faults clears them all', async () => {
    await addFault({ method: 'POST', path: '/api/v3.1/toolkits/github', status: 500 });
    expect((await composio.toolkits.get('github')).slug).toBe('github');
    await addFault({ path: '/api/v3.1/toolkits/github', status: 500 });
    await control(emulator, '/faults', { method: 'DELETE' });
    expect((await composio.toolkits.get('github')).slug).toBe('github');
    expect((await control<{ items: FaultRecord[] }>(emulator, '/faults')).items).toStrictEqual([]);
  });

  it('never faults or logs the control routes', async () => {
    await addFault({ path: '/*', status: 500 });
    await control(emulator, '/state');
    await control(emulator, '/requests', { method: 'DELETE' });
    expect(
      (await control<{ items: RequestLogEntry[] }>(emulator, '/requests')).items,
    ).toStrictEqual([]);
  });
});

describe('request log', () => {
  it('records method, path, query and time, and can be cleared', async () => {
    await composio.connectedAccounts.list({ userIds: ['a', 'b'], statuses: ['ACTIVE'] });
    const [entry] = await logged('/api/v3.1/connected_accounts');
    expect(entry).toMatchObject({
      method: 'GET',
      path: '/api/v3.1/connected_accounts',
      query: { user_ids: 'a,b', statuses: 'ACTIVE' },
      status: 200,
      faultId: null,
      traceparent: null,
    });
    expect(Date.parse(entry?.time ?? '')).not.toBeNaN();
    await control(emulator, '/requests', { method: 'DELETE' });
    expect(await logged('/api/v3.1/connected_accounts')).toStrictEqual([]);
  });

  it('counts the two requests of one tools.execute', async () => {
    await connect(composio, 'alice', 'gmail', 'alice@example.test');
    await control(emulator, '/requests', { method: 'DELETE' });
    await composio.tools.execute('GMAIL_GET_PROFILE', { userId: 'alice', arguments: {} });
    const { items } = await control<{ items: RequestLogEntry[] }>(emulator, '/requests');
    expect(items.map((e) => `${e.method} ${e.path}`)).toStrictEqual([
      'GET /api/v3.1/tools/GMAIL_GET_PROFILE',
      'POST /api/v3.1/tools/execute/GMAIL_GET_PROFILE',
    ]);
    // Without an explicit version the SDK sends its toolkitVersions map, bracket-encoded.
    expect(items[0]?.query).toMatchObject({ 'toolkit_versions[gmail]': '20251101_00' });
  });
});
