import { describe, expect, it } from 'vitest';
import { nodeTuning } from './node-tuning.js';

describe('nodeTuning', () => {
  it('gives V8 one background thread only on PostgreSQL', () => {
    expect(nodeTuning('postgres').flags).toContain('--v8-pool-size=1');
    expect(nodeTuning('pglite').flags).not.toContain('--v8-pool-size=1');
  });

  it('sizes the heap and the allocator the same on both databases', () => {
    const withoutPool = (flags: string[]) => flags.filter((flag) => !flag.startsWith('--v8-pool'));
    expect(withoutPool(nodeTuning('postgres').flags)).toStrictEqual(nodeTuning('pglite').flags);
    expect(nodeTuning('pglite').flags).toStrictEqual([
      '--min-semi-space-size=16',
      '--max-semi-space-size=16',
      '--max-old-space-size=128',
      '--wasm-num-compilation-tasks=1',
    ]);
    expect(nodeTuning('pglite').env).toStrictEqual({
      GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=131072',
    });
  });
});
