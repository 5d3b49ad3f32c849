import { describe, expect, it } from 'vitest';
import { injectable } from '../../test/helpers.js';

// Wire details of the API routes, checked with inject.

describe('api', () => {
  it('answers unknown routes with a Composio-like 404', async () => {
    const { api } = injectable();
    const response = await api('GET', '/api/v3.1/nothing');
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ status: 404, slug: 'Route_NotFound' });
  });

  it('says when the API key is missing', async () => {
    const { app } = injectable();
    const response = await app.inject({ method: 'GET', url: '/api/v3.1/toolkits' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toStrictEqual({
      error: {
        message: 'API key is required (x-api-key header)',
        code: 1001,
        slug: 'Auth_InvalidApiKey',
        status: 401,
        request_id: expect.any(String),
        suggested_fix: 'Send the project API key in the x-api-key header.',
      },
    });
  });

  it('accepts a custom API key', async () => {
    const { app } = injectable({ apiKey: 'sekret' });
    const ok = await app.inject({
      method: 'GET',
      url: '/api/v3.1/toolkits',
      headers: { 'x-api-key': 'sekret' },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('validates request bodies with a message naming the field', async () => {
    const { api } = injectable();
    const response = await api('POST', '/api/v3.1/connected_accounts/link', { user_id: 'a' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe("body must have required property 'auth_config_id'");
  });

  it('rejects a non-URL callback and an unknown status filter', async () => {
    const { api, state } = injectable();
    const authConfig = state.createAuthConfig({ toolkit: 'gmail' });
    const link = await api('POST', '/api/v3.1/connected_accounts/link', {
      auth_config_id: authConfig.id,
      user_id: 'a',
      callback_url: 'not a url',
    });
    expect(link.statusCode).toBe(400);
    const list = await api('GET', '/api/v3.1/connected_accounts?statuses=ACTIVE,BROKEN');
    expect(list.json().error.message).toContain("Invalid status 'BROKEN'");
  });

  it('accepts repeated query keys as well as comma-joined ones', async () => {
    const { api, state } = injectable();
    for (const u of ['a', 'b', 'c']) {
      state.seedAccount({ userId: u, toolkit: 'notion', identity: `${u}@x.test` }, 'http://e.test');
    }
    const response = await api('GET', '/api/v3.1/connected_accounts?user_ids=a&user_ids=b');
    expect(
      response
        .json()
        .items.map((a: { user_id: string }) => a.user_id)
        .sort(),
    ).toStrictEqual(['a', 'b']);
  });

  it('answers the legacy initiate with deprecation headers and a redirect', async () => {
    const { api, state } = injectable();
    const authConfig = state.createAuthConfig({ toolkit: 'github' });
    const response = await api('POST', '/api/v3.1/connected_accounts', {
      auth_config: { id: authConfig.id },
      connection: { user_id: 'alice', callback_url: 'https://app.test/cb' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers.deprecation).toBeDefined();
    expect(response.headers.sunset).toBe('Fri, 03 Jul 2026 00:00:00 GMT');
    expect(response.json()).toMatchObject({
      connectionData: { authScheme: 'OAUTH2', val: { status: 'INITIATED' } },
      status: 'INITIATED',
    });
  });

  it('answers the legacy initiate with the UUIDs Composio describes as required', async () => {
    const { api, state } = injectable();
    const authConfig = state.createAuthConfig({ toolkit: 'github' });
    const response = await api('POST', '/api/v3.1/connected_accounts', {
      auth_config: { id: authConfig.id },
      connection: { user_id: 'alice' },
    });
    const body = response.json();
    expect(body.deprecated).toStrictEqual({
      uuid: state.accounts.get(body.id)?.uuid,
      authConfigUuid: authConfig.uuid,
    });
    expect(body.deprecated.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
  });

  it('names the account in camel case on the callback of a legacy initiate', async () => {
    const { api, app, state } = injectable();
    const authConfig = state.createAuthConfig({ toolkit: 'github' });
    const initiated = await api('POST', '/api/v3.1/connected_accounts', {
      auth_config: { id: authConfig.id },
      connection: { user_id: 'alice', callback_url: 'https://app.test/cb' },
    });
    const { id, redirect_url } = initiated.json();
    const consent = await app.inject({
      method: 'POST',
      url: new URL(redirect_url).pathname,
      payload: 'decision=approve',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(consent.headers.location).toBe(
      `https://app.test/cb?status=success&connectedAccountId=${id}&appName=github`,
    );
  });

  it('does not flag initiate for custom auth configs', async () => {
    const { api } = injectable({ legacyInitiate: 'retired' });
    const created = await api('POST', '/api/v3.1/auth_configs', {
      toolkit: { slug: 'github' },
      auth_config: { type: 'use_custom_auth', authScheme: 'OAUTH2', name: 'Own app' },
    });
    expect(created.json()).toMatchObject({ auth_config: { is_composio_managed: false } });
    const response = await api('POST', '/api/v3.1/connected_accounts', {
      auth_config: { id: created.json().auth_config.id },
      connection: { user_id: 'alice' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers.deprecation).toBeUndefined();
  });

  it('refuses to link with a disabled auth config', async () => {
    const { api, state } = injectable();
    const authConfig = state.createAuthConfig({ toolkit: 'gmail' });
    const disabled = await api('PATCH', `/api/v3.1/auth_configs/${authConfig.id}/DISABLED`);
    expect(disabled.json()).toStrictEqual({});
    const link = await api('POST', '/api/v3.1/connected_accounts/link', {
      auth_config_id: authConfig.id,
      user_id: 'a',
    });
    expect(link.json().error).toMatchObject({ slug: 'AuthConfig_Disabled' });
    const listed = await api('GET', '/api/v3.1/auth_configs?show_disabled=true');
    expect(listed.json().items).toMatchObject([{ status: 'DISABLED' }]);
  });

  it("lists accounts without the single account's params", async () => {
    const { api, state } = injectable();
    const account = state.seedAccount(
      { userId: 'a', toolkit: 'gmail', identity: 'a@x.test' },
      'http://e.test',
    );
    const one = (await api('GET', `/api/v3.1/connected_accounts/${account.id}`)).json();
    const [item] = (await api('GET', '/api/v3.1/connected_accounts?user_ids=a')).json().items;
    expect(one.params).toStrictEqual({});
    const { params: _params, ...rest } = one;
    expect(item).toStrictEqual(rest);
  });

  it('updates an alias with PATCH', async () => {
    const { api, state } = injectable();
    const account = state.seedAccount(
      { userId: 'a', toolkit: 'gmail', identity: 'a@x.test' },
      'http://e.test',
    );
    const patched = await api('PATCH', `/api/v3.1/connected_accounts/${account.id}`, {
      alias: 'Personal',
    });
    expect(patched.json()).toStrictEqual({ id: account.id, status: 'ACTIVE', success: true });
    expect(state.accounts.get(account.id)?.alias).toBe('Personal');
  });

  it('drops the connection under inject too (the request rejects)', async () => {
    const { api, state } = injectable();
    state.addFault({ path: '/api/v3.1/toolkits', drop: true, times: 1 });
    await expect(api('GET', '/api/v3.1/toolkits')).rejects.toThrow('dropped by an emulator fault');
    expect((await api('GET', '/api/v3.1/toolkits')).statusCode).toBe(200);
    expect(state.requests.map((r) => r.status)).toStrictEqual([null, 200]);
  });

  it('lists tool enums and categories', async () => {
    const { api } = injectable();
    expect((await api('GET', '/api/v3.1/tools/enum')).json()).toContain('GMAIL_SEND_EMAIL');
    expect((await api('GET', '/api/v3.1/toolkits/categories')).json().items).toContainEqual({
      id: 'communication',
      name: 'Communication',
    });
  });

  it('filters tools by toolkit list, query= and important', async () => {
    const { api } = injectable();
    const slugs = async (qs: string) =>
      (await api('GET', `/api/v3.1/tools?${qs}`)).json().items.map((t: { slug: string }) => t.slug);
    expect(await slugs('toolkit_slug=slack,notion&important=true')).toStrictEqual([
      'SLACK_SEND_MESSAGE',
      'SLACK_LIST_CHANNELS',
      'NOTION_CREATE_PAGE',
      'NOTION_SEARCH',
    ]);
    expect(await slugs('query=send')).toStrictEqual(['GMAIL_SEND_EMAIL', 'SLACK_SEND_MESSAGE']);
    expect(await slugs('toolkit_slug=jira')).toStrictEqual([]);
  });
});
