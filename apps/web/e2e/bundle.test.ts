import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distDir, webDir } from './support/paths.ts';

/**
 * The web bundle ships no server code: apps/web may import only the *type* of the API's router
 * (and identity's pure helpers). The global setup builds `dist`; these tests read what went in.
 */

/** Packages that belong on a server, never in a browser bundle. */
const SERVER_PACKAGES = [
  'fastify',
  'kysely',
  'pg',
  'jose',
  'ioredis',
  'pino',
  'ajv',
  '@composio/core',
  '@composio/client',
  '@electric-sql/pglite',
];
const SERVER_PACKAGE_PATTERNS = [/^@fastify\//, /^pg-/, /^fastify-/];
/** Workspace code that must stay out: the API itself and the packages behind it. */
const SERVER_WORKSPACE = [
  'apps/api/',
  'packages/db/',
  'packages/composio-gateway/',
  'packages/composio-emulator/',
];

/** The package a bundled module came from (`…/node_modules/@scope/name/…` → `@scope/name`). */
function packageOf(moduleId: string): string | null {
  const at = moduleId.lastIndexOf('node_modules/');
  if (at === -1) return null;
  const [first, second] = moduleId.slice(at + 'node_modules/'.length).split('/');
  if (!first) return null;
  return first.startsWith('@') ? `${first}/${second}` : first;
}

function bundledModules(): string[] {
  return JSON.parse(readFileSync(join(distDir, '.vite', 'modules.json'), 'utf8')) as string[];
}

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : files(path, ext);
    return ext.test(entry) ? [path] : [];
  });
}

/**
 * Strings each server package carries in its own code, as a second net in case the module list
 * were ever wrong. Each marker is first checked against the package it stands for, so a marker
 * gone stale with an upgrade fails here rather than passing silently.
 */
const MARKERS: Array<{ from: string; pkg: string; marker: string }> = [
  { from: 'apps/api', pkg: 'fastify', marker: 'FST_ERR_CTP_INVALID_TYPE' },
  { from: 'apps/api', pkg: 'kysely', marker: 'kysely_migration' },
  { from: 'packages/db', pkg: 'pg', marker: 'SCRAM-SHA-256' },
  { from: 'apps/api', pkg: 'jose', marker: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' },
  { from: 'apps/api', pkg: 'ioredis', marker: 'maxRetriesPerRequest' },
  { from: 'packages/composio-gateway', pkg: '@composio/core', marker: 'COMPOSIO_API_KEY' },
];

/** The package's installed root, found from its entry point. */
function packageRoot(from: string, pkg: string): string {
  const require = createRequire(join(webDir, '..', '..', from, 'package.json'));
  let dir = dirname(require.resolve(pkg));
  while (!dir.endsWith(`node_modules/${pkg}`)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package root for ${pkg}`);
    dir = parent;
  }
  return dir;
}

describe('the web bundle', () => {
  it('lists what it bundled, and it is the app on the typed client', () => {
    const modules = bundledModules();
    expect(modules).toContain('apps/web/src/main.tsx');
    expect(modules.map(packageOf)).toEqual(
      expect.arrayContaining(['react', '@trpc/client', '@trpc/tanstack-react-query']),
    );
    // A production build, as `vite build` ships it (no React development builds).
    expect(modules.filter((id) => id.endsWith('.development.js'))).toStrictEqual([]);
  });

  it('contains no module of the API, the database, Composio or another server package', () => {
    const offending = bundledModules().filter((id) => {
      if (SERVER_WORKSPACE.some((prefix) => id.startsWith(prefix))) return true;
      const pkg = packageOf(id);
      if (pkg === null) return false;
      // @trpc/client shares tRPC's core with the server package; its adapters never belong here.
      if (pkg === '@trpc/server') return /\/adapters\//.test(id);
      return SERVER_PACKAGES.includes(pkg) || SERVER_PACKAGE_PATTERNS.some((p) => p.test(pkg));
    });
    expect(offending).toStrictEqual([]);
  });

  it.each(MARKERS)('carries no code of $pkg (marker "$marker")', ({ from, pkg, marker }) => {
    const own = files(packageRoot(from, pkg), /\.(c|m)?js$/).some((file) =>
      readFileSync(file, 'utf8').includes(marker),
    );
    expect(own, `${marker} no longer marks ${pkg}: pick another`).toBe(true);
    const shipped = files(distDir, /\.(js|css|html)$/).filter((file) =>
      readFileSync(file, 'utf8').includes(marker),
    );
    expect(shipped).toStrictEqual([]);
  });

  it('carries none of the API’s own server code', () => {
    // Names only the API's configuration and routes spell out.
    for (const marker of [
      'AUTH_JWT_SECRET',
      'CONNECTION_REQUEST_TTL_SECONDS',
      '/connections/callback',
    ]) {
      const shipped = files(distDir, /\.js$/).filter((file) =>
        readFileSync(file, 'utf8').includes(marker),
      );
      expect(shipped, marker).toStrictEqual([]);
    }
  });

  it('imports the API only as a type in the app’s sources', () => {
    const runtimeImports = files(join(webDir, 'src'), /\.(ts|tsx)$/).flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      const imports = source.match(
        /^\s*(import|export)\s[^;]*?from\s+['"]@switchboard\/(api|db|composio-[a-z]+)[^'"]*['"]/gm,
      );
      return (imports ?? [])
        .filter((statement) => !/^\s*(import|export)\s+type\s/.test(statement))
        .map((statement) => `${file}: ${statement.trim()}`);
    });
    expect(runtimeImports).toStrictEqual([]);
  });
});
