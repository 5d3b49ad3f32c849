import { packageTestConfig } from '../../vitest.shared.ts';

/**
 * Unit tests (`src/**\/*.test.ts`) and the browser end-to-end tests (`e2e/*.e2e.test.ts`). The
 * global setup builds the bundle once (the e2e tests serve it, the bundle test inspects it); the
 * e2e files start a whole stack and a browser each, so files run one at a time.
 */
export default packageTestConfig('web', {
  include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
  globalSetup: ['e2e/support/build-bundle.ts'],
  fileParallelism: false,
  testTimeout: 60_000,
  hookTimeout: 120_000,
});
