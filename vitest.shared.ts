import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The settings every package's vitest config starts from: workspace packages resolve to their
 * TypeScript sources (the `@switchboard/source` export condition), and each run also writes
 * vitest's JSON report so `.ci/run` can sum the counts across packages.
 */
export function packageTestConfig(name: string, overrides: ViteUserConfig['test'] = {}) {
  return defineConfig({
    resolve: { conditions: ['@switchboard/source', ...defaultClientConditions] },
    ssr: { resolve: { conditions: ['@switchboard/source', ...defaultServerConditions] } },
    test: {
      name,
      environment: 'node',
      // CI runs every package's suite at once on two cores: generous limits keep a loaded
      // machine from failing tests that pass in well under a second alone.
      testTimeout: 30_000,
      hookTimeout: 60_000,
      reporters: ['default', ['json', { outputFile: '.vitest-results/results.json' }]],
      ...overrides,
    },
  });
}

const contract = (file: string) =>
  fileURLToPath(new URL(`./packages/composio-emulator/test/contract/${file}`, import.meta.url));

/**
 * The emulator's OpenAPI contract check, for the packages whose tests run emulators: every
 * response an emulator sends is held to Composio's published description, and a mismatch fails
 * the test (packages/composio-emulator/README.md). Spread into `packageTestConfig`'s overrides.
 */
export const contractCheck = {
  setupFiles: [contract('setup.ts')],
  globalSetup: [contract('global-setup.ts')],
};
