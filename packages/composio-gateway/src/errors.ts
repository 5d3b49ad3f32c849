import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@composio/client';
import { ComposioError } from '@composio/core';
import type { GatewayReason } from './gateway.js';

export interface GatewayErrorOptions {
  cause?: unknown;
  /** For `RATE_LIMITED`: when Composio said the call may be tried again. */
  retryAfterSeconds?: number;
  details?: Record<string, unknown>;
}

/** The one error the gateway throws. `reason` is stable; `message` is for people. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly reason: GatewayReason;
  // `declare`: absent unless set, rather than own properties holding undefined.
  declare readonly retryAfterSeconds?: number;
  declare readonly details?: Record<string, unknown>;

  constructor(reason: GatewayReason, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.details !== undefined) this.details = options.details;
  }
}

export function isGatewayError(error: unknown, reason?: GatewayReason): error is GatewayError {
  return error instanceof GatewayError && (reason === undefined || error.reason === reason);
}

/** What a failure means depends on the call that failed: a 404 on an account is not a 404 on a tool. */
export interface ErrorContext {
  /** Names the call in messages and details, e.g. `tools.execute GITHUB_GET_REPO`. */
  operation: string;
  /** The reason for a 404 (and for the SDK's own "not found" errors). */
  notFound?: 'TOOL_NOT_FOUND' | 'TOOLKIT_NOT_FOUND' | 'ACCOUNT_NOT_FOUND';
  /** The reason for a 400/422. Default `INVALID_ARGUMENTS`. */
  badRequest?: GatewayReason;
  /** True when the gateway's own deadline aborted the call. */
  timedOut?: boolean;
}

/**
 * Composio's backend codes for "no such connected account (for this user)": 1803 (the one the SDK
 * maps itself) and 1812, the account belongs to another user id.
 */
const ACCOUNT_NOT_FOUND_CODES: ReadonlySet<number> = new Set([1803, 1812]);
/** Composio's code for executing with an account that exists but is not ACTIVE (expired, disabled). */
const ACCOUNT_INACTIVE_CODES: ReadonlySet<number> = new Set([1814]);
const MAX_UPSTREAM_MESSAGE = 300;

/**
 * Turns whatever the SDK threw into a `GatewayError`: the SDK's `ComposioError`s (often wrapping a
 * client error as `cause`), `@composio/client`'s HTTP errors, aborts, and the raw `TypeError` /
 * `ZodError` a malformed response produces. Unknown errors become `UPSTREAM_UNAVAILABLE`, never
 * a bare crash.
 */
export function toGatewayError(error: unknown, context: ErrorContext): GatewayError {
  if (error instanceof GatewayError) return error;
  const op = context.operation;
  if (context.timedOut) {
    return new GatewayError('UPSTREAM_TIMEOUT', `Composio did not answer ${op} in time`, {
      cause: error,
      details: { operation: op },
    });
  }

  for (const link of causeChain(error)) {
    if (link instanceof ComposioError) {
      const mapped = fromSdkCode(sdkCode(link), link, error, context);
      if (mapped) return mapped;
      continue; // a wrapper such as ComposioToolFetchError: its cause says more
    }
    if (isApiError(link)) return fromApiError(link, error, context);
  }

  const malformed = [...causeChain(error)].some(
    (e) => e instanceof TypeError || e instanceof SyntaxError || errorName(e) === 'ZodError',
  );
  return new GatewayError(
    'UPSTREAM_UNAVAILABLE',
    malformed
      ? `Composio sent a response to ${op} that the SDK could not read`
      : `Composio call ${op} failed`,
    { cause: error, details: { operation: op, ...(malformed && { malformedResponse: true }) } },
  );
}

/**
 * Whether an idempotent call that failed this way may be sent again: connection failures, 408,
 * 429 and 5xx. Timeouts of the gateway's own deadline are not (the budget is spent), nor are
 * malformed responses (they would be malformed again).
 */
export function isRetryableFailure(error: unknown): boolean {
  for (const link of causeChain(error)) {
    if (link instanceof APIUserAbortError) return false;
    if (link instanceof APIConnectionTimeoutError) return true;
    if (link instanceof APIConnectionError) return true;
    if (isApiError(link)) {
      const status = link.status;
      return status === 408 || status === 429 || (status !== undefined && status >= 500);
    }
  }
  return false;
}

/** Milliseconds to wait before retrying, from `retry-after-ms` or `retry-after` (seconds or a date). */
export function retryAfterMsFromHeaders(
  headers: { get(name: string): string | null } | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers || typeof headers.get !== 'function') return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number.parseFloat(raw) * 1000);
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The same in whole seconds, rounded up, as `GatewayError.retryAfterSeconds` reports it. */
export function retryAfterFromHeaders(
  headers: { get(name: string): string | null } | undefined,
  now: number = Date.now(),
): number | undefined {
  const ms = retryAfterMsFromHeaders(headers, now);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/** The retry-after (ms) of the first HTTP error in the chain, if any. */
export function retryAfterMsOf(error: unknown): number | undefined {
  for (const link of causeChain(error)) {
    if (isApiError(link)) return retryAfterMsFromHeaders(link.headers);
  }
  return undefined;
}

function fromSdkCode(
  code: string,
  link: ComposioError,
  original: unknown,
  context: ErrorContext,
): GatewayError | undefined {
  const op = context.operation;
  const details = { operation: op, sdkCode: code };
  switch (code) {
    case 'CONNECTED_ACCOUNT_NOT_FOUND':
      return new GatewayError('ACCOUNT_NOT_FOUND', `Connected account not found (${op})`, {
        cause: original,
        details,
      });
    case 'TOOL_NOT_FOUND':
      return new GatewayError('TOOL_NOT_FOUND', `Tool not found (${op})`, {
        cause: original,
        details,
      });
    case 'TOOLKIT_NOT_FOUND':
      return new GatewayError('TOOLKIT_NOT_FOUND', `Toolkit not found (${op})`, {
        cause: original,
        details,
      });
    case 'VALIDATION_ERROR':
    case 'INVALID_TOOL_ARGUMENTS':
    case 'MULTIPLE_CONNECTED_ACCOUNTS':
    case 'AUTH_CONFIG_NOT_FOUND':
      return new GatewayError('INVALID_ARGUMENTS', `${op}: ${truncate(link.message)}`, {
        cause: original,
        details,
      });
    case 'NO_API_KEY_PROVIDED':
      return new GatewayError('UNAUTHORIZED', 'No Composio API key configured', {
        cause: original,
        details,
      });
    case 'REQUEST_CANCELLED':
      return new GatewayError('UPSTREAM_TIMEOUT', `Composio did not answer ${op} in time`, {
        cause: original,
        details,
      });
    default:
      return undefined;
  }
}

function fromApiError(link: APIError, original: unknown, context: ErrorContext): GatewayError {
  const op = context.operation;
  if (link instanceof APIUserAbortError || link instanceof APIConnectionTimeoutError) {
    return new GatewayError('UPSTREAM_TIMEOUT', `Composio did not answer ${op} in time`, {
      cause: original,
      details: { operation: op },
    });
  }
  if (link instanceof APIConnectionError || link.status === undefined) {
    return new GatewayError('UPSTREAM_UNAVAILABLE', `Could not reach Composio for ${op}`, {
      cause: original,
      details: { operation: op },
    });
  }

  const status = link.status;
  const body = upstreamBody(link.error);
  const details: Record<string, unknown> = {
    operation: op,
    status,
    ...(body.code !== undefined && { upstreamCode: body.code }),
    ...(body.message !== undefined && { upstreamMessage: body.message }),
  };
  const make = (reason: GatewayReason, message: string, retryAfterSeconds?: number) =>
    new GatewayError(reason, message, {
      cause: original,
      details,
      ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
    });

  if (body.code !== undefined && ACCOUNT_NOT_FOUND_CODES.has(body.code)) {
    return make('ACCOUNT_NOT_FOUND', `Connected account not found (${op})`);
  }
  if (body.code !== undefined && ACCOUNT_INACTIVE_CODES.has(body.code)) {
    return make('ACCOUNT_INACTIVE', `Connected account is not active (${op})`);
  }
  if (status === 401 || status === 403) {
    return make('UNAUTHORIZED', `Composio refused the API key for ${op} (${status})`);
  }
  if (status === 404) {
    const reason = context.notFound;
    if (reason) return make(reason, `${notFoundNoun(reason)} not found (${op})`);
    return make('INVALID_ARGUMENTS', `Composio found nothing for ${op} (404)`);
  }
  if (status === 429) {
    const after = retryAfterFromHeaders(link.headers);
    return make(
      'RATE_LIMITED',
      `Composio rate-limited ${op}${after === undefined ? '' : `; retry after ${after}s`}`,
      after,
    );
  }
  if (status === 408 || status === 504) {
    return make('UPSTREAM_TIMEOUT', `Composio timed out on ${op} (${status})`);
  }
  if (status >= 500) {
    return make('UPSTREAM_UNAVAILABLE', `Composio failed on ${op} (${status})`);
  }
  const reason = context.badRequest ?? 'INVALID_ARGUMENTS';
  const why = body.message ? `: ${body.message}` : '';
  return make(reason, `Composio rejected ${op} (${status})${why}`);
}

function notFoundNoun(reason: NonNullable<ErrorContext['notFound']>): string {
  if (reason === 'TOOL_NOT_FOUND') return 'Tool';
  if (reason === 'TOOLKIT_NOT_FOUND') return 'Toolkit';
  return 'Connected account';
}

/** Composio error bodies look like `{ error: { code, message, ... } }`; tolerate flat ones too. */
function upstreamBody(body: unknown): { code?: number; message?: string } {
  if (!isRecord(body)) return {};
  const inner = isRecord(body.error) ? body.error : body;
  const code = typeof inner.code === 'number' ? inner.code : undefined;
  const raw =
    typeof inner.message === 'string'
      ? inner.message
      : typeof body.message === 'string'
        ? body.message
        : undefined;
  return {
    ...(code !== undefined && { code }),
    ...(raw !== undefined && { message: truncate(raw) }),
  };
}

function sdkCode(error: ComposioError): string {
  return (error.code ?? '').replace(/^TS-SDK::/, '');
}

function isApiError(value: unknown): value is APIError {
  if (value instanceof APIError) return true;
  // Duck-typed too, in case a second copy of @composio/client is ever loaded.
  return (
    value instanceof Error &&
    'status' in value &&
    'headers' in value &&
    'error' in value &&
    (typeof value.status === 'number' || value.status === undefined)
  );
}

function* causeChain(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current != null; depth++) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

function errorName(value: unknown): string | undefined {
  return value instanceof Error ? value.name : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truncate(text: string): string {
  return text.length > MAX_UPSTREAM_MESSAGE ? `${text.slice(0, MAX_UPSTREAM_MESSAGE)}…` : text;
}
