import { describe, expect, it } from 'vitest';
import {
  explainFailure,
  failureCandidates,
  isRetryable,
  isSessionFailure,
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
  const explain = (message: string, data: Record<string, unknown>) =>
    explainFailure(toFailure(apiError(message, { httpStatus: 400, ...data })), { orgName });

  it('says which toolkit to connect, and where, for NO_CONNECTED_ACCOUNT', () => {
    expect(
      explain('x', {
        reason: 'NO_CONNECTED_ACCOUNT',
        details: { toolkit: 'slack', scope: { kind: 'org', id: 'acme' } },
      }),
    ).toStrictEqual({
      title: 'No connected account',
      message: "There is no active Slack account in Acme's accounts. Connect one to run this tool.",
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

  it('asks to choose for AMBIGUOUS_ACCOUNT and lists the candidates', () => {
    const error = apiError('x', {
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
    });
    const failure = toFailure(error);
    expect(explainFailure(failure).title).toBe('Choose an account');
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

  it('names the organization for WRONG_SCOPE', () => {
    expect(
      explain('x', {
        reason: 'WRONG_SCOPE',
        details: { toolkit: 'slack', scope: { kind: 'org', id: 'acme' }, orgIds: ['acme'] },
      }).message,
    ).toBe(
      'Slack is connected at the organization level (Acme). Act in that organization to use it.',
    );
    expect(explain('x', { reason: 'WRONG_SCOPE', details: { expectedScope: 'user' } }).title).toBe(
      'Connected per person',
    );
  });

  it('lists the roles that may, for ROLE_REQUIRED', () => {
    expect(
      explain(
        "ROLE_REQUIRED: tools.execute in org 'acme' needs one of: owner, admin, member; you are viewer.",
        {
          reason: 'ROLE_REQUIRED',
          details: { requiredRoles: ['owner', 'admin', 'member'] },
        },
      ).message,
    ).toBe(
      'Your role in this organization does not allow this; it needs one of: owner, admin, member. Ask an owner or admin.',
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

  it('explains a network failure and an unknown reason without inventing one', () => {
    expect(explainFailure(toFailure(new TypeError('Failed to fetch')))).toStrictEqual({
      title: 'Cannot reach Switchboard',
      message: 'The API did not answer: Failed to fetch',
    });
    expect(explain('Something new', { reason: 'SOMETHING_NEW' })).toStrictEqual({
      title: 'Request failed',
      message: 'Something new',
    });
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
