import { GatewayError, type GatewayReason } from '@switchboard/composio-gateway';
import { AppError, type Reason } from '../errors.js';

/** How each gateway failure reaches API clients; typed so a new gateway reason must be mapped. */
const GATEWAY_REASONS: Record<GatewayReason, Reason> = {
  TOOL_NOT_FOUND: 'TOOL_NOT_FOUND',
  TOOLKIT_NOT_FOUND: 'TOOLKIT_NOT_FOUND',
  ACCOUNT_NOT_FOUND: 'NOT_FOUND',
  ACCOUNT_INACTIVE: 'ACCOUNT_INACTIVE',
  INVALID_ARGUMENTS: 'INVALID_ARGUMENTS',
  RATE_LIMITED: 'COMPOSIO_RATE_LIMITED',
  UPSTREAM_TIMEOUT: 'COMPOSIO_TIMEOUT',
  UPSTREAM_UNAVAILABLE: 'COMPOSIO_UNAVAILABLE',
  UNAUTHORIZED: 'COMPOSIO_UNAUTHORIZED',
  TOOL_FAILED: 'COMPOSIO_UNAVAILABLE',
};

export function appErrorFromGateway(error: GatewayError): AppError {
  const options: ConstructorParameters<typeof AppError>[2] = { cause: error };
  if (error.retryAfterSeconds !== undefined) options.retryAfterSeconds = error.retryAfterSeconds;
  return new AppError(GATEWAY_REASONS[error.reason], `Composio: ${error.message}`, options);
}

// Socket errors and PostgreSQL's "cannot connect now" / connection-failure SQLSTATEs.
const DATABASE_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** The database could not be reached (as opposed to refusing a statement). */
function isDatabaseUnavailable(error: unknown): boolean {
  for (let link = error, depth = 0; link instanceof Error && depth < 5; depth += 1) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && DATABASE_DOWN_CODES.has(code)) return true;
    if (
      /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
        link.message,
      )
    ) {
      return true;
    }
    link = link.cause;
  }
  return false;
}

/**
 * Any error as the API's own: AppErrors pass, gateway errors are mapped, an unreachable database
 * is SERVICE_UNAVAILABLE; other errors stay as they are (and become INTERNAL).
 */
export function toAppError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof GatewayError) return appErrorFromGateway(error);
  if (isDatabaseUnavailable(error)) {
    return new AppError('DATABASE_UNAVAILABLE', 'The database is unavailable; retry shortly', {
      cause: error,
      retryAfterSeconds: 1,
    });
  }
  return error;
}
