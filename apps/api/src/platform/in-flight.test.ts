import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';

describe('InFlight', () => {
  it('drains once the running work finishes', async () => {
    const inFlight = new InFlight();
    let finish: () => void = () => undefined;
    const work = inFlight.track(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(inFlight.count).toBe(1);
    const drained = inFlight.drained(5_000);
    finish();
    await work;
    expect(await drained).toBe(true);
    expect(inFlight.count).toBe(0);
  });

  it('gives up after the timeout while work still runs, and counts failures as finished', async () => {
    const inFlight = new InFlight();
    void inFlight.track(() => new Promise(() => undefined));
    expect(await inFlight.drained(20)).toBe(false);
    await expect(inFlight.track(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(inFlight.count).toBe(1);
  });
});
