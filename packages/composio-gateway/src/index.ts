export { GatewayError, type GatewayErrorOptions, isGatewayError } from './errors.js';
export {
  ACCOUNT_STATUSES,
  type AccountInfo,
  type AccountStatus,
  type ComposioGateway,
  type ExecuteInput,
  type ExecuteResult,
  GATEWAY_REASONS,
  type GatewayConfig,
  type GatewayLogger,
  type GatewayObserver,
  type GatewayReason,
  type LinkInput,
  type LinkResult,
  type ListAccountsQuery,
  type ListToolsQuery,
  type ToolDefinition,
  type Toolkit,
} from './gateway.js';
export { createComposioGateway } from './sdk-gateway.js';
