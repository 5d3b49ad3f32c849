import { createServer } from 'node:net';
import {
  completeConsent,
  createEmulator,
  type RunningEmulator,
} from '@switchboard/composio-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatorControls, emulatorControls } from '../test/emulator-controls.js';
import { hostOf, isLoopback, startNetworkProbe } from '../test/network-probe.js';
import { GatewayError } from './errors.js';
import type { ComposioGateway, GatewayConfig, GatewayObserver, GatewayReason } from './gateway.js';
import { createComposioGateway } from './sdk-gateway.js';

// Started before any SDK instance exists, so construction (version check, telemetry) is seen too.
const network = startNetworkProbe();

const logger = { debug: () => undefined, warn: () => undefined, error: () => undefined };
const CALLBACK = 'http://127.0.0.1:9/connections/callback';

let emulator: RunningEmulator;
let controls: EmulatorControls;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0, controls: true });
  controls = emulatorControls(emulator.url);
});

afterAll(async () => {
  await emulator.close();
  network.stop();
});

beforeEach(async () => {
  await controls.reset();
  await controls.clearFaults();
  await controls.clearRequests();
});

function gatewayFor(target: RunningEmulator, overrides: Partial<GatewayConfig> = {}) {
  return createComposioGateway({
    apiKey: target.apiKey,
    baseUrl: target.url,
    timeoutMs: 2_000,
    logger,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
    pollIntervalMs: 20,
    ...overrides,
  });
}

const makeGateway = (overrides: Partial<GatewayConfig> = {}) => gatewayFor(emulator, overrides);

/** Resolves the auth config, links, consents over HTTP as `identity`, waits for ACTIVE. */
async function connect(
  gateway: ComposioGateway,
  composioUserId: string,
  toolkit: string,
  identity: string,
) {
  const authConfigId = await gateway.resolveAuthConfig(toolkit);
  const link = await gateway.link({ composioUserId, toolkit, authConfigId, callbackUrl: CALLBACK });
  const consent = await completeConsent(link.redirectUrl, { decision: 'approve', identity });
  expect(consent.status).toBe(302);
  const account = await gateway.waitForConnection(link.connectedAccountId, 2_000);
  expect(account.status).toBe('ACTIVE');
  return account;
}

async function reasonOf(promise: Promise<unknown>): Promise<GatewayReason> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return (error as GatewayError).reason;
}

async function failureOf(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('connecting an account', () => {
  it('links, takes consent over HTTP and turns ACTIVE, without leaking the credential', async () => {
    const gateway = makeGateway();
    const authConfigId = await gateway.resolveAuthConfig('github');
    const link = await gateway.link({
      composioUserId: 'user_ann',
      toolkit: 'github',
      authConfigId,
      callbackUrl: CALLBACK,
      alias: 'work',
    });
    expect(link.redirectUrl.startsWith(emulator.url)).toBe(true);
    expect(link.expiresAt).toBeInstanceOf(Date);
    expect((await gateway.getAccount(link.connectedAccountId)).status).toBe('INITIATED');

    const consent = await completeConsent(link.redirectUrl, { identity: 'ann@example.test' });
    const callback = new URL(consent.location ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('status')).toBe('success');
    expect(callback.searchParams.get('connected_account_id')).toBe(link.connectedAccountId);

    const account = await gateway.waitForConnection(link.connectedAccountId, 2_000);
    expect(account).toStrictEqual({
      id: link.connectedAccountId,
      toolkit: 'github',
      authConfigId,
      status: 'ACTIVE',
      statusReason: null,
      alias: 'work',
      upstreamIdentity: 'ann@example.test',
      disabled: false,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    // The emulator holds a fake token for this account; none of the gateway's answers carry it.
    const secret = (await controls.account(link.connectedAccountId)).access_token;
    expect(secret).toMatch(/^emu_secret_/);
    const listed = await gateway.listAccounts({ composioUserId: 'user_ann' });
    for (const answer of [account, listed, await gateway.getAccount(account.id)]) {
      expect(JSON.stringify(answer)).not.toContain(secret);
    }

    const paths = (await controls.apiRequests()).map((r) => `${r.method} ${r.path}`);
    expect(paths).toContain('POST /api/v3.1/connected_accounts/link');
    expect(paths).not.toContain('POST /api/v3.1/connected_accounts'); // the retired initiate path
  });

  it('reports a denied consent as FAILED', async () => {
    const gateway = makeGateway();
    const authConfigId = await gateway.resolveAuthConfig('gmail');
    const link = await gateway.link({ composioUserId: 'user_ann', toolkit: 'gmail', authConfigId });
    await completeConsent(link.redirectUrl, { decision: 'deny' });
    const account = await gateway.waitForConnection(link.connectedAccountId, 2_000);
    expect(account.status).toBe('FAILED');
  });

  it('returns the account still INITIATED when the wait is over', async () => {
    const gateway = makeGateway();
    const authConfigId = await gateway.resolveAuthConfig('gmail');
    const link = await gateway.link({ composioUserId: 'user_ann', toolkit: 'gmail', authConfigId });
    const started = Date.now();
    const account = await gateway.waitForConnection(link.connectedAccountId, 100);
    expect(account.status).toBe('INITIATED');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('keeps two accounts of one toolkit for one user apart', async () => {
    const gateway = makeGateway();
    const work = await connect(gateway, 'user_ann', 'gmail', 'ann@work.test');
    const personal = await connect(gateway, 'user_ann', 'gmail', 'ann@home.test');
    await connect(gateway, 'user_bob', 'gmail', 'bob@work.test');

    const accounts = await gateway.listAccounts({ composioUserId: 'user_ann', toolkit: 'gmail' });
    expect(accounts.map((a) => [a.id, a.upstreamIdentity])).toStrictEqual([
      [personal.id, 'ann@home.test'], // newest first
      [work.id, 'ann@work.test'],
    ]);
    expect(await gateway.listAccounts({ composioUserId: 'user_ann', toolkit: 'slack' })).toEqual(
      [],
    );
    expect(
      await gateway.listAccounts({ composioUserId: 'user_ann', statuses: ['FAILED', 'EXPIRED'] }),
    ).toEqual([]);
  });

  it('follows pagination when listing accounts', async () => {
    const gateway = makeGateway();
    for (let i = 0; i < 105; i++) {
      await controls.seedAccount({ user_id: 'user_many', toolkit: 'slack', identity: `u${i}` });
    }
    const accounts = await gateway.listAccounts({ composioUserId: 'user_many' });
    expect(accounts).toHaveLength(105);
    expect(new Set(accounts.map((a) => a.id)).size).toBe(105);
    const lists = (await controls.apiRequests()).filter(
      (r) => r.path === '/api/v3.1/connected_accounts',
    );
    expect(lists).toHaveLength(2);
  });
});

describe('executing tools', () => {
  it('acts as the account it is given, and without one as the most recently connected', async () => {
    const gateway = makeGateway();
    const work = await connect(gateway, 'user_ann', 'gmail', 'ann@work.test');
    const personal = await connect(gateway, 'user_ann', 'gmail', 'ann@home.test');

    const asWork = await gateway.execute({
      tool: 'GMAIL_GET_PROFILE',
      composioUserId: 'user_ann',
      connectedAccountId: work.id,
      arguments: {},
    });
    expect(asWork.data.emailAddress).toBe('ann@work.test');
    expect(asWork.logId).toEqual(expect.any(String));

    const asDefault = await gateway.execute({
      tool: 'GMAIL_GET_PROFILE',
      composioUserId: 'user_ann',
      arguments: {},
    });
    expect(asDefault.data.emailAddress).toBe('ann@home.test');
    expect(personal.upstreamIdentity).toBe('ann@home.test');
  });

  it('shows which account a write went out through', async () => {
    const gateway = makeGateway();
    const work = await connect(gateway, 'user_ann', 'slack', 'ann-work');
    await connect(gateway, 'user_ann', 'slack', 'ann-home');
    const channels = await gateway.execute({
      tool: 'SLACK_LIST_CHANNELS',
      composioUserId: 'user_ann',
      connectedAccountId: work.id,
      arguments: {},
    });
    const first = (channels.data.channels as Array<{ name: string }>)[0];
    expect(first).toBeDefined();
    await gateway.execute({
      tool: 'SLACK_SEND_MESSAGE',
      composioUserId: 'user_ann',
      connectedAccountId: work.id,
      arguments: { channel: first?.name, text: 'hello' },
    });
    const sent = await controls.messages({ kind: 'slack_message' });
    expect(sent.map((m) => m.accountId)).toStrictEqual([work.id]);
  });

  it("refuses another user's account", async () => {
    const gateway = makeGateway();
    const anns = await connect(gateway, 'user_ann', 'github', 'ann');
    const failure = await failureOf(
      gateway.execute({
        tool: 'GITHUB_LIST_REPOS',
        composioUserId: 'user_bob',
        connectedAccountId: anns.id,
        arguments: {},
      }),
    );
    expect(failure.reason).toBe('ACCOUNT_NOT_FOUND');
    expect(await reasonOf(gateway.getAccount(anns.id, { composioUserId: 'user_bob' }))).toBe(
      'ACCOUNT_NOT_FOUND',
    );
    expect((await gateway.getAccount(anns.id, { composioUserId: 'user_ann' })).id).toBe(anns.id);
  });

  it("refuses another user's account when Composio answers 1812 (the live code)", async () => {
    const live = await createEmulator({ port: 0, foreignAccountErrorCode: 1812 });
    try {
      const gateway = gatewayFor(live);
      const anns = await connect(gateway, 'user_ann', 'github', 'ann');
      const failure = await failureOf(
        gateway.execute({
          tool: 'GITHUB_LIST_REPOS',
          composioUserId: 'user_bob',
          connectedAccountId: anns.id,
          arguments: {},
        }),
      );
      expect(failure.reason).toBe('ACCOUNT_NOT_FOUND');
      expect(failure.details).toMatchObject({ upstreamCode: 1812 });
    } finally {
      await live.close();
    }
  });

  it('costs one HTTP request per execute once the definition is cached', async () => {
    const gateway = makeGateway();
    const account = await connect(gateway, 'user_ann', 'github', 'ann');
    const run = () =>
      gateway.execute({
        tool: 'GITHUB_LIST_REPOS',
        composioUserId: 'user_ann',
        connectedAccountId: account.id,
        arguments: {},
      });
    const requestsOf = async (fn: () => Promise<unknown>) => {
      await controls.clearRequests();
      await fn();
      return (await controls.apiRequests()).map((r) => `${r.method} ${r.path}`);
    };

    expect(await requestsOf(run)).toStrictEqual([
      'GET /api/v3.1/tools/GITHUB_LIST_REPOS',
      'POST /api/v3.1/tools/execute/GITHUB_LIST_REPOS',
    ]);
    expect(await requestsOf(run)).toStrictEqual(['POST /api/v3.1/tools/execute/GITHUB_LIST_REPOS']);
    expect(await requestsOf(run)).toStrictEqual(['POST /api/v3.1/tools/execute/GITHUB_LIST_REPOS']);
    // getTool/listTools fill the same cache.
    expect(await requestsOf(() => gateway.getTool('GITHUB_LIST_REPOS'))).toStrictEqual([]);
    expect(await requestsOf(() => gateway.listTools({ tools: ['GITHUB_GET_REPO'] }))).toStrictEqual(
      ['GET /api/v3.1/tools'],
    );
    expect(await requestsOf(() => gateway.getTool('GITHUB_GET_REPO'))).toStrictEqual([]);
  });

  it('re-reads a definition once its TTL has passed', async () => {
    const gateway = makeGateway({ toolCacheTtlMs: 30 });
    await gateway.getTool('GITHUB_GET_REPO');
    await new Promise((resolve) => setTimeout(resolve, 40));
    await gateway.getTool('GITHUB_GET_REPO');
    const reads = (await controls.apiRequests()).filter(
      (r) => r.path === '/api/v3.1/tools/GITHUB_GET_REPO',
    );
    expect(reads).toHaveLength(2);
  });
});

describe('toolkits, tools, auth configs and account management', () => {
  it('lists and reads toolkits', async () => {
    const gateway = makeGateway();
    const toolkits = await gateway.listToolkits();
    expect(toolkits.map((t) => t.slug)).toEqual(
      expect.arrayContaining(['github', 'gmail', 'slack', 'notion']),
    );
    const found = await gateway.listToolkits({ search: 'slack' });
    expect(found.map((t) => t.slug)).toStrictEqual(['slack']);
    expect(await gateway.listToolkits({ limit: 2 })).toHaveLength(2);
    const github = await gateway.getToolkit('github');
    expect(github).toMatchObject({ slug: 'github', name: expect.any(String) });
    expect(github.categories.length).toBeGreaterThan(0);
  });

  it('lists tools by toolkit, by slug and by search', async () => {
    const gateway = makeGateway();
    const github = await gateway.listTools({ toolkits: ['github'] });
    expect(github.map((t) => t.slug)).toEqual(
      expect.arrayContaining(['GITHUB_GET_REPO', 'GITHUB_LIST_REPOS', 'GITHUB_CREATE_ISSUE']),
    );
    expect(github.every((t) => t.toolkit === 'github')).toBe(true);
    const both = await gateway.listTools({
      tools: ['GITHUB_GET_REPO', 'SLACK_SEND_MESSAGE'],
      toolkits: ['slack'],
    });
    expect(both.map((t) => t.slug)).toStrictEqual(['SLACK_SEND_MESSAGE']);
    const repo = await gateway.getTool('GITHUB_GET_REPO');
    expect(repo.version).toMatch(/^\d{8}_\d{2}$/);
    expect(repo.inputParameters).toMatchObject({ type: 'object', required: ['owner', 'repo'] });
    const search = await gateway.listTools({ search: 'send email' });
    expect(search.map((t) => t.slug)).toContain('GMAIL_SEND_EMAIL');
  });

  it('creates one managed auth config per toolkit, even for concurrent callers', async () => {
    const gateway = makeGateway();
    const ids = await Promise.all([
      gateway.resolveAuthConfig('github'),
      gateway.resolveAuthConfig('github'),
      gateway.resolveAuthConfig('GitHub'),
    ]);
    expect(new Set(ids).size).toBe(1);
    expect(await gateway.resolveAuthConfig('github')).toBe(ids[0]);
    const creates = (await controls.apiRequests()).filter(
      (r) => r.method === 'POST' && r.path === '/api/v3.1/auth_configs',
    );
    expect(creates).toHaveLength(1);
  });

  it('uses the preferred auth config when it fits, and another when it does not', async () => {
    const gateway = makeGateway();
    const github = await gateway.resolveAuthConfig('github');
    const slack = await gateway.resolveAuthConfig('slack');
    expect(await gateway.resolveAuthConfig('github', github)).toBe(github);
    expect(await gateway.resolveAuthConfig('github', slack)).toBe(github);
    expect(await gateway.resolveAuthConfig('github', 'ac_does_not_exist')).toBe(github);
  });

  it('disables, enables, refreshes and deletes an account', async () => {
    const gateway = makeGateway();
    const account = await connect(gateway, 'user_ann', 'notion', 'ann@notion.test');

    await gateway.disableAccount(account.id);
    expect((await gateway.getAccount(account.id)).disabled).toBe(true);
    await gateway.enableAccount(account.id);
    expect((await gateway.getAccount(account.id)).disabled).toBe(false);

    // An ACTIVE account only has its tokens refreshed; a broken one is re-authorized in place.
    expect(await gateway.refreshAccount(account.id)).toStrictEqual({
      status: 'ACTIVE',
      redirectUrl: null,
    });
    await controls.expire(account.id);
    const refreshed = await gateway.refreshAccount(account.id, { redirectUrl: CALLBACK });
    expect(refreshed.status).toBe('INITIATED');
    expect(refreshed.redirectUrl).toEqual(expect.any(String));
    const consent = await completeConsent(refreshed.redirectUrl ?? '', {
      identity: 'ann@notion.test',
    });
    expect(new URL(consent.location ?? '').searchParams.get('connected_account_id')).toBe(
      account.id,
    );
    const again = await gateway.waitForConnection(account.id, 2_000);
    expect(again).toMatchObject({ id: account.id, status: 'ACTIVE', alias: account.alias });

    await gateway.deleteAccount(account.id);
    expect(await reasonOf(gateway.getAccount(account.id))).toBe('ACCOUNT_NOT_FOUND');
  });

  it('sees an account expire', async () => {
    const gateway = makeGateway();
    const account = await connect(gateway, 'user_ann', 'github', 'ann');
    await controls.expire(account.id);
    expect((await gateway.getAccount(account.id)).status).toBe('EXPIRED');
    const failure = await failureOf(
      gateway.execute({
        tool: 'GITHUB_LIST_REPOS',
        composioUserId: 'user_ann',
        connectedAccountId: account.id,
        arguments: {},
      }),
    );
    expect(failure.reason).toBe('ACCOUNT_INACTIVE');
    expect(failure.details).toMatchObject({ status: 400, upstreamCode: 1814 });
  });

  it('pings', async () => {
    await expect(makeGateway().ping()).resolves.toBeUndefined();
  });
});

describe('every failure is a GatewayError with a stable reason', () => {
  it('TOOL_NOT_FOUND', async () => {
    const gateway = makeGateway();
    expect(await reasonOf(gateway.getTool('GITHUB_NO_SUCH_TOOL'))).toBe('TOOL_NOT_FOUND');
    expect(
      await reasonOf(
        gateway.execute({ tool: 'NOPE_TOOL', composioUserId: 'user_ann', arguments: {} }),
      ),
    ).toBe('TOOL_NOT_FOUND');
  });

  it('TOOLKIT_NOT_FOUND', async () => {
    const gateway = makeGateway();
    expect(await reasonOf(gateway.getToolkit('no-such-toolkit'))).toBe('TOOLKIT_NOT_FOUND');
    expect(await reasonOf(gateway.resolveAuthConfig('no-such-toolkit'))).toBe('TOOLKIT_NOT_FOUND');
  });

  it('ACCOUNT_NOT_FOUND', async () => {
    const gateway = makeGateway();
    expect(await reasonOf(gateway.getAccount('ca_missing'))).toBe('ACCOUNT_NOT_FOUND');
    expect(await reasonOf(gateway.deleteAccount('ca_missing'))).toBe('ACCOUNT_NOT_FOUND');
    expect(await reasonOf(gateway.disableAccount('ca_missing'))).toBe('ACCOUNT_NOT_FOUND');
    expect(await reasonOf(gateway.refreshAccount('ca_missing'))).toBe('ACCOUNT_NOT_FOUND');
    expect(
      await reasonOf(
        gateway.execute({
          tool: 'GITHUB_LIST_REPOS',
          composioUserId: 'user_ann',
          connectedAccountId: 'ca_missing',
          arguments: {},
        }),
      ),
    ).toBe('ACCOUNT_NOT_FOUND');
    // No account at all for the user: Composio cannot pick one.
    expect(
      await reasonOf(
        gateway.execute({ tool: 'GITHUB_LIST_REPOS', composioUserId: 'user_none', arguments: {} }),
      ),
    ).toBe('ACCOUNT_NOT_FOUND');
  });

  it('INVALID_ARGUMENTS', async () => {
    const gateway = makeGateway();
    const account = await connect(gateway, 'user_ann', 'github', 'ann');
    const failure = await failureOf(
      gateway.execute({
        tool: 'GITHUB_GET_REPO',
        composioUserId: 'user_ann',
        connectedAccountId: account.id,
        arguments: { owner: 'ann' },
      }),
    );
    expect(failure.reason).toBe('INVALID_ARGUMENTS');
    expect(failure.message).toContain('repo');
    expect(
      await reasonOf(
        gateway.link({ composioUserId: 'user_ann', toolkit: 'github', authConfigId: 'ac_nope' }),
      ),
    ).toBe('INVALID_ARGUMENTS');
    // Rejected before any request.
    await controls.clearRequests();
    expect(
      await reasonOf(
        gateway.execute({ tool: 'GITHUB_GET_REPO', composioUserId: ' ', arguments: {} }),
      ),
    ).toBe('INVALID_ARGUMENTS');
    expect(await reasonOf(gateway.listTools({}))).toBe('INVALID_ARGUMENTS');
    expect(await controls.apiRequests()).toStrictEqual([]);
  });

  it('TOOL_FAILED, with the tool error and data', async () => {
    const gateway = makeGateway();
    const account = await connect(gateway, 'user_ann', 'github', 'ann');
    const failure = await failureOf(
      gateway.execute({
        tool: 'GITHUB_GET_REPO',
        composioUserId: 'user_ann',
        connectedAccountId: account.id,
        arguments: { owner: 'someone-else', repo: 'secret' },
      }),
    );
    expect(failure.reason).toBe('TOOL_FAILED');
    expect(failure.details).toStrictEqual({
      error: expect.stringContaining('Not Found'),
      data: {},
    });
  });

  it('UNAUTHORIZED', async () => {
    const gateway = makeGateway({ apiKey: 'wrong-key' });
    expect(await reasonOf(gateway.getToolkit('github'))).toBe('UNAUTHORIZED');
    expect(await reasonOf(gateway.listAccounts({ composioUserId: 'user_ann' }))).toBe(
      'UNAUTHORIZED',
    );
    expect(await reasonOf(gateway.ping())).toBe('UNAUTHORIZED');
  });

  it('RATE_LIMITED with retry-after, without waiting longer than allowed', async () => {
    const gateway = makeGateway();
    await controls.fault({
      method: 'GET',
      path: '/api/v3.1/connected_accounts',
      status: 429,
      retryAfterSeconds: 30,
    });
    const started = Date.now();
    const failure = await failureOf(gateway.listAccounts({ composioUserId: 'user_ann' }));
    expect(failure.reason).toBe('RATE_LIMITED');
    expect(failure.retryAfterSeconds).toBe(30);
    expect(Date.now() - started).toBeLessThan(500);
    expect(await controls.apiRequests()).toHaveLength(1);
  });

  it('retries a read after a short retry-after and succeeds', async () => {
    const gateway = makeGateway();
    await controls.fault({
      method: 'GET',
      path: '/api/v3.1/connected_accounts',
      status: 429,
      retryAfterSeconds: 0,
      times: 1,
    });
    await expect(gateway.listAccounts({ composioUserId: 'user_ann' })).resolves.toEqual([]);
    expect((await controls.apiRequests()).map((r) => r.status)).toStrictEqual([429, 200]);
  });

  it('UPSTREAM_TIMEOUT within its budget', async () => {
    const gateway = makeGateway({ timeoutMs: 150 });
    await controls.fault({ path: '/api/v3.1/toolkits/github', latencyMs: 1_500 });
    const started = Date.now();
    const failure = await failureOf(gateway.getToolkit('github'));
    const elapsed = Date.now() - started;
    expect(failure.reason).toBe('UPSTREAM_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(400);
  });

  it('UPSTREAM_TIMEOUT covers execute, cold cache included', async () => {
    const gateway = makeGateway({ timeoutMs: 150 });
    await controls.fault({ path: '/api/v3.1/tools/execute/*', latencyMs: 1_500 });
    const started = Date.now();
    expect(
      await reasonOf(
        gateway.execute({ tool: 'GITHUB_LIST_REPOS', composioUserId: 'user_ann', arguments: {} }),
      ),
    ).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('UPSTREAM_UNAVAILABLE after retrying a failing read', async () => {
    const gateway = makeGateway();
    await controls.fault({ method: 'GET', path: '/api/v3.1/toolkits/github', status: 503 });
    const failure = await failureOf(gateway.getToolkit('github'));
    expect(failure.reason).toBe('UPSTREAM_UNAVAILABLE');
    expect(failure.details).toMatchObject({ status: 503 });
    expect(await controls.apiRequests()).toHaveLength(3);
  });

  it('UPSTREAM_UNAVAILABLE for a dropped connection and a refused one', async () => {
    const gateway = makeGateway();
    await controls.fault({ path: '/api/v3.1/connected_accounts', drop: true });
    expect(await reasonOf(gateway.listAccounts({ composioUserId: 'user_ann' }))).toBe(
      'UPSTREAM_UNAVAILABLE',
    );
    expect(await controls.apiRequests()).toHaveLength(3);

    const closedPort = await freePort();
    const nowhere = createComposioGateway({
      apiKey: 'k',
      baseUrl: `http://127.0.0.1:${closedPort}`,
      timeoutMs: 1_000,
      logger,
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
    });
    expect(await reasonOf(nowhere.ping())).toBe('UPSTREAM_UNAVAILABLE');
    expect(await reasonOf(nowhere.getTool('GITHUB_GET_REPO'))).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('UPSTREAM_UNAVAILABLE for malformed responses (raw TypeError and ZodError underneath)', async () => {
    const gateway = makeGateway();
    // Without `items` the SDK's own transform throws a TypeError.
    await controls.fault({
      method: 'GET',
      path: '/api/v3.1/connected_accounts',
      status: 200,
      body: { next_cursor: null },
    });
    const list = await failureOf(gateway.listAccounts({ composioUserId: 'user_ann' }));
    expect(list.reason).toBe('UPSTREAM_UNAVAILABLE');
    expect(list.details).toMatchObject({ malformedResponse: true });
    // A tool without a name: the SDK's ToolSchema.parse throws a raw ZodError.
    await controls.fault({
      method: 'GET',
      path: '/api/v3.1/tools/GITHUB_GET_REPO',
      status: 200,
      body: { slug: 'GITHUB_GET_REPO' },
    });
    const tool = await failureOf(gateway.getTool('GITHUB_GET_REPO'));
    expect(tool.reason).toBe('UPSTREAM_UNAVAILABLE');
    expect(tool.details).toMatchObject({ malformedResponse: true });
    // Only one request each: a malformed answer is not retried.
    expect(await controls.apiRequests()).toHaveLength(2);
  });
});

describe('writes are never retried blindly', () => {
  it('sends a failed link once', async () => {
    const gateway = makeGateway();
    const authConfigId = await gateway.resolveAuthConfig('github');
    await controls.clearRequests();
    await controls.fault({
      method: 'POST',
      path: '/api/v3.1/connected_accounts/link',
      status: 503,
      times: 1,
    });
    expect(
      await reasonOf(gateway.link({ composioUserId: 'user_ann', toolkit: 'github', authConfigId })),
    ).toBe('UPSTREAM_UNAVAILABLE');
    const posts = (await controls.apiRequests()).filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
  });

  it('sends a failed execute once', async () => {
    const gateway = makeGateway();
    const account = await connect(gateway, 'user_ann', 'slack', 'ann');
    await gateway.getTool('SLACK_LIST_CHANNELS');
    await controls.clearRequests();
    await controls.fault({ method: 'POST', path: '/api/v3.1/tools/execute/*', status: 502 });
    expect(
      await reasonOf(
        gateway.execute({
          tool: 'SLACK_LIST_CHANNELS',
          composioUserId: 'user_ann',
          connectedAccountId: account.id,
          arguments: {},
        }),
      ),
    ).toBe('UPSTREAM_UNAVAILABLE');
    expect(await controls.apiRequests()).toHaveLength(1);
  });

  it('retries an idempotent delete and treats "already gone" on the retry as done', async () => {
    const gateway = makeGateway();
    const account = await connect(gateway, 'user_ann', 'slack', 'ann');
    await controls.clearRequests();
    await controls.fault({
      method: 'DELETE',
      path: `/api/v3.1/connected_accounts/${account.id}`,
      status: 503,
      times: 1,
    });
    await expect(gateway.deleteAccount(account.id)).resolves.toBeUndefined();
    expect((await controls.apiRequests()).map((r) => r.status)).toStrictEqual([503, 200]);
  });
});

describe('the observer', () => {
  it('wraps each call once, retries included, and adds its headers to every request', async () => {
    const calls: Array<{ operation: string; subject: string | undefined; outcome: string }> = [];
    let sent = 0;
    const traceparent = (n: number) => `00-${'a'.repeat(32)}-${String(n).padStart(16, '0')}-01`;
    const observer: GatewayObserver = {
      async call(operation, subject, run) {
        try {
          const value = await run();
          calls.push({ operation, subject, outcome: 'ok' });
          return value;
        } catch (error) {
          calls.push({ operation, subject, outcome: (error as GatewayError).reason });
          throw error;
        }
      },
      requestHeaders: () => ({ traceparent: traceparent(++sent) }),
    };
    const gateway = makeGateway({ observer });
    const account = await controls.seedAccount({
      user_id: 'user_watched',
      toolkit: 'gmail',
      identity: 'watched@example.test',
    });
    await controls.clearRequests();

    await gateway.execute({
      tool: 'GMAIL_GET_PROFILE',
      composioUserId: 'user_watched',
      connectedAccountId: account.id,
      arguments: {},
    });
    await controls.fault({ method: 'GET', path: '/api/v3.1/toolkits/github', status: 503 });
    expect(await reasonOf(gateway.getToolkit('github'))).toBe('UPSTREAM_UNAVAILABLE');

    expect(calls).toStrictEqual([
      { operation: 'tools.get', subject: 'GMAIL_GET_PROFILE', outcome: 'ok' },
      { operation: 'tools.execute', subject: 'GMAIL_GET_PROFILE', outcome: 'ok' },
      { operation: 'toolkits.get', subject: 'github', outcome: 'UPSTREAM_UNAVAILABLE' },
    ]);
    const logged = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as {
      items: Array<{ path: string; traceparent: string | null }>;
    };
    // Two requests for the execution, three tries of the failing read: each with its own header.
    expect(logged.items.map((entry) => entry.traceparent)).toStrictEqual(
      [1, 2, 3, 4, 5].map(traceparent),
    );
  });
});

describe('network', () => {
  it('disables the SDK telemetry process-wide', () => {
    makeGateway();
    expect(process.env.TELEMETRY_DISABLED).toBe('true');
  });

  // Runs last in this file: by now every test above has built gateways and called Composio.
  it('never reached any host but loopback (no version check, no telemetry)', async () => {
    // Telemetry batches flush after 200 ms; give a stray one the chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The probe saw the SDK's own requests, all through the gateway's node:http transport.
    const sdkRequests = network.targets.filter((t) => t.includes('/api/v3.1/'));
    expect(sdkRequests.length).toBeGreaterThan(50);
    expect(sdkRequests.filter((t) => !t.startsWith('http '))).toStrictEqual([]);
    const elsewhere = network.targets.filter((target) => !isLoopback(hostOf(target)));
    expect(elsewhere).toStrictEqual([]);
    expect(network.targets.some((t) => /npmjs|composio\.dev/.test(t))).toBe(false);
  });
});

/** A loopback port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
