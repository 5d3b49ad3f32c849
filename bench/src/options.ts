import { nodeTuning } from '@switchboard/api/node-tuning';
import { SCENARIO_NAMES, type ScenarioName } from './results.ts';

// The bench runs the API on PostgreSQL exactly when DATABASE_URL is set for it.
const TUNING = nodeTuning(process.env.DATABASE_URL?.trim() ? 'postgres' : 'pglite');

/** The Node flags the API is measured with (docs/performance.md: what each buys). */
export const TUNED_NODE_FLAGS: string[] = TUNING.flags;

/** The variables set before the API's `node` starts (glibc's allocator settings). */
export const TUNED_ENV: Record<string, string> = TUNING.env;

/** What one `pnpm bench` does, read from the environment once. */
export interface BenchOptions {
  /** Connections autocannon keeps open (requests in flight) in every scenario. */
  concurrency: number;
  /** Times every scenario (but two-instances) is measured, in turn; the report takes medians. */
  rounds: number;
  /** Seconds each measured run lasts. */
  durationS: number;
  /** Seconds of untimed load before each measured run (JIT, caches, pools). */
  warmupS: number;
  /** PostgreSQL server to create the benchmark's own database on; PGlite when absent. */
  databaseUrl: string | undefined;
  /** Passed to the API instances when set (shared rate limits and tool cache). */
  redisUrl: string | undefined;
  /** The scenarios to run (all by default; `baseline` always runs, it is the reference). */
  scenarios: ScenarioName[];
  /** Measure the tRPC HTTP layer: a plain Fastify route vs trivial tRPC procedures. */
  trpcLayer: boolean;
  /** Run the API under `--cpu-prof` and summarize where each scenario's CPU time went. */
  profile: boolean;
  /** Subscribe a webhook endpoint (a receiver in this process) to every scope's events. */
  webhooks: boolean;
  /** Run the API with tracing on, exporting over OTLP to a receiver in this process. */
  tracing: boolean;
  /**
   * `dist` runs the built apps/api/dist/main.js (as production does), `source` runs
   * apps/api/src/main.ts through tsx; `auto` takes `dist` when it is up to date.
   */
  apiEntry: 'auto' | 'source' | 'dist';
  /** Extra Node flags for the API instances (experiments: `--max-semi-space-size=8`). */
  apiNodeFlags: string[];
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got '${raw}'`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be 1 or 0, got '${raw}'`);
}

export function readOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const concurrency = Math.round(positive(env, 'BENCH_CONCURRENCY', 32));
  const scenarioList = env.BENCH_SCENARIOS?.trim();
  let scenarios: ScenarioName[] = [...SCENARIO_NAMES];
  if (scenarioList) {
    const wanted = scenarioList.split(',').map((name) => name.trim());
    for (const name of wanted) {
      if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
        throw new Error(
          `BENCH_SCENARIOS: unknown scenario '${name}' (known: ${SCENARIO_NAMES.join(', ')})`,
        );
      }
    }
    scenarios = SCENARIO_NAMES.filter((name) => name === 'baseline' || wanted.includes(name));
  }
  const apiEntry = env.BENCH_API_ENTRY?.trim() || 'auto';
  if (apiEntry !== 'auto' && apiEntry !== 'source' && apiEntry !== 'dist') {
    throw new Error(`BENCH_API_ENTRY must be auto, source or dist, got '${apiEntry}'`);
  }
  return {
    concurrency,
    rounds: Math.round(positive(env, 'BENCH_ROUNDS', 3)),
    durationS: positive(env, 'BENCH_DURATION_S', 10),
    warmupS: positive(env, 'BENCH_WARMUP_S', 2),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    redisUrl: env.REDIS_URL?.trim() || undefined,
    scenarios,
    trpcLayer: flag(env, 'BENCH_TRPC_LAYER', true),
    profile: flag(env, 'BENCH_PROFILE', false),
    webhooks: flag(env, 'BENCH_WEBHOOKS', false),
    tracing: flag(env, 'BENCH_TRACING', false),
    apiEntry,
    apiNodeFlags: env.BENCH_API_NODE_FLAGS?.trim().split(/\s+/).filter(Boolean) ?? TUNED_NODE_FLAGS,
  };
}
