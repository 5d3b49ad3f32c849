import { describe, expect, it } from 'vitest';
import {
  EXPLAINED_REASONS,
  type ExplainContext,
  explainFailure,
  failureCandidates,
  isRetryable,
  isSessionFailure,
  reasonSummary,
  toFailure,
} from './errors.ts';

/** A thrown error shaped like TRPCClientError with the API's error formatter data. */
function apiError(message: string, data: Record<string, unknown>) {
  return Object.assign(new Error(message), { data });
}

const orgName = (id: string) => ({ acme: 'Acme' })[id];

describe('toFailure', () => {
  it('reads the reason, details, issues and request id the API sends', () => {
    const failure = toFailure(
      apiError('NO_CONNECTED_ACCOUNT: no active github account', {
        code: 'PRECONDITION_FAILED',
        httpStatus: 412,
        reason: 'NO_CONNECTED_ACCOUNT',
        details: { toolkit: 'github', scope: { kind: 'user', id: 'alice' } },
        requestId: 'req-1',
      }),
    );
    expect(failure).toStrictEqual({
      reason: 'NO_CONNECTED_ACCOUNT',
      message: 'no active github account',
      httpStatus: 412,
      details: { toolkit: 'github', scope: { kind: 'user', id: 'alice' } },
      issues: [],
      requestId: 'req-1',
    });
  });

  it('treats anything without API data as "the API did not answer"', () => {
    expect(toFailure(new TypeError('Failed to fetch'))).toStrictEqual({
      reason: null,
      message: 'Failed to fetch',
      httpStatus: null,
      details: {},
      issues: [],
      requestId: null,
    });
    expect(toFailure('boom').message).toBe('boom');
    expect(toFailure(undefined).message).toBe('');
  });
});

describe('explainFailure', () => {
  const acme = { id: 'acme', name: 'Acme', role: 'viewer' as const };
  const explain = (message: string, data: Record<string, unknown>, ctx: ExplainContext = {}) =>
    explainFailure(toFailure(apiError(message, { httpStatus: 400, ...data })), {
      orgName,
      ...ctx,
    });

  it('says which toolkit to connect, and where, for NO_CONNECTED_ACCOUNT', () => {
    expect(
      explain('x', {
        reason: 'NO_CONNECTED_ACCOUNT',
        details: { toolkit: 'slack', scope: { kind: 'org', id: 'acme' } },
      }),
    ).toStrictEqual({
      title: 'No connected account',
      message: "There is no active Slack account in Acme's accounts. Connect one to run this tool.",
      tone: 'warning',
    });
    expect(
      explain('x', {
        reason: 'NO_CONNECTED_ACCOUNT',
        details: { toolkit: 'gmail', scope: { kind: 'user', id: 'bob' } },
      }).message,
    ).toBe(
      'There is no active Gmail account in your personal accounts. Connect one to run this tool.',
    );
  });

  it('asks to choose for AMBIGUOUS_ACCOUNT, in console words, and lists the candidates', () => {
    const error = apiError(
      "AMBIGUOUS_ACCOUNT: 2 ACTIVE accounts for 'gmail' ('ca_1' (Work), 'ca_2'); pass connectedAccountId or pin a default.",
      {
        httpStatus: 412,
        reason: 'AMBIGUOUS_ACCOUNT',
        details: {
          toolkit: 'gmail',
          scope: { kind: 'user', id: 'bob' },
          candidates: [
            {
              id: 'ca_1',
              label: 'Work',
              upstreamIdentity: 'bob-work@example.test',
              connectedAt: '2026-01-01T00:00:00.000Z',
            },
            {
              id: 'ca_2',
              label: null,
              upstreamIdentity: null,
              connectedAt: '2026-01-02T00:00:00.000Z',
            },
            { label: 'no id, skipped' },
          ],
        },
      },
    );
    const failure = toFailure(error);
    expect(explainFailure(failure)).toStrictEqual({
      title: 'Choose an account',
      message:
        'Your personal accounts include several active Gmail accounts, and the policy asks you to pick one. Choose an account below, or pin a default on the Connections page.',
      tone: 'warning',
    });
    expect(failureCandidates(failure)).toStrictEqual([
      {
        id: 'ca_1',
        label: 'Work',
        upstreamIdentity: 'bob-work@example.test',
        connectedAt: '2026-01-01T00:00:00.000Z',
      },
      { id: 'ca_2', label: null, upstreamIdentity: null, connectedAt: '2026-01-02T00:00:00.000Z' },
    ]);
  });

  it('gives WRONG_SCOPE as guidance naming the organization to act in', () => {
    expect(
      explain(
        'WRONG_SCOPE: slack is connected at the organization level (acme); act in that organization by passing orgId',
        {
          reason: 'WRONG_SCOPE',
          details: { toolkit: 'slack', scope: { kind: 'org', id: 'acme' }, orgIds: ['acme'] },
        },
      ),
    ).toStrictEqual({
      title: 'Runs with Acme’s accounts',
      message: 'Slack runs with Acme’s account — act in Acme to use it.',
      tone: 'guidance',
    });
    expect(
      explain('x', {
        reason: 'WRONG_SCOPE',
        details: { toolkit: 'slack', scope: { kind: 'org', id: 'acme' }, orgIds: ['acme', 'gx'] },
      }).message,
    ).toBe('Slack runs with the shared accounts of Acme and gx — act in one of them to use it.');
    // decide()'s own WRONG_SCOPE names only the expected scope: the page supplies the toolkit.
    expect(
      explain(
        'x',
        { reason: 'WRONG_SCOPE', details: { expectedScope: 'user' } },
        { toolkit: 'gmail' },
      ),
    ).toStrictEqual({
      title: 'Runs with your own accounts',
      message: 'Gmail runs with each person’s own accounts — act personally to use it.',
      tone: 'guidance',
    });
  });

  it('names the role needed, and the caller’s own, for ROLE_REQUIRED', () => {
    const data = {
      reason: 'ROLE_REQUIRED',
      details: { requiredRoles: ['owner', 'admin', 'member'] },
    };
    const message =
      "ROLE_REQUIRED: tools.execute in org 'acme' needs one of: owner, admin, member; you are viewer.";
    expect(explain(message, data, { actingOrg: acme })).toStrictEqual({
      title: 'Not allowed for your role',
      message: 'You are viewer in Acme; it needs member or above. Ask an owner or admin.',
      tone: 'error',
    });
    expect(explain(message, data).message).toBe(
      'Your role in this organization does not allow this; it needs member or above. Ask an owner or admin.',
    );
    expect(
      explain('x', { reason: 'ROLE_REQUIRED', details: { requiredRoles: ['owner'] } }).message,
    ).toContain('it needs an owner');
    expect(explain('x', { reason: 'ROLE_REQUIRED' }, { actingOrg: acme }).message).toBe(
      'You are viewer in Acme, and that role does not allow this. Ask an owner or admin.',
    );
  });

  it('says a held run waits for an approver, as guidance, and the refusals of deciding', () => {
    const held = explain(
      'APPROVAL_REQUIRED: SLACK_DELETE_CHANNEL waits',
      {
        reason: 'APPROVAL_REQUIRED',
        details: { approvalId: 'a1', expiresAt: '2026-12-03T16:00:00.000Z' },
      },
      { actingOrg: acme },
    );
    expect(held.title).toBe('Sent for approval');
    expect(held.tone).toBe('guidance');
    expect(held.message).toMatch(/^Nothing ran yet: Acme’s policy asks an approver/);
    expect(held.message).toContain('Your requests');
    expect(
      explain('x', { reason: 'APPROVAL_NOT_PENDING', details: { status: 'denied' } }).message,
    ).toContain('(it is denied)');
    expect(explain('x', { reason: 'APPROVAL_EXPIRED' }).title).toBe('Request expired');
    expect(explain('x', { reason: 'SELF_APPROVAL' })).toStrictEqual({
      title: 'Not your own request',
      message: 'Another approver must decide on a call you asked for (four eyes).',
      tone: 'error',
    });
  });

  it('says an inactive account’s status and why, for ACCOUNT_INACTIVE', () => {
    expect(
      explain('Connected account ca_1 no longer exists at Composio', {
        reason: 'ACCOUNT_INACTIVE',
        details: {
          connectedAccountId: 'ca_1',
          status: 'REVOKED',
          statusReason: 'DELETED_UPSTREAM',
        },
      }),
    ).toStrictEqual({
      title: 'Account not active',
      message:
        'Revoked: the account was deleted at the provider. Reconnect it on the Connections page, or choose another account; Switchboard never switches accounts by itself.',
      tone: 'warning',
    });
    expect(
      explain('x', { reason: 'ACCOUNT_INACTIVE', details: { status: 'SOMETHING' } }).message,
    ).toMatch(/^The account is not active\. /);
    // A pinned default's refusal names only the id: the page's own list says which and why.
    const accounts = [
      {
        id: 'ca_1',
        label: 'Work',
        upstreamIdentity: 'bob@work.example',
        status: 'EXPIRED' as const,
        statusReason: 'TOKEN_EXPIRED',
      },
    ];
    expect(
      explain(
        "ACCOUNT_INACTIVE: The pinned default account 'ca_1' (Work) is EXPIRED; reconnect it or pin another.",
        { reason: 'ACCOUNT_INACTIVE', details: { connectedAccountId: 'ca_1' } },
        { accounts },
      ).message,
    ).toBe(
      'Work (bob@work.example) — expired: its sign-in expired. Reconnect it on the Connections page, or choose another account; Switchboard never switches accounts by itself.',
    );
  });

  it('names the fields the tool refused, for INVALID_ARGUMENTS', () => {
    expect(
      explain('Arguments for SLACK_SEND_MESSAGE do not match its schema: …', {
        reason: 'INVALID_ARGUMENTS',
        details: {
          tool: 'SLACK_SEND_MESSAGE',
          issues: [
            { path: 'channel', message: "must have required property 'channel'" },
            { path: 'count', message: 'must be integer' },
            { path: 'text', message: 'must NOT have fewer than 1 characters' },
          ],
        },
      }).message,
    ).toBe(
      'The tool does not accept these arguments: channel is required; count must be a whole number; text must not be empty.',
    );
  });

  it('gives the wait for RATE_LIMITED and the fields for INVALID_INPUT', () => {
    expect(
      explain('x', { reason: 'RATE_LIMITED', details: { retryAfterSeconds: 12 } }).message,
    ).toBe('Too many tool runs for now. Try again in 12 s.');
    expect(
      explain('x', {
        reason: 'INVALID_INPUT',
        issues: [
          { path: 'label', message: 'Too big' },
          { path: '', message: 'Bad' },
        ],
      }).message,
    ).toBe('label: Too big; Bad');
  });

  it('says a keyed run still going is waited for, not run twice', () => {
    const running = explain('x', {
      reason: 'IDEMPOTENCY_KEY_IN_PROGRESS',
      details: { retryAfterSeconds: 1 },
    });
    expect(running).toMatchObject({ title: 'Still running', tone: 'warning' });
    expect(running.message).toBe(
      'The first run with this idempotency key has not finished yet. Try again in 1 s to get its result; it will not run twice.',
    );
    expect(explain('x', { reason: 'EXECUTION_OUTCOME_UNKNOWN' }).title).toBe('Outcome unknown');
    expect(explain('x', { reason: 'IDEMPOTENCY_KEY_REUSED' }).title).toBe('Run key already used');
  });

  it('never repeats the server’s message, for any reason', () => {
    const server = 'SERVER-WORDS: pass connectedAccountId or pin a default, by passing orgId';
    for (const reason of EXPLAINED_REASONS) {
      const explained = explain(server, { reason, details: {} });
      expect(`${explained.title} ${explained.message}`, reason).not.toContain('SERVER-WORDS');
      expect(`${explained.title} ${explained.message}`, reason).not.toMatch(
        /connectedAccountId|orgId|passing/,
      );
    }
  });

  it('turns a network failure or a non-JSON answer into "cannot reach", with the API’s address', () => {
    const apiUrl = 'http://127.0.0.1:5173/trpc';
    const words = {
      title: 'Switchboard is not answering',
      message:
        'Cannot reach Switchboard at http://127.0.0.1:5173/trpc — is the API running? Try again in a moment.',
      tone: 'error',
    };
    expect(explainFailure(toFailure(new TypeError('Failed to fetch')), { apiUrl })).toStrictEqual(
      words,
    );
    const notJson = Object.assign(
      new Error("Failed to execute 'json' on 'Response': Unexpected end of JSON input"),
      { name: 'TRPCClientError', data: undefined },
    );
    expect(explainFailure(toFailure(notJson), { apiUrl })).toStrictEqual(words);
  });

  it('does not show the server’s words for an answer without a reason or a reason it does not know', () => {
    expect(explainFailure(toFailure(apiError('boom', { httpStatus: 418 })))).toStrictEqual({
      title: 'Request failed',
      message: 'Switchboard answered with an error it did not explain (HTTP 418).',
      tone: 'error',
    });
    const unknown = explain('Something new', { reason: 'SOMETHING_NEW' });
    expect(unknown.title).toBe('Request failed');
    expect(unknown.message).not.toContain('Something new');
  });
});

describe('reasonSummary', () => {
  it('says an audit row’s error code in a few words', () => {
    expect(reasonSummary('ROLE_REQUIRED')).toBe('role not allowed');
    expect(reasonSummary('TOOL_FAILED')).toBe('the tool reported an error');
    expect(reasonSummary('SOME_FUTURE_CODE')).toBe('some future code');
  });
});

describe('session and retry decisions', () => {
  it('signs out on a refused token only', () => {
    for (const reason of ['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'INVALID_TOKEN']) {
      expect(isSessionFailure(toFailure(apiError('x', { reason, httpStatus: 401 })))).toBe(true);
    }
    expect(
      isSessionFailure(toFailure(apiError('x', { reason: 'NOT_FOUND', httpStatus: 404 }))),
    ).toBe(false);
  });

  it('offers "Try again" for no answer, server failures and rate limits, not for refusals', () => {
    expect(isRetryable(toFailure(new TypeError('Failed to fetch')))).toBe(true);
    expect(
      isRetryable(toFailure(apiError('x', { reason: 'COMPOSIO_UNAVAILABLE', httpStatus: 502 }))),
    ).toBe(true);
    expect(isRetryable(toFailure(apiError('x', { reason: 'RATE_LIMITED', httpStatus: 429 })))).toBe(
      true,
    );
    expect(isRetryable(toFailure(apiError('x', { reason: 'NOT_FOUND', httpStatus: 404 })))).toBe(
      false,
    );
    expect(
      isRetryable(toFailure(apiError('x', { reason: 'ROLE_REQUIRED', httpStatus: 403 }))),
    ).toBe(false);
  });
});
