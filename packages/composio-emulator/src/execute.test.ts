import { describe, expect, it } from 'vitest';
import { injectable } from '../test/helpers.js';

// Tool execution through the HTTP app (inject): validation, account resolution, per-account data.

function setup(options: Parameters<typeof injectable>[0] = {}) {
  const env = injectable(options);
  const seed = (userId: string, toolkit: string, identity: string, status?: string) =>
    env.state.seedAccount(
      {
        userId,
        toolkit,
        identity,
        ...(status ? { status: status as 'ACTIVE' } : {}),
      },
      'http://emulator.test',
    );
  const execute = (slug: string, body: object) =>
    env.api('POST', `/api/v3.1/tools/execute/${slug}`, body);
  return { ...env, seed, execute };
}

describe('argument validation', () => {
  it('names the missing, mistyped and unknown fields', async () => {
    const { seed, execute } = setup();
    seed('alice', 'gmail', 'alice@example.test');
    const response = await execute('GMAIL_SEND_EMAIL', {
      user_id: 'alice',
      arguments: { subject: 42, recipient: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 1502,
      slug: 'ActionExecute_InvalidArguments',
      status: 400,
      errors: [
        "missing required field 'recipient_email'",
        "missing required field 'body'",
        "unknown field 'recipient'",
        "field 'subject' must be string",
      ],
    });
    expect(response.json().error.message).toMatch(/^Invalid arguments for GMAIL_SEND_EMAIL: /);
  });

  it('checks enums, ranges and array items', async () => {
    const { seed, execute } = setup();
    seed('alice', 'github', 'alice@example.test');
    const response = await execute('GITHUB_LIST_REPOS', {
      user_id: 'alice',
      arguments: { visibility: 'secret', per_page: 0 },
    });
    expect(response.json().error.errors).toStrictEqual([
      'field \'visibility\' must be one of ["all","public","private"]',
      "field 'per_page' must be >= 1",
    ]);
  });

  it('validates before resolving the account', async () => {
    const { execute } = setup();
    const response = await execute('SLACK_SEND_MESSAGE', { user_id: 'nobody', arguments: {} });
    expect(response.json().error.code).toBe(1502);
  });

  it('answers 404 for an unknown tool, matching slugs case-insensitively', async () => {
    const { seed, execute } = setup();
    seed('alice', 'notion', 'alice@example.test');
    expect((await execute('NOTION_DELETE_EVERYTHING', { user_id: 'alice' })).statusCode).toBe(404);
    const lower = await execute('notion_search', { user_id: 'alice', arguments: {} });
    expect(lower.json()).toMatchObject({ successful: true, error: null });
  });
});

describe('account resolution', () => {
  it('picks the most recently connected ACTIVE account of the user for the toolkit', async () => {
    let now = 1_000;
    const { seed, execute, state } = setup({ now: () => now });
    const older = seed('alice', 'github', 'alice@example.test');
    now += 10;
    const newer = seed('alice', 'github', 'alice-work@example.test');
    seed('alice', 'slack', 'alice-slack@example.test');
    seed('bob', 'github', 'bob@example.test');
    const who = async () =>
      (
        await execute('GITHUB_GET_THE_AUTHENTICATED_USER', { user_id: 'alice', arguments: {} })
      ).json().data.login;
    expect(await who()).toBe('alice-work');
    state.setEnabled(newer.id, false);
    expect(await who()).toBe('alice');
    state.setEnabled(newer.id, true);
    expect(await who()).toBe('alice-work');
    state.expire(newer.id);
    expect(await who()).toBe('alice');
    state.deleteAccount(older.id);
    const none = await execute('GITHUB_GET_THE_AUTHENTICATED_USER', { user_id: 'alice' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toMatchObject({
      code: 1803,
      message: "No connected account found for user_id 'alice' and toolkit 'github'",
    });
  });

  it("refuses another user's account with the same words as an unknown one", async () => {
    const { seed, execute } = setup();
    const bobs = seed('bob', 'github', 'bob@example.test');
    const foreign = await execute('GITHUB_LIST_REPOS', {
      user_id: 'alice',
      connected_account_id: bobs.id,
    });
    const unknown = await execute('GITHUB_LIST_REPOS', {
      user_id: 'alice',
      connected_account_id: 'ca_doesnotexist',
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error).toMatchObject({
      code: 1803,
      message: `No connected account found with id ${bobs.id}`,
    });
    expect(unknown.json().error).toMatchObject({ code: 1803 });
  });

  it('can answer like the live service (1812, entity mismatch)', async () => {
    const { seed, execute } = setup({ foreignAccountErrorCode: 1812 });
    const bobs = seed('bob', 'github', 'bob@example.test');
    const foreign = await execute('GITHUB_LIST_REPOS', {
      user_id: 'alice',
      connected_account_id: bobs.id,
    });
    expect(foreign.json().error).toMatchObject({
      code: 1812,
      slug: 'ActionExecute_ConnectedAccountEntityIdMismatch',
      status: 400,
    });
  });

  it('accepts an account id alone (its owner is used)', async () => {
    const { seed, execute } = setup();
    const bobs = seed('bob', 'slack', 'bob@example.test');
    const response = await execute('SLACK_LIST_CHANNELS', { connected_account_id: bobs.id });
    expect(response.json().data.team.name).toBe('bob workspace');
  });

  it('refuses an account of another toolkit, an inactive one, and no user at all', async () => {
    const { seed, execute } = setup();
    const slack = seed('alice', 'slack', 'alice@example.test');
    const expired = seed('alice', 'github', 'alice@example.test', 'EXPIRED');
    const wrong = await execute('GITHUB_LIST_REPOS', {
      user_id: 'alice',
      connected_account_id: slack.id,
    });
    expect(wrong.json().error.message).toBe(
      `Connected account ${slack.id} is for toolkit 'slack', not 'github'`,
    );
    const inactive = await execute('GITHUB_LIST_REPOS', {
      user_id: 'alice',
      connected_account_id: expired.id,
    });
    expect(inactive.json().error.message).toBe(
      `Connected account ${expired.id} is EXPIRED (TOKEN_EXPIRED)`,
    );
    const anonymous = await execute('GITHUB_LIST_REPOS', { arguments: {} });
    expect(anonymous.json().error.message).toBe(
      'Either user_id or connected_account_id is required',
    );
  });
});

describe('per-account data', () => {
  it('seeds from the identity: same identity, same start', async () => {
    const { seed, execute } = setup();
    const a = seed('alice', 'gmail', 'shared@example.test');
    const b = seed('bob', 'gmail', 'shared@example.test');
    const list = async (id: string) =>
      (await execute('GMAIL_LIST_MESSAGES', { connected_account_id: id })).json().data;
    expect(await list(a.id)).toStrictEqual(await list(b.id));
    expect((await list(a.id)).messages.map((m: { subject: string }) => m.subject)).toStrictEqual([
      'Weekly sync moved to Thursday',
      'Welcome to your mailbox, shared',
    ]);
  });

  it('gmail: sent mail shows up in the sender mailbox only', async () => {
    const { seed, execute, state } = setup();
    const a = seed('alice', 'gmail', 'alice@example.test');
    const b = seed('alice', 'gmail', 'alice-work@example.test');
    const sent = await execute('GMAIL_SEND_EMAIL', {
      connected_account_id: a.id,
      arguments: { recipient_email: 'bob@example.test', subject: 'Hi', body: 'Hello Bob' },
    });
    expect(sent.json()).toMatchObject({ successful: true, data: { labelIds: ['SENT'] } });
    const search = async (id: string) =>
      (
        await execute('GMAIL_LIST_MESSAGES', {
          connected_account_id: id,
          arguments: { query: 'in:sent to:bob' },
        })
      ).json().data.messages;
    expect(await search(a.id)).toMatchObject([
      { from: 'alice@example.test', to: 'bob@example.test', subject: 'Hi' },
    ]);
    expect(await search(b.id)).toStrictEqual([]);
    expect(state.outbox).toMatchObject([
      { kind: 'email', accountId: a.id, identity: 'alice@example.test' },
    ]);
  });

  it('github: issues land in the repo of the acting account', async () => {
    const { seed, execute } = setup();
    const a = seed('alice', 'github', 'alice-work@example.test');
    const created = await execute('GITHUB_CREATE_ISSUE', {
      connected_account_id: a.id,
      arguments: { owner: 'alice-work', repo: 'website', title: 'New issue' },
    });
    expect(created.json().data).toMatchObject({ number: 2, title: 'New issue', state: 'open' });
    const issues = await execute('GITHUB_LIST_ISSUES', {
      connected_account_id: a.id,
      arguments: { owner: 'alice-work', repo: 'website' },
    });
    expect(issues.json().data.issues.map((i: { number: number }) => i.number)).toStrictEqual([
      2, 1,
    ]);
    const elsewhere = await execute('GITHUB_CREATE_ISSUE', {
      connected_account_id: a.id,
      arguments: { owner: 'alice', repo: 'website', title: 'x' },
    });
    expect(elsewhere.json()).toMatchObject({ successful: false, data: {} });
  });

  it('notion: pages can nest; an unknown parent is a tool-level failure', async () => {
    const { seed, execute } = setup();
    const a = seed('alice', 'notion', 'alice@example.test');
    const parent = (
      await execute('NOTION_CREATE_PAGE', {
        connected_account_id: a.id,
        arguments: { title: 'Plans' },
      })
    ).json().data;
    const child = await execute('NOTION_CREATE_PAGE', {
      connected_account_id: a.id,
      arguments: { title: 'Q1', parent_id: parent.id, content: 'ship it' },
    });
    expect(child.json().data.parent).toStrictEqual({ type: 'page_id', page_id: parent.id });
    const got = await execute('NOTION_GET_PAGE', {
      connected_account_id: a.id,
      arguments: { page_id: child.json().data.id },
    });
    expect(got.json().data).toMatchObject({ title: 'Q1', content: 'ship it' });
    const orphan = await execute('NOTION_CREATE_PAGE', {
      connected_account_id: a.id,
      arguments: { title: 'x', parent_id: 'nope' },
    });
    expect(orphan.json()).toMatchObject({
      successful: false,
      error: expect.stringMatching(/^object_not_found/),
    });
  });

  it('slack: unknown channels fail at tool level', async () => {
    const { seed, execute } = setup();
    const a = seed('alice', 'slack', 'alice@example.test');
    const response = await execute('SLACK_SEND_MESSAGE', {
      connected_account_id: a.id,
      arguments: { channel: '#nope', text: 'x' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      successful: false,
      error: expect.stringMatching(/^channel_not_found/),
    });
  });

  it('slack: deleting a channel removes it from that workspace only, once', async () => {
    const { seed, execute, state } = setup();
    const a = seed('alice', 'slack', 'alice@example.test');
    const b = seed('bob', 'slack', 'bob@example.test');
    const deleted = await execute('SLACK_DELETE_CHANNEL', {
      connected_account_id: a.id,
      arguments: { channel: '#random' },
    });
    expect(deleted.json()).toMatchObject({ successful: true, data: { ok: true } });
    const names = async (id: string) =>
      (await execute('SLACK_LIST_CHANNELS', { connected_account_id: id, arguments: {} }))
        .json()
        .data.channels.map((c: { name: string }) => c.name);
    expect(await names(a.id)).toStrictEqual(['general']);
    expect(await names(b.id)).toStrictEqual(['general', 'random']);
    const again = await execute('SLACK_DELETE_CHANNEL', {
      connected_account_id: a.id,
      arguments: { channel: 'random' },
    });
    expect(again.json()).toMatchObject({
      successful: false,
      error: expect.stringMatching(/^channel_not_found/),
    });
    expect(state.outbox.filter((entry) => entry.kind === 'slack_channel_deleted')).toMatchObject([
      { accountId: a.id, summary: { channel: '#random' } },
    ]);
  });

  it('a new identity on re-consent starts from that identity data', async () => {
    const { seed, execute, state, app } = setup();
    const a = seed('alice', 'slack', 'alice@example.test');
    await execute('SLACK_SEND_MESSAGE', {
      connected_account_id: a.id,
      arguments: { channel: 'random', text: 'before' },
    });
    state.expire(a.id);
    const { redirectUrl } = state.refresh(a.id, {}, 'http://emulator.test');
    const token = new URL(redirectUrl ?? '').pathname.split('/').at(-1);
    await app.inject({
      method: 'POST',
      url: `/consent/${token}`,
      payload: 'decision=approve&identity=alice-other%40example.test',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const history = await execute('SLACK_LIST_MESSAGES', {
      connected_account_id: a.id,
      arguments: { channel: 'random' },
    });
    expect(history.json().data.messages).toStrictEqual([]);
  });
});
