import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/index.js';
import { checkExchange, type Verdict } from './check.js';
import { loadDescription } from './openapi.js';

// The check itself, on exchanges written by hand: a check that passes everything checks nothing.

const SDK = { 'x-stainless-retry-count': '0' };

function exchange(overrides: Partial<Exchange>): Exchange {
  return {
    method: 'GET',
    url: '/api/v3.1/toolkits/categories',
    route: null,
    requestHeaders: SDK,
    requestBody: undefined,
    status: 200,
    responseHeaders: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ items: [], total_pages: 1, current_page: 1, total_items: 0 }),
    injectedFault: null,
    ...overrides,
  };
}

const check = (overrides: Partial<Exchange>) =>
  checkExchange(loadDescription(), exchange(overrides));

function checked(verdict: Verdict) {
  if (verdict.kind !== 'checked') throw new Error(`excluded: ${verdict.reason}`);
  return verdict;
}

describe('contract check', () => {
  it('passes a described answer, counted under its operation', () => {
    expect(check({})).toStrictEqual({
      kind: 'checked',
      operation: 'getToolkitsCategories (GET /api/v3.1/toolkits/categories)',
      requestChecked: true,
      failures: [],
      extras: [],
    });
  });

  it('names the operation and the field of a missing required field', () => {
    const verdict = checked(
      check({
        method: 'POST',
        url: '/api/v3.1/connected_accounts/link',
        requestBody: { auth_config_id: 'ac_1', user_id: 'u' },
        status: 201,
        body: JSON.stringify({ link_token: 'lt', redirect_url: 'http://x', expires_at: 'now' }),
      }),
    );
    expect(verdict.failures).toStrictEqual([
      {
        operation: 'postConnectedAccountsLink (POST /api/v3.1/connected_accounts/link)',
        status: 201,
        side: 'response',
        field: 'body.connected_account_id',
        message: "must have required property 'connected_account_id'",
      },
    ]);
  });

  it('fails an undocumented status and a wrong type', () => {
    expect(checked(check({ status: 418 })).failures[0]).toMatchObject({
      field: 'status',
      message: expect.stringContaining('418 is not a documented status'),
    });
    const body = JSON.stringify({ items: [], total_pages: 'one', current_page: 1, total_items: 0 });
    expect(checked(check({ body })).failures).toMatchObject([
      { field: 'body.total_pages', message: 'must be number' },
    ]);
  });

  it('reports the one branch of a oneOf the data was meant for', () => {
    const account = {
      toolkit: { slug: 'github' },
      auth_config: {
        id: 'ac_1',
        auth_scheme: 'OAUTH2',
        is_composio_managed: true,
        is_disabled: false,
      },
      id: 'ca_1',
      user_id: 'u',
      status: 'ACTIVE',
      created_at: 'x',
      updated_at: 'x',
      state: { authScheme: 'OAUTH2', val: { status: 'ACTIVE' } },
      data: {},
      params: {},
      status_reason: null,
      is_disabled: false,
    };
    const verdict = checked(
      check({ url: '/api/v3.1/connected_accounts/ca_1', body: JSON.stringify(account) }),
    );
    expect(verdict.failures.map((f) => `${f.field}: ${f.message}`)).toStrictEqual([
      "body.state.val.access_token: must have required property 'access_token'",
    ]);
  });

  it('lists fields the description lacks, and says what allows them', () => {
    const verdict = checked(
      check({
        body: JSON.stringify({
          items: [{ id: 'c', name: 'C', colour: 'red' }],
          total_pages: 1,
          current_page: 1,
          total_items: 1,
        }),
      }),
    );
    expect(verdict.extras).toStrictEqual([
      {
        operation: 'getToolkitsCategories (GET /api/v3.1/toolkits/categories)',
        status: 200,
        side: 'response',
        path: 'items[].colour',
        allowedBy: null,
      },
    ]);
  });

  it('holds SDK requests to the description: path, query and body', () => {
    const unknown = checked(check({ method: 'PUT', url: '/api/v3.1/toolkits', status: 404 }));
    expect(unknown.failures[0]).toMatchObject({ side: 'request', field: 'path' });

    const badQuery = checked(
      check({
        url: '/api/v3.1/connected_accounts?statuses=ACTIVE,BROKEN&limit=ten',
        body: JSON.stringify({ items: [], total_pages: 1, current_page: 1, total_items: 0 }),
      }),
    );
    expect(badQuery.failures.map((f) => f.field)).toStrictEqual([
      'query.statuses[1]',
      'query.limit',
    ]);

    const badBody = checked(
      check({
        method: 'POST',
        url: '/api/v3.1/connected_accounts/link',
        requestBody: { user_id: '' },
        status: 400,
        body: JSON.stringify({ error: { message: 'no', code: 1, status: 400 } }),
      }),
    );
    expect(badBody.failures.map((f) => f.field)).toStrictEqual([
      'body.auth_config_id',
      'body.user_id',
    ]);
  });

  it('does not hold a hand-made request the emulator rejected, but does hold its answer', () => {
    const verdict = checked(
      check({
        method: 'POST',
        url: '/api/v3.1/connected_accounts/link',
        requestHeaders: {},
        requestBody: { user_id: 'a' },
        status: 400,
        body: JSON.stringify({ error: { message: 'no', status: 400 } }),
      }),
    );
    expect(verdict.requestChecked).toBe(false);
    expect(verdict.failures.map((f) => `${f.side} ${f.field}`)).toStrictEqual([
      'response body.error.code',
    ]);
  });

  it('reads bracketed query keys as an object', () => {
    const verdict = checked(
      check({
        url: '/api/v3.1/tools?toolkit_versions[github]=20251101_00&limit=5',
        body: JSON.stringify({ items: [], total_pages: 1, current_page: 1, total_items: 0 }),
      }),
    );
    expect(verdict.failures).toStrictEqual([]);
    expect(verdict.extras).toStrictEqual([]);
  });

  it('leaves out what the description has nothing to say about, by rule', () => {
    expect(check({ url: '/_emulator/state' })).toMatchObject({ kind: 'excluded' });
    expect(check({ url: '/consent/lt_1', body: '<html>' })).toMatchObject({ kind: 'excluded' });
    expect(check({ status: 503, body: '', injectedFault: 'fault_1' })).toMatchObject({
      kind: 'excluded',
      reason: 'answered by an injected fault',
    });
  });

  it('counts an operation only the client has, and holds its error body', () => {
    const verdict = checked(
      check({
        method: 'PATCH',
        url: '/api/v3.1/connected_accounts/ca_1',
        status: 404,
        body: JSON.stringify({ error: { message: 'gone', code: 1803, status: 404 } }),
      }),
    );
    expect(verdict).toMatchObject({
      operation:
        '(client only: connectedAccounts.patch) PATCH /api/v3.1/connected_accounts/{nanoid}',
      failures: [],
    });
  });
});
