import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createRuntime, MissingComposioError } from './runtime.js';
import { seedDemo } from './seed.js';

/** Reads the configuration, builds the app and listens; the only place that exits the process. */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const bootLogger = {
    info: (...args: unknown[]) => console.log(...args),
    warn: (...args: unknown[]) => console.warn(...args),
    error: (...args: unknown[]) => console.error(...args),
    debug: () => undefined,
  };
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime(config, { logger: bootLogger });
  } catch (error) {
    if (error instanceof MissingComposioError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  if (config.SEED_DEMO) await seedDemo(runtime.deps.db);
  const app = await buildApp(runtime.deps);
  await app.listen({ host: config.HOST, port: config.PORT });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'draining requests and shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    if (!(await runtime.deps.inFlight.drained(8_000))) {
      app.log.warn(
        { running: runtime.deps.inFlight.count },
        'procedures still running at shutdown',
      );
    }
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
