/**
 * @switchboard/api: the router's type for typed clients, and a small client other services use.
 * The server itself starts from main.ts.
 */

export {
  createSwitchboardClient,
  isSwitchboardError,
  SWITCHBOARD_REASONS,
  type SwitchboardClient,
  type SwitchboardClientOptions,
  type SwitchboardError,
  type SwitchboardErrorData,
  type SwitchboardReason,
  SwitchboardUnreachableError,
} from './client.js';
export type { AppRouter } from './modules/app.router.js';
