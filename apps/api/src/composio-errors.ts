import { GatewayError, type GatewayReason } from '@switchboard/composio-gateway';
import { AppError, type Reason } from './errors.js';

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

/** Any error as the API's own: AppErrors pass, gateway errors are mapped, others stay as they are. */
export function toAppError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof GatewayError) return appErrorFromGateway(error);
  return error;
}
