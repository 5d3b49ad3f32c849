export { identitySuggestions, loginFromIdentity } from './catalog/identity.js';
export { TOOLS } from './catalog/index.js';
export { TOOL_VERSION, TOOLKITS } from './catalog/toolkits.js';
export { completeConsent } from './consent/complete-consent.js';
export {
  buildEmulatorApp,
  createEmulator,
  DEFAULT_API_KEY,
  type EmulatorAppOptions,
  type EmulatorOptions,
  type RunningEmulator,
} from './emulator.js';
export { type ComposioErrorBody, EmulatorError, type EmulatorErrorReason } from './errors.js';
export { type Exchange, type ExchangeObserver, observeExchanges } from './exchanges.js';
export {
  DEFAULT_LINK_TTL_MS,
  EmulatorState,
  type SeedAccountInput,
  type StateOptions,
  type StateSnapshot,
} from './state/store.js';
export type {
  AccountRecord,
  AccountStatus,
  AuthConfigRecord,
  ExecutionRecord,
  FaultRecord,
  FaultSpec,
  OutboxEntry,
  RequestLogEntry,
} from './state/types.js';
