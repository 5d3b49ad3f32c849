import { describe, expect, it } from 'vitest';
import { GroupedCalls } from './grouped-calls.js';

/** A batch function that records the batches it was given and answers each input doubled. */
function recorder(options: { fail?: (inputs: number[]) => boolean; delayMs?: number } = {}) {
  const batches: number[][] = [];
  const run = async (inputs: number[]) => {
    batches.push([...inputs]);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (options.fail?.(inputs)) throw new Error(`batch of ${inputs.length} failed`);
    return inputs.map((input) => input * 2);
  };
  return { batches, run };
}

describe('GroupedCalls', () => {
  it('sends the calls of one turn of the event loop as one batch, and answers each its own', async () => {
    const { batches, run } = recorder();
    const grouped = new GroupedCalls(run);
    const answers = await Promise.all([1, 2, 3].map((n) => grouped.call(n)));
    expect(answers).toStrictEqual([2, 4, 6]);
    expect(batches).toStrictEqual([[1, 2, 3]]);
  });

  it('never puts more than maxBatch calls in one batch', async () => {
    const { batches, run } = recorder();
    const grouped = new GroupedCalls(run, { maxBatch: 2, maxConcurrent: 4 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => grouped.call(n)));
    expect(batches).toStrictEqual([[1, 2], [3, 4], [5]]);
  });

  it('holds calls made while maxConcurrent batches run, and sends them together next', async () => {
    const { batches, run } = recorder({ delayMs: 20 });
    const grouped = new GroupedCalls(run, { maxConcurrent: 1 });
    const first = grouped.call(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [grouped.call(2), grouped.call(3)];
    expect(await Promise.all([first, ...later])).toStrictEqual([2, 4, 6]);
    expect(batches).toStrictEqual([[1], [2, 3]]);
  });

  it('without retryAlone, fails every call of a failed batch with its error', async () => {
    const { run } = recorder({ fail: () => true });
    const grouped = new GroupedCalls(run);
    const settled = await Promise.allSettled([grouped.call(1), grouped.call(2)]);
    expect(settled.map((s) => s.status)).toStrictEqual(['rejected', 'rejected']);
    expect((settled[0] as PromiseRejectedResult).reason.message).toBe('batch of 2 failed');
  });

  it('with retryAlone, retries each call of a failed batch alone, so one bad input fails only itself', async () => {
    const { batches, run } = recorder({ fail: (inputs) => inputs.includes(13) });
    const grouped = new GroupedCalls(run, {
      retryAlone: async (input) => {
        if (input === 13) throw new Error('13 is refused');
        return input * 2;
      },
    });
    const settled = await Promise.allSettled([1, 13, 3].map((n) => grouped.call(n)));
    expect(settled).toStrictEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('13 is refused') },
      { status: 'fulfilled', value: 6 },
    ]);
    expect(batches).toStrictEqual([[1, 13, 3]]);
  });

  it('refuses a batch function that answers the wrong number of calls', async () => {
    const grouped = new GroupedCalls(async (inputs: number[]) => inputs.slice(1));
    const settled = await Promise.allSettled([grouped.call(1), grouped.call(2)]);
    expect((settled[0] as PromiseRejectedResult).reason.message).toBe(
      'a batch of 2 calls got 1 answers',
    );
  });

  it('keeps working after a failure: the next calls get a batch of their own', async () => {
    let failNext = true;
    const grouped = new GroupedCalls(async (inputs: number[]) => {
      if (failNext) {
        failNext = false;
        throw new Error('once');
      }
      return inputs;
    });
    await expect(grouped.call(1)).rejects.toThrow('once');
    await expect(grouped.call(2)).resolves.toBe(2);
  });
});
