import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmulator } from '@switchboard/composio-emulator';
import { buildApp } from './app.js';
import { ConfigError, loadDevConfig } from './config.js';
import { createRuntime } from './runtime.js';
import { DEMO_USERS, seedDemo } from './seed.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `pnpm dev`: the embedded emulator, the API on PGlite (migrated and seeded with the Acme demo)
 * and the web app's dev server, with the URLs to open.
 */
async function dev() {
  // PGlite lives in the repository's .data/, where `pnpm db:migrate` also looks.
  const configured = loadDevConfig(undefined, { DATA_DIR: join(repoRoot, '.data') });
  // The local Composio emulator, unless the environment names a Composio project to use.
  const emulator = configured.COMPOSIO_API_KEY
    ? undefined
    : await createEmulator({ port: 0, controls: true });
  const config = emulator
    ? { ...configured, COMPOSIO_API_KEY: emulator.apiKey, COMPOSIO_BASE_URL: emulator.url }
    : configured;
  const logger = {
    info: () => undefined,
    debug: () => undefined,
    warn: (...args: unknown[]) => console.warn(...args),
    error: (...args: unknown[]) => console.error(...args),
  };
  const runtime = await createRuntime(config, { logger });
  await seedDemo(runtime.deps.db);
  const app = await buildApp(runtime.deps);
  await app.listen({ host: config.HOST, port: config.PORT });
  const apiUrl = `http://${config.HOST}:${config.PORT}`;

  const webUrl = new URL(config.WEB_ORIGIN);
  const web = spawn(
    'pnpm',
    [
      '--filter',
      '@switchboard/web',
      'exec',
      'vite',
      '--host',
      webUrl.hostname,
      '--port',
      webUrl.port || '5173',
      '--strictPort',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );

  console.log(`
Switchboard is running:
  web        ${config.WEB_ORIGIN}
  api        ${apiUrl}/trpc   (ready: ${apiUrl}/readyz)
  emulator   ${emulator?.url ?? config.COMPOSIO_BASE_URL ?? 'Composio cloud'}
  database   ${config.DATABASE_URL ? 'PostgreSQL' : `PGlite in ${config.DATA_DIR}/pglite`}
  sign in as ${DEMO_USERS.map((user) => user.id).join(', ')} (Acme: alice owner, bob member, carol viewer)
`);

  const stop = async () => {
    web.kill('SIGTERM');
    await app.close();
    await runtime.close();
    await emulator?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  web.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`the web dev server exited with ${code}`);
  });
}

dev().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
