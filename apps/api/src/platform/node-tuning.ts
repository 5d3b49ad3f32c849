/**
 * Process settings for a small machine, found with `pnpm bench` on two cores shared by the API,
 * PostgreSQL and the load generator. They are deployment advice (docs/performance.md says what
 * each buys and what it risks), not how the API starts: `pnpm start` is plain `node`. `pnpm bench`
 * and the soak test run the API with them, so their numbers are comparable across sessions.
 */
export interface NodeTuning {
  /** Variables set before `node` starts (glibc's allocator). */
  env: Record<string, string>;
  /** Node's own flags. */
  flags: string[];
}

export type DatabaseKind = 'postgres' | 'pglite';

/**
 * The settings for the API on `database`:
 * - a young generation fixed at 16 MB per semi-space: left to grow, it doubles in steps and
 *   memory climbs for minutes under load before it settles;
 * - the old generation capped at 128 MB, about three times what the API keeps live under load.
 *   A cap that low can crash an instance that holds many 1 MB bodies or large Composio results
 *   at once: raise it with `BODY_LIMIT_BYTES` or drop it where memory is not scarce;
 * - one WebAssembly compile task and glibc held to two arenas that return freed memory: PGlite's
 *   compile otherwise leaves freed memory in per-thread arenas for good;
 * - on PostgreSQL, one V8 background thread: on two cores its default four kept the API's own
 *   thread waiting for a CPU. On PGlite (PostgreSQL inside the API) it cost memory instead.
 */
export function nodeTuning(database: DatabaseKind): NodeTuning {
  return {
    env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=131072' },
    flags: [
      '--min-semi-space-size=16',
      '--max-semi-space-size=16',
      '--max-old-space-size=128',
      '--wasm-num-compilation-tasks=1',
      ...(database === 'postgres' ? ['--v8-pool-size=1'] : []),
    ],
  };
}
