import { AuthenticationError, NotFoundError } from '@composio/client';
import {
  type Composio,
  ComposioConnectedAccountNotFoundError,
  ComposioFailedToCreateConnectedAccountLink,
  ComposioLegacyConnectedAccountsEndpointRetiredError,
  ComposioMultipleConnectedAccountsError,
  ComposioToolExecutionError,
  ComposioToolkitNotFoundError,
  ComposioToolNotFoundError,
  ComposioToolVersionRequiredError,
  ConnectionRequestFailedError,
} from '@composio/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authConfigFor,
  connect,
  control,
  sdkFor,
  startEmulator,
  watchSdkLogs,
} from '../test/helpers.js';
import { completeConsent, type RunningEmulator, TOOLS } from './index.js';

// The real SDK (`@composio/core` 0.19.0) against the emulator over loopback HTTP. Every test
// fails if the SDK prints a warning it was not told to expect (validation warnings above all).

let emulator: RunningEmulator;
let composio: Composio;
let clock = Date.parse('2026-11-25T12:00:00.000Z');
const logs = watchSdkLogs();

beforeAll(async () => {
  emulator = await startEmulator({ now: () => clock });
  composio = sdkFor(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.state.reset();
  clock = Date.parse('2026-11-25T12:00:00.000Z');
});

const requests = (method: string, path: string) =>
  emulator.state.requests.filter((r) => r.method === method && r.path === path);

describe('toolkits', () => {
  it('gets a toolkit with meta and auth config details', async () => {
    const github = await composio.toolkits.get('github');
    expect(github).toMatchObject({
      slug: 'github',
      name: 'GitHub',
      isLocalToolkit: false,
      composioManagedAuthSchemes: ['OAUTH2'],
      meta: { toolsCount: 5, availableVersions: ['20251101_00', '20250909_00'] },
    });
    expect(github.authConfigDetails?.[0]).toMatchObject({ mode: 'OAUTH2', name: 'GitHub' });
  });

  it('lists the four toolkits', async () => {
    const all = await composio.toolkits.get({});
    expect(all.map((t) => t.slug).sort()).toStrictEqual(['github', 'gmail', 'notion', 'slack']);
  });

  it('maps an unknown toolkit to ComposioToolkitNotFoundError', async () => {
    await expect(composio.toolkits.get('jira')).rejects.toBeInstanceOf(
      ComposioToolkitNotFoundError,
    );
  });
});

describe('auth configs', () => {
  it('has none until one is created, then lists and gets it', async () => {
    expect((await composio.authConfigs.list({ toolkit: 'github' })).items).toStrictEqual([]);
    const created = await composio.authConfigs.create('github', {
      type: 'use_composio_managed_auth',
      name: 'GitHub Auth Config',
    });
    expect(created).toMatchObject({
      authScheme: 'OAUTH2',
      isComposioManaged: true,
      toolkit: 'github',
    });
    const listed = await composio.authConfigs.list({ toolkit: 'github' });
    expect(listed.items.map((c) => c.id)).toStrictEqual([created.id]);
    expect((await composio.authConfigs.list({ toolkit: 'slack' })).items).toStrictEqual([]);
    const got = await composio.authConfigs.get(created.id);
    expect(got).toMatchObject({
      id: created.id,
      name: 'GitHub Auth Config',
      status: 'ENABLED',
      noOfConnections: 0,
      toolkit: { slug: 'github' },
    });
  });

  it('lets toolkits.authorize() create a managed auth config (and warns about initiate)', async () => {
    logs.allow(/\[Deprecation\] composio\.connectedAccounts\.initiate\(\)/);
    const request = await composio.toolkits.authorize('dana', 'slack');
    expect(request.redirectUrl).toMatch(/\/consent\/lt_/);
    expect(requests('POST', '/api/v3.1/auth_configs')).toHaveLength(1);
    expect((await composio.authConfigs.list({ toolkit: 'slack' })).items).toHaveLength(1);
    const account = await composio.connectedAccounts.get(request.id);
    expect(account.status).toBe('INITIATED');
  });
});

describe('connecting an account', () => {
  it('link → consent approve → ACTIVE with the chosen identity', async () => {
    const authConfigId = await authConfigFor(composio, 'github');
    const request = await composio.connectedAccounts.link('alice', authConfigId, {
      callbackUrl: 'https://app.example.test/callback?state=xyz',
      alias: 'work',
    });
    expect(request.status).toBe('INITIATED');
    expect(request.redirectUrl).toBe(
      `${emulator.url}/consent/${emulator.state.accounts.get(request.id)?.link?.token}`,
    );

    const consent = await completeConsent(request.redirectUrl ?? '', {
      identity: 'alice-work@example.test',
    });
    expect(consent.status).toBe(302);
    const callback = new URL(consent.location ?? '');
    expect(callback.origin + callback.pathname).toBe('https://app.example.test/callback');
    expect(Object.fromEntries(callback.searchParams)).toStrictEqual({
      state: 'xyz',
      status: 'success',
      connected_account_id: request.id,
    });

    const account = await composio.connectedAccounts.get(request.id);
    expect(account).toMatchObject({
      id: request.id,
      status: 'ACTIVE',
      statusReason: null,
      isDisabled: false,
      alias: 'work',
      toolkit: { slug: 'github' },
      authConfig: { id: authConfigId, isComposioManaged: true, isDisabled: false },
      data: { account_identity: 'alice-work@example.test' },
      state: {
        authScheme: 'OAUTH2',
        val: { status: 'ACTIVE', account_identity: 'alice-work@example.test' },
      },
    });
    expect(account.state?.val).toHaveProperty(
      'access_token',
      expect.stringMatching(/^emu_secret_/),
    );
    expect(account.wordId).toMatch(/^github_[a-z]+-[a-z]+$/);
    const waited = await request.waitForConnection(5_000);
    expect(waited.status).toBe('ACTIVE');
  });

  it('connects two accounts of one toolkit for one user (allowMultiple)', async () => {
    logs.allow(/\[Warn:AllowMultiple\]/);
    const first = await connect(composio, 'alice', 'gmail', 'alice@example.test');
    await expect(
      composio.connectedAccounts.link('alice', await authConfigFor(composio, 'gmail')),
    ).rejects.toBeInstanceOf(ComposioMultipleConnectedAccountsError);
    const second = await connect(composio, 'alice', 'gmail', 'alice-work@example.test', {
      allowMultiple: true,
    });
    const listed = await composio.connectedAccounts.list({ userIds: ['alice'] });
    expect(listed.items.map((a) => a.id)).toStrictEqual([second, first]);
    expect(listed.items.map((a) => a.data?.account_identity)).toStrictEqual([
      'alice-work@example.test',
      'alice@example.test',
    ]);
  });

  it('lists with the comma-joined userIds, toolkitSlugs and statuses filters', async () => {
    const a = await connect(composio, 'alice', 'github', 'alice@example.test');
    const b = await connect(composio, 'bob', 'github', 'bob@example.test');
    const c = await connect(composio, 'carol', 'slack', 'carol@example.test');
    const pending = await composio.connectedAccounts.link(
      'alice',
      await authConfigFor(composio, 'slack'),
    );
    const ids = async (query: Parameters<Composio['connectedAccounts']['list']>[0]) =>
      (await composio.connectedAccounts.list(query)).items.map((x) => x.id).sort();

    expect(await ids({ userIds: ['alice', 'bob'] })).toStrictEqual([a, b, pending.id].sort());
    expect(await ids({ toolkitSlugs: ['slack'] })).toStrictEqual([c, pending.id].sort());
    expect(await ids({ statuses: ['ACTIVE'], toolkitSlugs: ['github', 'slack'] })).toStrictEqual(
      [a, b, c].sort(),
    );
    expect(await ids({ userIds: ['alice'], statuses: ['INITIATED', 'EXPIRED'] })).toStrictEqual([
      pending.id,
    ]);
    const sent = requests('GET', '/api/v3.1/connected_accounts').map((r) => r.query);
    expect(sent).toContainEqual({ user_ids: 'alice,bob' });
    expect(sent).toContainEqual({ statuses: 'ACTIVE', toolkit_slugs: 'github,slack' });
  });

  it('paginates with limit and cursor', async () => {
    for (const who of ['u1', 'u2', 'u3'])
      await connect(composio, who, 'notion', `${who}@example.test`);
    const first = await composio.connectedAccounts.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.totalPages).toBe(2);
    const second = await composio.connectedAccounts.list({ limit: 2, cursor: first.nextCursor });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
  });

  it('deny → FAILED with USER_DENIED and a failed callback', async () => {
    const request = await composio.connectedAccounts.link(
      'alice',
      await authConfigFor(composio, 'slack'),
      { callbackUrl: 'https://app.example.test/cb' },
    );
    const consent = await completeConsent(request.redirectUrl ?? '', { decision: 'deny' });
    expect(new URL(consent.location ?? '').searchParams.get('status')).toBe('failed');
    const account = await composio.connectedAccounts.get(request.id);
    expect(account).toMatchObject({ status: 'FAILED', statusReason: 'USER_DENIED' });
    await expect(request.waitForConnection(2_000)).rejects.toBeInstanceOf(
      ConnectionRequestFailedError,
    );
  });

  it('an unanswered link expires into EXPIRED / INITIATION_TIMEOUT (evaluated on read)', async () => {
    const request = await composio.connectedAccounts.link(
      'alice',
      await authConfigFor(composio, 'github'),
    );
    clock += 599_999;
    expect((await composio.connectedAccounts.get(request.id)).status).toBe('INITIATED');
    clock += 1;
    expect(await composio.connectedAccounts.get(request.id)).toMatchObject({
      status: 'EXPIRED',
      statusReason: 'INITIATION_TIMEOUT',
    });
    const page = await fetch(request.redirectUrl ?? '');
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('expired');
    const listed = await composio.connectedAccounts.list({ statuses: ['EXPIRED'] });
    expect(listed.items.map((a) => a.id)).toStrictEqual([request.id]);
  });

  it('refresh re-authorizes an expired account in place, keeping its identity', async () => {
    const id = await connect(composio, 'alice', 'github', 'alice-work@example.test');
    await control(emulator, `/accounts/${id}/expire`, { method: 'POST', body: '{}' });
    expect(await composio.connectedAccounts.get(id)).toMatchObject({
      status: 'EXPIRED',
      statusReason: 'TOKEN_EXPIRED',
    });

    const refreshed = await composio.connectedAccounts.refresh(id, {
      redirectUrl: 'https://app.example.test/again',
    });
    expect(refreshed).toMatchObject({ id, status: 'INITIATED' });
    expect(refreshed.redirect_url).toMatch(/\/consent\/lt_/);
    expect((await composio.connectedAccounts.get(id)).status).toBe('INITIATED');

    // The page pre-selects the previous identity, so approving without choosing keeps it.
    const consent = await completeConsent(refreshed.redirect_url ?? '');
    expect(consent.location).toBe(
      `https://app.example.test/again?status=success&connected_account_id=${id}`,
    );
    const account = await composio.connectedAccounts.get(id);
    expect(account).toMatchObject({
      id,
      status: 'ACTIVE',
      data: { account_identity: 'alice-work@example.test' },
    });
  });

  it('refresh of an ACTIVE account rotates its token without a redirect', async () => {
    const id = await connect(composio, 'alice', 'github', 'alice@example.test');
    const before = emulator.state.accounts.get(id)?.accessToken;
    const refreshed = await composio.connectedAccounts.refresh(id);
    expect(refreshed).toStrictEqual({ id, status: 'ACTIVE', redirect_url: null });
    expect(emulator.state.accounts.get(id)?.accessToken).not.toBe(before);
  });

  it('disable → INACTIVE and unusable; enable → ACTIVE again', async () => {
    const id = await connect(composio, 'alice', 'slack', 'alice@example.test');
    expect(await composio.connectedAccounts.disable(id)).toStrictEqual({ success: true });
    expect(await composio.connectedAccounts.get(id)).toMatchObject({
      status: 'INACTIVE',
      isDisabled: true,
    });
    const refused = await composio.tools
      .execute('SLACK_LIST_CHANNELS', { userId: 'alice', connectedAccountId: id, arguments: {} })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ComposioToolExecutionError);
    expect(String((refused as Error).cause)).toContain(`Connected account ${id} is disabled`);

    await composio.connectedAccounts.enable(id);
    expect(await composio.connectedAccounts.get(id)).toMatchObject({
      status: 'ACTIVE',
      isDisabled: false,
    });
  });

  it('delete removes the account', async () => {
    const id = await connect(composio, 'alice', 'notion', 'alice@example.test');
    expect(await composio.connectedAccounts.delete(id)).toStrictEqual({ success: true });
    await expect(composio.connectedAccounts.get(id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await composio.connectedAccounts.list({ userIds: ['alice'] })).items).toStrictEqual([]);
  });

  it('refuses a link for an unknown auth config', async () => {
    await expect(composio.connectedAccounts.link('alice', 'ac_missing')).rejects.toBeInstanceOf(
      ComposioFailedToCreateConnectedAccountLink,
    );
  });
});

describe('tools', () => {
  it('gets a tool with its input schema and version', async () => {
    const tool = await composio.tools.getRawComposioToolBySlug('GITHUB_GET_REPO');
    expect(tool).toMatchObject({
      slug: 'GITHUB_GET_REPO',
      toolkit: { slug: 'github', name: 'GitHub' },
      version: '20251101_00',
      availableVersions: ['20251101_00', '20250909_00'],
      isDeprecated: false,
      tags: ['important', 'readOnlyHint', 'idempotentHint', 'openWorldHint'],
      inputParameters: { type: 'object', required: ['owner', 'repo'] },
    });
    await expect(composio.tools.getRawComposioToolBySlug('GITHUB_NOPE')).rejects.toBeInstanceOf(
      ComposioToolNotFoundError,
    );
  });

  it('every catalog tool passes the SDK schema', async () => {
    const all = await composio.tools.getRawComposioTools({ tools: TOOLS.map((t) => t.slug) });
    expect(all.map((t) => t.slug)).toStrictEqual(TOOLS.map((t) => t.slug));
  });

  it('tools.get by toolkit returns the important ones, wrapped for the provider', async () => {
    const tools = (await composio.tools.get('alice', { toolkits: ['github'] })) as Array<{
      function: { name: string };
    }>;
    expect(tools.map((t) => t.function.name)).toStrictEqual([
      'GITHUB_GET_REPO',
      'GITHUB_LIST_REPOS',
      'GITHUB_CREATE_ISSUE',
    ]);
    expect(requests('GET', '/api/v3.1/tools')[0]?.query).toMatchObject({
      toolkit_slug: 'github',
      important: 'true',
    });
  });

  it('filters by tool slugs and by search text (sent as search=)', async () => {
    const bySlug = await composio.tools.getRawComposioTools({
      tools: ['SLACK_SEND_MESSAGE', 'gmail_send_email'],
    });
    expect(bySlug.map((t) => t.slug)).toStrictEqual(['GMAIL_SEND_EMAIL', 'SLACK_SEND_MESSAGE']);
    const bySearch = await composio.tools.getRawComposioTools({ search: 'issue' });
    expect(bySearch.map((t) => t.slug)).toStrictEqual([
      'GITHUB_CREATE_ISSUE',
      'GITHUB_LIST_ISSUES',
    ]);
    expect(requests('GET', '/api/v3.1/tools').at(-1)?.query).toMatchObject({ search: 'issue' });
  });
});

describe('tool execution', () => {
  it('uses the explicit account, else the most recently connected ACTIVE one', async () => {
    logs.allow(/\[Warn:AllowMultiple\]/);
    const personal = await connect(composio, 'alice', 'github', 'alice@example.test');
    const work = await connect(composio, 'alice', 'github', 'alice-work@example.test', {
      allowMultiple: true,
    });
    const login = async (connectedAccountId?: string) => {
      const result = await composio.tools.execute('GITHUB_GET_THE_AUTHENTICATED_USER', {
        userId: 'alice',
        ...(connectedAccountId ? { connectedAccountId } : {}),
        arguments: {},
      });
      expect(result.successful).toBe(true);
      return result.data.login;
    };
    expect(await login(personal)).toBe('alice');
    expect(await login(work)).toBe('alice-work');
    expect(await login()).toBe('alice-work');

    const repos = await composio.tools.execute('GITHUB_LIST_REPOS', {
      userId: 'alice',
      connectedAccountId: personal,
      arguments: {},
    });
    expect(
      (repos.data.repositories as Array<{ full_name: string }>).map((r) => r.full_name),
    ).toStrictEqual(['alice/notes', 'alice/website']);
    expect(repos).toMatchObject({ error: null, logId: expect.stringMatching(/^log_/) });
  });

  it("refuses another user's account as ConnectedAccountNotFound", async () => {
    const bobs = await connect(composio, 'bob', 'github', 'bob@example.test');
    await connect(composio, 'alice', 'github', 'alice@example.test');
    const refused = await composio.tools
      .execute('GITHUB_LIST_REPOS', { userId: 'alice', connectedAccountId: bobs, arguments: {} })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ComposioConnectedAccountNotFoundError);
    expect(emulator.state.executions).toStrictEqual([]);
  });

  it('fails with ConnectedAccountNotFound when the user has no account for the toolkit', async () => {
    await connect(composio, 'alice', 'slack', 'alice@example.test');
    await expect(
      composio.tools.execute('GMAIL_GET_PROFILE', { userId: 'alice', arguments: {} }),
    ).rejects.toBeInstanceOf(ComposioConnectedAccountNotFoundError);
  });

  it('makes writes visible to later reads of the same account only', async () => {
    logs.allow(/\[Warn:AllowMultiple\]/);
    const a = await connect(composio, 'alice', 'slack', 'alice@example.test');
    const b = await connect(composio, 'alice', 'slack', 'alice-work@example.test', {
      allowMultiple: true,
    });
    const sent = await composio.tools.execute('SLACK_SEND_MESSAGE', {
      userId: 'alice',
      connectedAccountId: a,
      arguments: { channel: '#general', text: 'hello from a' },
    });
    expect(sent).toMatchObject({ successful: true, data: { ok: true } });

    const history = async (connectedAccountId: string) => {
      const result = await composio.tools.execute('SLACK_LIST_MESSAGES', {
        userId: 'alice',
        connectedAccountId,
        arguments: { channel: 'general' },
      });
      return (result.data.messages as Array<{ text: string }>).map((m) => m.text);
    };
    expect(await history(a)).toStrictEqual([
      'hello from a',
      "Welcome to #general in alice's workspace (alice@example.test).",
    ]);
    expect(await history(b)).toStrictEqual([
      "Welcome to #general in alice-work's workspace (alice-work@example.test).",
    ]);
    const outbox = await control<{ items: Array<{ accountId: string; kind: string }> }>(
      emulator,
      '/messages?user_id=alice',
    );
    expect(outbox.items).toMatchObject([{ accountId: a, kind: 'slack_message' }]);
  });

  it('reports a tool-level failure as successful: false', async () => {
    await connect(composio, 'alice', 'github', 'alice@example.test');
    const result = await composio.tools.execute('GITHUB_GET_REPO', {
      userId: 'alice',
      arguments: { owner: 'bob', repo: 'secret' },
    });
    expect(result.successful).toBe(false);
    expect(result.data).toStrictEqual({});
    expect(result.error).toContain("repository 'bob/secret'");
  });

  it('rejects invalid arguments with an error naming the field', async () => {
    await connect(composio, 'alice', 'github', 'alice@example.test');
    const refused = await composio.tools
      .execute('GITHUB_CREATE_ISSUE', {
        userId: 'alice',
        arguments: { owner: 'alice', repo: 'notes', labels: 'bug' },
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ComposioToolExecutionError);
    const cause = (refused as { cause: { status: number; message: string } }).cause;
    expect(cause.status).toBe(400);
    expect(cause.message).toContain("missing required field 'title'");
    expect(cause.message).toContain("field 'labels' must be array");
  });

  it('needs a version unless the check is skipped; any version is accepted', async () => {
    await connect(composio, 'alice', 'notion', 'alice@example.test');
    const unpinned = sdkFor(emulator, { toolkitVersions: 'latest' });
    await expect(
      unpinned.tools.execute('NOTION_SEARCH', { userId: 'alice', arguments: {} }),
    ).rejects.toBeInstanceOf(ComposioToolVersionRequiredError);
    const skipped = await unpinned.tools.execute('NOTION_SEARCH', {
      userId: 'alice',
      arguments: { query: 'meeting' },
      dangerouslySkipVersionCheck: true,
    });
    expect((skipped.data.results as Array<{ title: string }>).map((p) => p.title)).toStrictEqual([
      'Meeting Notes',
    ]);
    const old = await unpinned.tools.execute('NOTION_SEARCH', {
      userId: 'alice',
      arguments: {},
      version: '20250909_00',
    });
    expect(old.successful).toBe(true);
  });
});

describe('authentication', () => {
  it('answers 401 without the right API key', async () => {
    const wrong = sdkFor(emulator, { apiKey: 'not-the-key' });
    const error = await wrong.connectedAccounts.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).error).toMatchObject({
      error: { status: 401, message: 'Invalid API key' },
    });
    const bare = await fetch(`${emulator.url}/api/v3.1/toolkits`);
    expect(bare.status).toBe(401);
  });
});

describe('the retired initiate endpoint', () => {
  it("answers 400 when configured like today's live service", async () => {
    const retired = await startEmulator({ legacyInitiate: 'retired' });
    try {
      const sdk = sdkFor(retired);
      const authConfigId = (await sdk.authConfigs.create('gmail')).id;
      await expect(sdk.connectedAccounts.initiate('alice', authConfigId)).rejects.toBeInstanceOf(
        ComposioLegacyConnectedAccountsEndpointRetiredError,
      );
      // link() keeps working.
      const request = await sdk.connectedAccounts.link('alice', authConfigId);
      expect(request.redirectUrl).toContain(`${retired.url}/consent/`);
    } finally {
      await retired.close();
    }
  });
});
