import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiReferencePath, renderApiReference } from './api-reference.js';
import { appRouter } from './modules/app.router.js';

describe('the API reference (docs/api.md)', () => {
  const rendered = renderApiReference(appRouter);

  it('is what the router makes now: run `pnpm --filter @switchboard/api docs:api` after a change', () => {
    expect(readFileSync(apiReferencePath, 'utf8')).toBe(rendered);
  });

  it('lists every procedure, with its input and output as JSON Schema and its reasons', () => {
    const procedures = Object.keys(
      (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
    );
    for (const name of procedures) expect(rendered).toContain(`## \`${name}\``);
    const execute = rendered.slice(rendered.indexOf('## `tools.execute`'));
    expect(execute).toContain('"tool"');
    expect(execute).toContain('`NO_CONNECTED_ACCOUNT`');
    expect(execute).toContain(
      '`tools.execute`: yourself in your own scope; in an organization, member and up',
    );
  });
});
