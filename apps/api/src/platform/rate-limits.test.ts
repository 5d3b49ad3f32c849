import { describe, expect, it } from 'vitest';
import { createMemoryQuotas } from './rate-limits.js';

describe('execution quotas in memory', () => {
  it('admits the limit per minute, then refuses with the seconds until the window resets', async () => {
    const quotas = createMemoryQuotas({ userPerMinute: 3, orgPerMinute: 10 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await quotas.take('user', 'alice'));
    expect(answers.map((a) => a.allowed)).toStrictEqual([true, true, true, false]);
    const refused = answers[3];
    expect(refused?.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('counts each user and organization on its own', async () => {
    const quotas = createMemoryQuotas({ userPerMinute: 1, orgPerMinute: 2 });
    expect((await quotas.take('user', 'alice')).allowed).toBe(true);
    expect((await quotas.take('user', 'alice')).allowed).toBe(false);
    expect((await quotas.take('user', 'bob')).allowed).toBe(true);
    // A user and an organization of the same id are different counters.
    expect((await quotas.take('org', 'alice')).allowed).toBe(true);
    expect((await quotas.take('org', 'alice')).allowed).toBe(true);
    expect((await quotas.take('org', 'alice')).allowed).toBe(false);
  });
});
