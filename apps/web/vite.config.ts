import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

// `pnpm dev` runs the API on :3000; the app always calls a relative `/trpc` (and `/audit/export`
// for downloads), so the browser sees one origin and the API's CORS rule never comes into play.
// biome-ignore lint/style/noProcessEnv: the dev server's one setting, read where the server starts.
const apiUrl = process.env.SWITCHBOARD_API_URL ?? 'http://127.0.0.1:3000';
const proxy = {
  '/trpc': { target: apiUrl, changeOrigin: false },
  '/audit/export': { target: apiUrl, changeOrigin: false },
};

/**
 * Writes `.vite/modules.json`: every module that made it into the bundle, relative to the repo.
 * The bundle test reads it to prove no server code (the API, Fastify, Kysely, pg…) ships.
 */
function bundleModuleList(): Plugin {
  return {
    name: 'switchboard:bundle-module-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const modules = new Set<string>();
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue;
        for (const id of output.moduleIds) {
          modules.add(relative(repoRoot, id.replace(/^\0/, '')).split('\\').join('/'));
        }
      }
      this.emitFile({
        type: 'asset',
        fileName: '.vite/modules.json',
        source: `${JSON.stringify([...modules].sort(), null, 2)}\n`,
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), bundleModuleList()],
  // Workspace packages resolve to their TypeScript sources, as everywhere else in the repo.
  resolve: { conditions: ['@switchboard/source', ...defaultClientConditions] },
  server: { host: '127.0.0.1', port: 5173, proxy },
  preview: { host: '127.0.0.1', port: 4173, proxy },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
