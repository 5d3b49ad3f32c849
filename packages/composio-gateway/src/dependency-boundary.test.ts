import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

/** Every workspace package.json (apps/* and packages/*). */
function workspaceManifests(): Array<{ name: string; dependencies: Record<string, string> }> {
  return ['apps', 'packages'].flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => {
        try {
          const manifest = JSON.parse(
            readFileSync(join(root, dir, entry.name, 'package.json'), 'utf8'),
          ) as { name: string; dependencies?: Record<string, string> };
          return [{ name: manifest.name, dependencies: manifest.dependencies ?? {} }];
        } catch {
          return [];
        }
      }),
  );
}

describe('dependency boundary', () => {
  it('only the gateway depends on @composio/core at runtime', () => {
    const dependents = workspaceManifests()
      .filter((m) => '@composio/core' in m.dependencies)
      .map((m) => m.name);
    expect(dependents).toStrictEqual(['@switchboard/composio-gateway']);
  });
});
