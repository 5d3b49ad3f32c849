import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, tsxArgs } from './processes.ts';

/** The workspaces the API runs on; their `dist` must be at least as new as their `src`. */
const API_WORKSPACES = [
  'apps/api',
  'packages/identity',
  'packages/composio-gateway',
  'packages/db',
  'packages/composio-emulator',
];

function newest(dir: string, skip: (name: string) => boolean): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path, skip) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Why the built API cannot be used, or undefined when every `dist` is newer than its `src`. */
export function staleDist(): string | undefined {
  if (!existsSync(join(REPO_ROOT, 'apps/api/dist/main.js'))) return 'apps/api/dist is missing';
  for (const workspace of API_WORKSPACES) {
    const src = newest(join(REPO_ROOT, workspace, 'src'), (name) => name.includes('.test.'));
    const dist = newest(join(REPO_ROOT, workspace, 'dist'), () => false);
    if (src > dist) return `${workspace}/dist is older than its src`;
  }
  return undefined;
}

/**
 * How the API-side processes run. `dist`: the built JavaScript on plain Node, as `node
 * dist/main.js` runs in production (the benchmark's own `.ts` servers use Node's type
 * stripping). `source`: the TypeScript sources through tsx, which costs ~70 MB of RSS per process.
 */
export interface Entry {
  kind: 'dist' | 'source';
  /** Node arguments that load `apps/api`'s main module. */
  api: string[];
  /** Node arguments before one of bench/src/servers/*.ts. */
  loader: string[];
}

export function entryFor(kind: 'dist' | 'source'): Entry {
  return kind === 'dist'
    ? { kind, api: [join(REPO_ROOT, 'apps/api/dist/main.js')], loader: [] }
    : { kind, api: [...tsxArgs(), join(REPO_ROOT, 'apps/api/src/main.ts')], loader: tsxArgs() };
}
