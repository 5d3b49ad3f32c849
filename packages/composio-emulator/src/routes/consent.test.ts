import { describe, expect, it } from 'vitest';
import { injectable } from '../../test/helpers.js';

// The consent page, driven with inject.

function setup(now = () => 1_700_000_000_000) {
  const env = injectable({ now });
  const authConfig = env.state.createAuthConfig({ toolkit: 'gmail' });
  const link = async (payload: object = {}) => {
    const response = await env.api('POST', '/api/v3.1/connected_accounts/link', {
      auth_config_id: authConfig.id,
      user_id: 'Alice Smith',
      ...payload,
    });
    const body = response.json() as { redirect_url: string; connected_account_id: string };
    return { ...body, path: new URL(body.redirect_url).pathname };
  };
  const submit = (path: string, form: string) =>
    env.app.inject({
      method: 'POST',
      url: path,
      payload: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  return { ...env, link, submit };
}

describe('consent page', () => {
  it('shows toolkit, user and identity suggestions derived from the user id', async () => {
    const { app, link } = setup();
    const { path, redirect_url } = await link({ alias: 'mail' });
    expect(redirect_url).toMatch(/^http:\/\/emulator\.test\/consent\/lt_/);
    const page = await app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('data-toolkit="gmail"');
    expect(page.body).toContain('data-user-id="Alice Smith"');
    expect(page.body).toContain('<option value="alice-smith@example.test" selected>');
    expect(page.body).toContain('<option value="alice-smith-work@example.test">');
    expect(page.body).toContain('name="identity_custom"');
    expect(page.body).toContain('value="approve"');
    expect(page.body).toContain('value="deny"');
  });

  it('uses a typed identity over the selected one, and renders "done" without a callback', async () => {
    const { state, link, submit } = setup();
    const { path, connected_account_id } = await link();
    const done = await submit(
      path,
      'decision=approve&identity=alice-smith%40example.test&identity_custom=boss%40corp.test',
    );
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Connected gmail as boss@corp.test');
    expect(state.accounts.get(connected_account_id)).toMatchObject({
      status: 'ACTIVE',
      identity: 'boss@corp.test',
    });
  });

  it('keeps the callback query and adds status and the account id', async () => {
    const { link, submit } = setup();
    const { path, connected_account_id } = await link({
      callback_url: 'http://localhost:3000/oauth/callback?flow=42',
    });
    const response = await submit(path, 'decision=deny');
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(
      `http://localhost:3000/oauth/callback?flow=42&status=failed&connected_account_id=${connected_account_id}`,
    );
  });

  it('says a used link is used (410)', async () => {
    const { app, link, submit } = setup();
    const { path } = await link();
    await submit(path, 'decision=approve');
    const again = await submit(path, 'decision=approve');
    expect(again.statusCode).toBe(410);
    expect((await app.inject({ method: 'GET', url: path })).body).toContain('already been used');
  });

  it('says an expired link is expired (410)', async () => {
    let now = 1_700_000_000_000;
    const { app, link, submit } = setup(() => now);
    const { path } = await link();
    now += 600_000;
    const page = await app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('This connection link has expired');
    expect((await submit(path, 'decision=approve')).statusCode).toBe(410);
  });

  it('answers 404 for an unknown token and 400 for a bad form', async () => {
    const { app, link, submit } = setup();
    expect((await app.inject({ method: 'GET', url: '/consent/lt_nope' })).statusCode).toBe(404);
    const { path } = await link();
    expect((await submit(path, 'decision=maybe')).statusCode).toBe(400);
    expect((await submit(path, 'decision=approve&identity_custom=has%20space')).statusCode).toBe(
      400,
    );
  });

  it('says it is the local emulator, with a favicon', async () => {
    const { app, link } = setup();
    const { path } = await link();
    const page = (await app.inject({ method: 'GET', url: path })).body;
    expect(page).toContain('The local Composio emulator, not Composio');
    expect(page).toContain('<link rel="icon" href="data:image/svg+xml,');
    const icon = await app.inject({ method: 'GET', url: '/favicon.ico' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    expect(icon.body).toMatch(/^<svg /);
  });

  it('names an organization scope and a person scope in words', async () => {
    const env = injectable();
    const authConfig = env.state.createAuthConfig({ toolkit: 'github' });
    const pageFor = async (userId: string) => {
      const { redirectUrl } = env.state.link(
        { authConfigId: authConfig.id, userId },
        'http://emulator.test',
      );
      return (await env.app.inject({ method: 'GET', url: new URL(redirectUrl).pathname })).body;
    };
    const org = await pageFor('org_acme');
    expect(org).toContain('<strong data-scope="organization">acme (organization)</strong>');
    expect(org).toContain('<code data-user-id="org_acme">org_acme</code>');
    expect(await pageFor('alice')).toContain('<strong data-scope="person">alice (person)</strong>');
    // `org_` alone is no organization id.
    expect(await pageFor('org_')).toContain('org_ (person)');
  });

  it('uses the display name the host gives for a scope', async () => {
    const names: Record<string, string> = { org_acme: 'Acme Inc.', alice: 'Alice Smith' };
    const env = injectable({ displayName: (id) => names[id] });
    const authConfig = env.state.createAuthConfig({ toolkit: 'github' });
    const pageFor = async (userId: string) => {
      const { redirectUrl } = env.state.link(
        { authConfigId: authConfig.id, userId },
        'http://emulator.test',
      );
      return (await env.app.inject({ method: 'GET', url: new URL(redirectUrl).pathname })).body;
    };
    expect(await pageFor('org_acme')).toContain('Acme Inc. (organization)');
    expect(await pageFor('alice')).toContain('Alice Smith (person)');
    expect(await pageFor('bob')).toContain('bob (person)');
  });

  it('escapes what it echoes', async () => {
    const { app, state } = setup();
    const authConfig = state.createAuthConfig({ toolkit: 'slack' });
    const { redirectUrl } = state.link(
      { authConfigId: authConfig.id, userId: '<script>x</script>' },
      'http://emulator.test',
    );
    const page = await app.inject({ method: 'GET', url: new URL(redirectUrl).pathname });
    expect(page.body).not.toContain('<script>');
  });
});
