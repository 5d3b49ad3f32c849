import { readFileSync } from 'node:fs';

/** How production starts the API: what `pnpm start` sets before `node`, and the flags it passes. */
export interface StartScript {
  /** Variables set before `node` (glibc's allocator settings). */
  env: Record<string, string>;
  /** Node's own flags (V8's heap sizes, the wasm compile tasks). */
  nodeFlags: string[];
}

/**
 * The API's `start` script, read from its package.json, so that tools which start the API
 * themselves (the soak test, the benchmark) run it as production does.
 */
export function productionStartScript(): StartScript {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return parseStartScript(packageJson.scripts.start as string);
}

/** `NAME=value … node --flag … entry.js`, split into the variables and Node's flags. */
export function parseStartScript(script: string): StartScript {
  const words = script.trim().split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`The start script does not run node: ${script}`);
  return {
    env: Object.fromEntries(words.slice(0, node).map((word) => word.split(/=(.*)/s, 2))),
    nodeFlags: words.slice(node + 1).filter((word) => word.startsWith('--')),
  };
}
