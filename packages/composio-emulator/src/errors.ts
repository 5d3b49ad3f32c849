/**
 * The one error the emulator throws, mapped once (in {@link ERROR_TABLE}) to the HTTP status and
 * the Composio error body `{ error: { message, code, slug, status, request_id, suggested_fix } }`.
 *
 * Codes seen from the real service are used as observed: 1803 "No connected account found"
 * (status 400, the only code `@composio/core` maps, to `ComposioConnectedAccountNotFoundError`),
 * 1812 `ActionExecute_ConnectedAccountEntityIdMismatch`, 600 `ConnectedAccount_BadRequest`.
 * The others are the emulator's own choice.
 */
export class EmulatorError extends Error {
  override name = 'EmulatorError';
  constructor(
    readonly reason: EmulatorErrorReason,
    message: string,
    readonly details?: {
      errors?: unknown[];
      suggestedFix?: string;
      headers?: Record<string, string>;
    },
  ) {
    super(message);
  }
}

export const ERROR_TABLE = {
  UNAUTHORIZED: { status: 401, code: 1001, slug: 'Auth_InvalidApiKey' },
  BAD_REQUEST: { status: 400, code: 1000, slug: 'BadRequest' },
  ROUTE_NOT_FOUND: { status: 404, code: 1004, slug: 'Route_NotFound' },
  TOOLKIT_NOT_FOUND: { status: 404, code: 1601, slug: 'Toolkit_NotFound' },
  AUTH_CONFIG_NOT_FOUND: { status: 404, code: 1701, slug: 'AuthConfig_NotFound' },
  AUTH_CONFIG_DISABLED: { status: 400, code: 1702, slug: 'AuthConfig_Disabled' },
  CONNECTED_ACCOUNT_NOT_FOUND: { status: 404, code: 1803, slug: 'ConnectedAccount_NotFound' },
  CONNECTED_ACCOUNT_BAD_REQUEST: { status: 400, code: 600, slug: 'ConnectedAccount_BadRequest' },
  LEGACY_INITIATE_RETIRED: { status: 400, code: 600, slug: 'ConnectedAccount_BadRequest' },
  NO_CONNECTED_ACCOUNT: { status: 400, code: 1803, slug: 'ActionExecute_ConnectedAccountNotFound' },
  ACCOUNT_NOT_FOR_USER: { status: 400, code: 1803, slug: 'ActionExecute_ConnectedAccountNotFound' },
  ACCOUNT_ENTITY_MISMATCH: {
    status: 400,
    code: 1812,
    slug: 'ActionExecute_ConnectedAccountEntityIdMismatch',
  },
  ACCOUNT_TOOLKIT_MISMATCH: {
    status: 400,
    code: 1813,
    slug: 'ActionExecute_ConnectedAccountToolkitMismatch',
  },
  ACCOUNT_NOT_ACTIVE: { status: 400, code: 1814, slug: 'ActionExecute_ConnectedAccountInactive' },
  MISSING_USER: { status: 400, code: 1815, slug: 'ActionExecute_UserIdRequired' },
  TOOL_NOT_FOUND: { status: 404, code: 1501, slug: 'Tool_NotFound' },
  INVALID_ARGUMENTS: { status: 400, code: 1502, slug: 'ActionExecute_InvalidArguments' },
  RATE_LIMITED: { status: 429, code: 1429, slug: 'RateLimit_Exceeded' },
  INJECTED_FAULT: { status: 500, code: 9999, slug: 'Emulator_InjectedFault' },
  INTERNAL: { status: 500, code: 1500, slug: 'Internal_ServerError' },
} as const satisfies Record<string, { status: number; code: number; slug: string }>;

export type EmulatorErrorReason = keyof typeof ERROR_TABLE;

/** The JSON body Composio answers errors with. */
export interface ComposioErrorBody {
  error: {
    message: string;
    code: number;
    slug: string;
    status: number;
    request_id: string;
    suggested_fix: string;
    errors?: unknown[];
  };
}

export function errorBody(
  reason: EmulatorErrorReason,
  message: string,
  requestId: string,
  details?: EmulatorError['details'],
  status?: number,
): ComposioErrorBody {
  const entry = ERROR_TABLE[reason];
  return {
    error: {
      message,
      code: entry.code,
      slug: entry.slug,
      status: status ?? entry.status,
      request_id: requestId,
      suggested_fix: details?.suggestedFix ?? '',
      ...(details?.errors ? { errors: details.errors } : {}),
    },
  };
}
