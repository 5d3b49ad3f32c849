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
 * themselves (the soak test, the benchmark) run it as production does, with `env` as the
 * environment the API starts in.
 */
export function productionStartScript(env: NodeJS.ProcessEnv): StartScript {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return parseStartScript(packageJson.scripts.start as string, env);
}

/** `${NAME:+--flag}`: the shell passes the flag only when NAME is set and not empty. */
const FLAG_IF_SET = /^\$\{(?<name>\w+):\+(?<flag>--[^}\s]+)\}$/;

/** `NAME=value … node --flag … ${NAME:+--flag} … entry.js`, split into the variables and Node's flags. */
export function parseStartScript(script: string, env: NodeJS.ProcessEnv = {}): StartScript {
  const words = script.trim().split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`The start script does not run node: ${script}`);
  const nodeFlags: string[] = [];
  for (const word of words.slice(node + 1)) {
    const conditional = FLAG_IF_SET.exec(word)?.groups;
    if (conditional) {
      if (env[conditional.name as string]) nodeFlags.push(conditional.flag as string);
    } else if (word.startsWith('--')) {
      nodeFlags.push(word);
    }
  }
  return {
    env: Object.fromEntries(words.slice(0, node).map((word) => word.split(/=(.*)/s, 2))),
    nodeFlags,
  };
}
