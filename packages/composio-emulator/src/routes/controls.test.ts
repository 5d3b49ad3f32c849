import { describe, expect, it } from 'vitest';
import { injectable } from '../../test/helpers.js';
import { buildEmulatorApp } from '../index.js';

// The /_emulator controls.

describe('controls', () => {
  it('are not registered unless asked for', async () => {
    const app = buildEmulatorApp();
    expect((await app.inject({ method: 'GET', url: '/_emulator/state' })).statusCode).toBe(404);
  });

  it('seed ACTIVE accounts without the consent flow, one or many', async () => {
    const { app, api } = injectable();
    const one = await app.inject({
      method: 'POST',
      url: '/_emulator/accounts',
      payload: { user_id: 'alice', toolkit: 'github', identity: 'alice-work@example.test' },
    });
    expect(one.statusCode).toBe(201);
    expect(one.json()).toMatchObject({
      user_id: 'alice',
      toolkit: 'github',
      status: 'ACTIVE',
      identity: 'alice-work@example.test',
      access_token: expect.stringMatching(/^emu_secret_/),
    });
    const many = await app.inject({
      method: 'POST',
      url: '/_emulator/accounts',
      payload: {
        accounts: Array.from({ length: 500 }, (_, i) => ({
          user_id: `user-${i}`,
          toolkit: 'slack',
          identity: `user-${i}@example.test`,
        })),
      },
    });
    expect(many.json().items).toHaveLength(500);
    const listed = await api('GET', '/api/v3.1/connected_accounts?user_ids=user-42');
    expect(listed.json().items).toMatchObject([
      { user_id: 'user-42', status: 'ACTIVE', data: { account_identity: 'user-42@example.test' } },
    ]);
    // Seeding reuses one managed auth config per toolkit.
    const configs = await api('GET', '/api/v3.1/auth_configs?toolkit_slug=slack');
    expect(configs.json().items).toMatchObject([{ no_of_connections: 500 }]);
  });

  it('seed other statuses, and reject an unknown toolkit', async () => {
    const { app } = injectable();
    const seed = (payload: object) =>
      app.inject({ method: 'POST', url: '/_emulator/accounts', payload });
    const initiated = await seed({
      user_id: 'a',
      toolkit: 'notion',
      identity: 'a@example.test',
      status: 'INITIATED',
    });
    expect(initiated.json()).toMatchObject({
      status: 'INITIATED',
      link: { redirect_url: expect.stringMatching(/^http:\/\/emulator\.test\/consent\//) },
    });
    expect((await seed({ user_id: 'a', toolkit: 'jira', identity: 'a' })).statusCode).toBe(400);
  });

  it('expire, disable and enable an account', async () => {
    const { app, state } = injectable();
    const id = state.seedAccount(
      { userId: 'alice', toolkit: 'gmail', identity: 'alice@example.test' },
      'http://emulator.test',
    ).id;
    const post = (url: string, payload?: object) =>
      app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
    expect((await post(`/_emulator/accounts/${id}/disable`)).json()).toMatchObject({
      status: 'INACTIVE',
      is_disabled: true,
    });
    expect((await post(`/_emulator/accounts/${id}/enable`)).json()).toMatchObject({
      status: 'ACTIVE',
      is_disabled: false,
    });
    expect(
      (await post(`/_emulator/accounts/${id}/expire`, { reason: 'REFRESH_FAILED' })).json(),
    ).toMatchObject({ status: 'EXPIRED', status_reason: 'REFRESH_FAILED' });
    expect((await post('/_emulator/accounts/ca_nope/expire')).statusCode).toBe(404);
  });

  it('inspect the full state of an account, including its upstream data', async () => {
    const { app, api, state } = injectable();
    const id = state.seedAccount(
      { userId: 'alice', toolkit: 'slack', identity: 'alice@example.test' },
      'http://emulator.test',
    ).id;
    await api('POST', '/api/v3.1/tools/execute/SLACK_SEND_MESSAGE', {
      connected_account_id: id,
      arguments: { channel: 'general', text: 'hi' },
    });
    const account = (await app.inject({ method: 'GET', url: `/_emulator/accounts/${id}` })).json();
    expect(account.world.slack.channels[0].messages.at(-1)).toMatchObject({ text: 'hi' });
    const dump = (await app.inject({ method: 'GET', url: '/_emulator/state' })).json();
    expect(dump).toMatchObject({
      accounts: [{ id }],
      messages: [{ kind: 'slack_message', accountId: id, summary: { channel: '#general' } }],
      executions: [{ tool: 'SLACK_SEND_MESSAGE', accountId: id, successful: true }],
    });
    const executions = await app.inject({
      method: 'GET',
      url: `/_emulator/executions?account_id=${id}`,
    });
    expect(executions.json().items).toHaveLength(1);
  });

  it('move the clock, so links expire without waiting', async () => {
    const { app, api, state } = injectable();
    const authConfig = state.createAuthConfig({ toolkit: 'github' });
    const link = await api('POST', '/api/v3.1/connected_accounts/link', {
      auth_config_id: authConfig.id,
      user_id: 'alice',
    });
    const id = link.json().connected_account_id;
    await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { advanceMs: 600_000 } });
    expect((await api('GET', `/api/v3.1/connected_accounts/${id}`)).json()).toMatchObject({
      status: 'EXPIRED',
      status_reason: 'INITIATION_TIMEOUT',
    });
  });

  it('reset forgets everything', async () => {
    const { app, api, state } = injectable();
    state.seedAccount({ userId: 'a', toolkit: 'gmail', identity: 'a@x.test' }, 'http://e.test');
    await api('GET', '/api/v3.1/toolkits');
    expect((await app.inject({ method: 'POST', url: '/_emulator/reset' })).statusCode).toBe(204);
    expect(state.accounts.size).toBe(0);
    expect(state.authConfigs.size).toBe(0);
    expect(state.requests).toStrictEqual([]);
  });

  it('validate fault specs', async () => {
    const { app } = injectable();
    const bad = await app.inject({
      method: 'POST',
      url: '/_emulator/faults',
      payload: { path: '/x', status: 42 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('status');
  });
});
