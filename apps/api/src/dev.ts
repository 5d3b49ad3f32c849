import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmulator, type RunningEmulator } from '@switchboard/composio-emulator';
import { ORG_SCOPE_PREFIX } from '@switchboard/identity';
import { buildApp } from './app.js';
import { ConfigError, loadDevConfig } from './config.js';
import { createRuntime } from './runtime.js';
import { DEMO_USERS, seedDemo } from './seed.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const webRoot = join(repoRoot, 'apps/web');

interface Port {
  host: string;
  port: number;
  /** What the person changes to move it. */
  setting: string;
}

/** Whether something already listens on `host:port`. */
function inUse({ host, port }: Port): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

const quiet = {
  info: () => undefined,
  debug: () => undefined,
  warn: (...args: unknown[]) => console.warn(...args),
  error: (...args: unknown[]) => console.error(...args),
};

/**
 * `pnpm dev`: the local Composio emulator (its state kept in `.data/`, so connections survive a
 * restart), the API on PGlite (migrated and seeded with the Acme demo) and the console's Vite
 * dev server, all in this one process, with the URLs to open. `PORT`, `WEB_ORIGIN`,
 * `DATABASE_URL` and `REDIS_URL` work as they do for the API.
 */
async function dev() {
  // PGlite lives in the repository's .data/, where `pnpm db:migrate` also looks.
  const dataDir = join(repoRoot, '.data');
  const configured = loadDevConfig(undefined, { DATA_DIR: dataDir });
  const webUrl = new URL(configured.WEB_ORIGIN);
  const embedEmulator = !configured.COMPOSIO_API_KEY;
  const ports: Port[] = [
    { host: configured.HOST, port: configured.PORT, setting: 'PORT' },
    { host: webUrl.hostname, port: Number(webUrl.port || 80), setting: 'WEB_ORIGIN' },
    ...(embedEmulator
      ? [
          {
            host: '127.0.0.1',
            port: configured.PORT + 1,
            setting: 'PORT (the emulator takes PORT + 1)',
          },
        ]
      : []),
  ];
  // Before anything is opened or seeded: a busy port is said plainly, with what moves it.
  const busy = [];
  for (const port of ports) if (await inUse(port)) busy.push(port);
  if (busy.length > 0) {
    for (const port of busy) {
      console.error(`Port ${port.port} on ${port.host} is in use; set ${port.setting} to move it.`);
    }
    console.error('For example: PORT=3100 WEB_ORIGIN=http://127.0.0.1:5174 pnpm dev');
    process.exit(1);
  }

  const orgNames = new Map<string, string>();
  let emulator: RunningEmulator | undefined;
  if (embedEmulator) {
    emulator = await createEmulator({
      port: configured.PORT + 1,
      controls: true,
      stateFile: join(configured.DATA_DIR, 'composio-emulator.json'),
      displayName: (composioUserId) =>
        composioUserId.startsWith(ORG_SCOPE_PREFIX) ? orgNames.get(composioUserId) : undefined,
    });
  }
  const config = emulator
    ? { ...configured, COMPOSIO_API_KEY: emulator.apiKey, COMPOSIO_BASE_URL: emulator.url }
    : configured;
  const runtime = await createRuntime(config, { logger: quiet });
  await seedDemo(runtime.deps.db);
  const app = await buildApp(runtime.deps);
  await app.listen({ host: config.HOST, port: config.PORT });
  const apiUrl = `http://${config.HOST}:${config.PORT}`;

  // The consent page names an organization by its name; the emulator asks synchronously.
  const refreshOrgNames = async () => {
    const orgs = await runtime.deps.db.selectFrom('organizations').select(['id', 'name']).execute();
    for (const org of orgs) orgNames.set(`${ORG_SCOPE_PREFIX}${org.id}`, org.name);
  };
  await refreshOrgNames();
  const refresher = setInterval(() => void refreshOrgNames().catch(() => undefined), 2_000);
  refresher.unref();

  // Vite in this process, its `/trpc` proxy pointed at this API wherever it listens.
  const { createServer } = await import('vite');
  const web = await createServer({
    root: webRoot,
    configFile: join(webRoot, 'vite.config.ts'),
    logLevel: 'warn',
    server: {
      host: webUrl.hostname,
      port: Number(webUrl.port || 80),
      strictPort: true,
      proxy: { '/trpc': { target: apiUrl, changeOrigin: false } },
    },
  });
  await web.listen();

  console.log(`
Switchboard is running:
  web        ${config.WEB_ORIGIN}
  api        ${apiUrl}/trpc   (ready: ${apiUrl}/readyz)
  mcp        ${apiUrl}/mcp    (or ${apiUrl}/mcp/orgs/acme)
  emulator   ${emulator?.url ?? config.COMPOSIO_BASE_URL ?? 'Composio cloud'}
  database   ${config.DATABASE_URL ? 'PostgreSQL' : `PGlite in ${config.DATA_DIR}/pglite`}
  sign in as ${DEMO_USERS.map((user) => user.id).join(', ')} (Acme: alice owner, bob member, carol viewer)
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(refresher);
    await web.close();
    await app.close();
    await runtime.close();
    await emulator?.close();
    console.log('Switchboard stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

dev().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
