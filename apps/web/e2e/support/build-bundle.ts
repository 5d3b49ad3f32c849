import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { distDir, webDir } from './paths.ts';

/** The newest modification time under `path` (files only). */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/**
 * Vitest global setup: the e2e tests serve the real production bundle and the bundle test
 * inspects it, so `dist` is built first — unless it is already newer than every input (as after
 * `pnpm --filter @switchboard/web build`).
 */
export default async function buildBundle() {
  const built = join(distDir, '.vite', 'modules.json');
  const inputs = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) =>
    join(webDir, p),
  );
  const identity = join(webDir, '..', '..', 'packages', 'identity', 'src');
  if (existsSync(identity)) inputs.push(identity);
  if (existsSync(built) && statSync(built).mtimeMs > Math.max(...inputs.map(newest))) return;
  // Vitest runs with NODE_ENV=test, which would give React's development build: build exactly
  // what `vite build` ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: webDir,
      configFile: join(webDir, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
