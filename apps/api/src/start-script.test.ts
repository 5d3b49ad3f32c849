import { describe, expect, it } from 'vitest';
import { parseStartScript, productionStartScript } from './start-script.js';

describe('parseStartScript', () => {
  it('splits the variables set before node from its flags, keeping `=` inside values', () => {
    expect(
      parseStartScript(
        'A=1 GLIBC_TUNABLES=x.y=2:z=3 node --max-old-space-size=128 --flag dist/main.js',
      ),
    ).toStrictEqual({
      env: { A: '1', GLIBC_TUNABLES: 'x.y=2:z=3' },
      nodeFlags: ['--max-old-space-size=128', '--flag'],
    });
  });

  it('reads a script with no variables', () => {
    expect(parseStartScript('node dist/main.js')).toStrictEqual({ env: {}, nodeFlags: [] });
  });

  it('refuses a script that does not run node', () => {
    expect(() => parseStartScript('tsx src/main.ts')).toThrow('does not run node');
  });

  it('reads the API’s own start script', () => {
    const script = productionStartScript({});

    expect(script.nodeFlags).toContain('--wasm-num-compilation-tasks=1');
    expect(script.env.GLIBC_TUNABLES).toMatch(/^glibc\.malloc\./);
  });

  it('passes a conditional flag only when its variable is set and not empty, as sh does', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sh's syntax, not a template
    const script = 'node --a ${DATABASE_URL:+--v8-pool-size=1} main.js';

    expect(parseStartScript(script, { DATABASE_URL: 'postgres://db/x' }).nodeFlags).toStrictEqual([
      '--a',
      '--v8-pool-size=1',
    ]);
    expect(parseStartScript(script, { DATABASE_URL: '' }).nodeFlags).toStrictEqual(['--a']);
    expect(parseStartScript(script, {}).nodeFlags).toStrictEqual(['--a']);
  });

  it('gives V8 one background thread on PostgreSQL and its default on PGlite', () => {
    expect(productionStartScript({ DATABASE_URL: 'postgres://db/x' }).nodeFlags).toContain(
      '--v8-pool-size=1',
    );
    expect(productionStartScript({}).nodeFlags).not.toContain('--v8-pool-size=1');
  });
});
