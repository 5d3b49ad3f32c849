import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@composio/client';
import {
  ComposioConnectedAccountNotFoundError,
  ComposioFailedToCreateConnectedAccountLink,
  ComposioRequestCancelledError,
  ComposioToolFetchError,
  ComposioToolkitNotFoundError,
  ComposioToolNotFoundError,
  ValidationError,
} from '@composio/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  GatewayError,
  isRetryableFailure,
  retryAfterFromHeaders,
  retryAfterMsOf,
  toGatewayError,
} from './errors.js';

function httpError(status: number, body: unknown, headers: Record<string, string> = {}) {
  return APIError.generate(status, body as object, undefined, new Headers(headers));
}

const ctx = { operation: 'test.op' };

describe('GatewayError', () => {
  it('carries reason, retry-after, details and cause', () => {
    const cause = new Error('boom');
    const error = new GatewayError('RATE_LIMITED', 'slow down', {
      cause,
      retryAfterSeconds: 3,
      details: { status: 429 },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GatewayError');
    expect(error.reason).toBe('RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(3);
    expect(error.details).toStrictEqual({ status: 429 });
    expect(error.cause).toBe(cause);
  });

  it('leaves optional fields absent when not given', () => {
    const error = new GatewayError('TOOL_FAILED', 'nope');
    expect('retryAfterSeconds' in error).toBe(false);
    expect('details' in error).toBe(false);
    expect(error.cause).toBeUndefined();
  });
});

describe('toGatewayError', () => {
  it('passes a GatewayError through unchanged', () => {
    const error = new GatewayError('TOOL_FAILED', 'x');
    expect(toGatewayError(error, ctx)).toBe(error);
  });

  it('reports the deadline as UPSTREAM_TIMEOUT whatever was thrown', () => {
    const mapped = toGatewayError(httpError(500, {}), { ...ctx, timedOut: true });
    expect(mapped.reason).toBe('UPSTREAM_TIMEOUT');
  });

  it.each([
    [401, 'UNAUTHORIZED'],
    [403, 'UNAUTHORIZED'],
    [400, 'INVALID_ARGUMENTS'],
    [409, 'INVALID_ARGUMENTS'],
    [422, 'INVALID_ARGUMENTS'],
    [404, 'INVALID_ARGUMENTS'],
    [408, 'UPSTREAM_TIMEOUT'],
    [504, 'UPSTREAM_TIMEOUT'],
    [500, 'UPSTREAM_UNAVAILABLE'],
    [502, 'UPSTREAM_UNAVAILABLE'],
    [503, 'UPSTREAM_UNAVAILABLE'],
    [429, 'RATE_LIMITED'],
  ] as const)('maps HTTP %i to %s', (status, reason) => {
    expect(toGatewayError(httpError(status, {}), ctx).reason).toBe(reason);
  });

  it('uses the call context for 404 and 400', () => {
    expect(toGatewayError(httpError(404, {}), { ...ctx, notFound: 'TOOL_NOT_FOUND' }).reason).toBe(
      'TOOL_NOT_FOUND',
    );
    expect(
      toGatewayError(httpError(400, {}), { ...ctx, badRequest: 'TOOLKIT_NOT_FOUND' }).reason,
    ).toBe('TOOLKIT_NOT_FOUND');
  });

  it.each([1803, 1812])(
    'maps Composio error code %i to ACCOUNT_NOT_FOUND on any status',
    (code) => {
      const body = { error: { code, message: 'No connected account found', status: 400 } };
      const mapped = toGatewayError(httpError(400, body), { ...ctx, notFound: 'TOOL_NOT_FOUND' });
      expect(mapped.reason).toBe('ACCOUNT_NOT_FOUND');
      expect(mapped.details).toMatchObject({ status: 400, upstreamCode: code });
    },
  );

  it('maps Composio error code 1814 (account not active) to ACCOUNT_INACTIVE', () => {
    const body = { error: { code: 1814, message: 'Connected account is not active', status: 400 } };
    const mapped = toGatewayError(httpError(400, body), ctx);
    expect(mapped.reason).toBe('ACCOUNT_INACTIVE');
    expect(mapped.details).toMatchObject({ status: 400, upstreamCode: 1814 });
  });

  it('reads retry-after for RATE_LIMITED', () => {
    const mapped = toGatewayError(httpError(429, {}, { 'retry-after': '7' }), ctx);
    expect(mapped.reason).toBe('RATE_LIMITED');
    expect(mapped.retryAfterSeconds).toBe(7);
  });

  it('puts the upstream message of a rejection in message and details', () => {
    const body = { error: { code: 1502, message: 'owner is required' } };
    const mapped = toGatewayError(httpError(400, body), ctx);
    expect(mapped.message).toContain('owner is required');
    expect(mapped.details).toStrictEqual({
      operation: 'test.op',
      status: 400,
      upstreamCode: 1502,
      upstreamMessage: 'owner is required',
    });
  });

  it('maps transport errors', () => {
    expect(toGatewayError(new APIConnectionError({ message: 'refused' }), ctx).reason).toBe(
      'UPSTREAM_UNAVAILABLE',
    );
    expect(toGatewayError(new APIConnectionTimeoutError(), ctx).reason).toBe('UPSTREAM_TIMEOUT');
    expect(toGatewayError(new APIUserAbortError(), ctx).reason).toBe('UPSTREAM_TIMEOUT');
  });

  it.each([
    [new ComposioToolNotFoundError('x'), 'TOOL_NOT_FOUND'],
    [new ComposioToolkitNotFoundError('x'), 'TOOLKIT_NOT_FOUND'],
    [new ComposioConnectedAccountNotFoundError('x'), 'ACCOUNT_NOT_FOUND'],
    [new ValidationError('bad input'), 'INVALID_ARGUMENTS'],
    [new ComposioRequestCancelledError('x'), 'UPSTREAM_TIMEOUT'],
  ] as const)('maps the SDK error %s', (error, reason) => {
    expect(toGatewayError(error, ctx).reason).toBe(reason);
  });

  it('looks through SDK wrappers at the client error they carry', () => {
    const wrapped = new ComposioToolFetchError('x', { cause: httpError(429, {}) });
    expect(toGatewayError(wrapped, ctx).reason).toBe('RATE_LIMITED');
    const link = new ComposioFailedToCreateConnectedAccountLink('x', {
      cause: httpError(401, {}),
    });
    expect(toGatewayError(link, ctx).reason).toBe('UNAUTHORIZED');
  });

  it('reports malformed responses (TypeError, ZodError) as UPSTREAM_UNAVAILABLE', () => {
    const typeError = new TypeError("Cannot read properties of undefined (reading 'map')");
    const zodError = z.object({ a: z.string() }).safeParse({}).error;
    for (const error of [
      typeError,
      zodError,
      new ComposioToolFetchError('x', { cause: typeError }),
    ]) {
      const mapped = toGatewayError(error, ctx);
      expect(mapped.reason).toBe('UPSTREAM_UNAVAILABLE');
      expect(mapped.details).toMatchObject({ malformedResponse: true });
    }
  });

  it('never lets an unknown value escape unmapped', () => {
    for (const value of ['string', 42, null, undefined, { weird: true }, new Error('x')]) {
      expect(toGatewayError(value, ctx)).toBeInstanceOf(GatewayError);
    }
  });
});

describe('isRetryableFailure', () => {
  it.each([
    [httpError(429, {}), true],
    [httpError(500, {}), true],
    [httpError(503, {}), true],
    [httpError(408, {}), true],
    [new APIConnectionError({ message: 'refused' }), true],
    [new ComposioToolFetchError('x', { cause: httpError(502, {}) }), true],
    [httpError(400, {}), false],
    [httpError(401, {}), false],
    [httpError(404, {}), false],
    [new APIUserAbortError(), false],
    [new TypeError('malformed'), false],
  ])('%s → %s', (error, expected) => {
    expect(isRetryableFailure(error)).toBe(expected);
  });
});

describe('retry-after', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '3' }), now)).toBe(3);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '1.2' }), now)).toBe(2);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after-ms': '1500' }), now)).toBe(2);
    expect(
      retryAfterFromHeaders(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }), now),
    ).toBe(10);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterFromHeaders(new Headers(), now)).toBeUndefined();
    expect(retryAfterFromHeaders(undefined, now)).toBeUndefined();
  });

  it('finds the header through wrappers', () => {
    const wrapped = new ComposioToolFetchError('x', {
      cause: httpError(429, {}, { 'retry-after': '4' }),
    });
    expect(retryAfterMsOf(wrapped)).toBe(4_000);
  });
});
