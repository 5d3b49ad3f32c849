import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/**
 * Every reason a procedure can fail with, and the tRPC code it travels as. A client branches on
 * `error.data.reason`; the table is typed so an unmapped reason fails the typecheck.
 */
export const REASON_CODES = {
  UNAUTHENTICATED: 'UNAUTHORIZED',
  TOKEN_EXPIRED: 'UNAUTHORIZED',
  INVALID_TOKEN: 'UNAUTHORIZED',
  INVALID_INPUT: 'BAD_REQUEST',
  INVALID_USER_ID: 'BAD_REQUEST',
  INVALID_ORG_ID: 'BAD_REQUEST',
  INVALID_ARGUMENTS: 'BAD_REQUEST',
  INVALID_CALLBACK_URL: 'BAD_REQUEST',
  INVALID_WEBHOOK_URL: 'BAD_REQUEST',
  INVALID_SIGNATURE: 'UNAUTHORIZED',
  NOT_FOUND: 'NOT_FOUND',
  TOOL_NOT_FOUND: 'NOT_FOUND',
  TOOLKIT_NOT_FOUND: 'NOT_FOUND',
  ROLE_REQUIRED: 'FORBIDDEN',
  TOOL_NOT_ALLOWED: 'FORBIDDEN',
  NOT_APPLICABLE: 'BAD_REQUEST',
  WRONG_SCOPE: 'PRECONDITION_FAILED',
  NO_CONNECTED_ACCOUNT: 'PRECONDITION_FAILED',
  AMBIGUOUS_ACCOUNT: 'PRECONDITION_FAILED',
  ACCOUNT_INACTIVE: 'PRECONDITION_FAILED',
  LAST_OWNER: 'PRECONDITION_FAILED',
  REQUEST_NOT_PENDING: 'PRECONDITION_FAILED',
  APPROVAL_REQUIRED: 'PRECONDITION_FAILED',
  APPROVAL_NOT_PENDING: 'PRECONDITION_FAILED',
  APPROVAL_EXPIRED: 'PRECONDITION_FAILED',
  SELF_APPROVAL: 'FORBIDDEN',
  ORG_EXISTS: 'CONFLICT',
  LABEL_TAKEN: 'CONFLICT',
  IDEMPOTENCY_KEY_IN_PROGRESS: 'CONFLICT',
  IDEMPOTENCY_KEY_REUSED: 'UNPROCESSABLE_CONTENT',
  EXECUTION_OUTCOME_UNKNOWN: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  COMPOSIO_RATE_LIMITED: 'TOO_MANY_REQUESTS',
  COMPOSIO_UNAVAILABLE: 'BAD_GATEWAY',
  COMPOSIO_TIMEOUT: 'GATEWAY_TIMEOUT',
  COMPOSIO_UNAUTHORIZED: 'BAD_GATEWAY',
  DATABASE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  DEV_MODE_ONLY: 'NOT_FOUND',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type Reason = keyof typeof REASON_CODES;

/** What any call that reaches Composio can fail with. */
export const COMPOSIO_FAILURES = [
  'COMPOSIO_UNAVAILABLE',
  'COMPOSIO_TIMEOUT',
  'COMPOSIO_RATE_LIMITED',
  'COMPOSIO_UNAUTHORIZED',
] as const satisfies readonly Reason[];

/** The API's one error type: a stable reason, a message for people, and optional details. */
export class AppError extends Error {
  override name = 'AppError';
  readonly reason: Reason;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    reason: Reason,
    message: string,
    options: {
      cause?: unknown;
      details?: Record<string, unknown>;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.reason = reason;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get code(): TRPC_ERROR_CODE_KEY {
    return REASON_CODES[this.reason];
  }
}

export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', `${what} was not found`);
}
