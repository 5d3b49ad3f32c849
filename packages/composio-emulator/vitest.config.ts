import { contractCheck, packageTestConfig } from '../../vitest.shared.ts';

// The SDK reads both at import: no telemetry from tests, and warnings stay on so the SDK tests
// can fail on any warning the SDK prints.
export default packageTestConfig('composio-emulator', {
  env: { TELEMETRY_DISABLED: 'true', COMPOSIO_LOG_LEVEL: 'warn' },
  ...contractCheck,
});
