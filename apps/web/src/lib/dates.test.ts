import { describe, expect, it } from 'vitest';
import { dayEnd, dayStart, expiresIn, isoWithOffset } from './dates.ts';

const OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

describe('date filters', () => {
  it('starts a picked day at local midnight, with the browser’s offset', () => {
    const start = dayStart('2026-12-03');
    expect(start).toMatch(OFFSET);
    expect(start?.slice(0, 19)).toBe('2026-12-03T00:00:00');
    expect(new Date(start ?? '').getTime()).toBe(new Date(2026, 11, 3).getTime());
  });

  it('ends a picked day at the next day’s start, across months and years', () => {
    expect(dayEnd('2026-12-03')?.slice(0, 19)).toBe('2026-12-04T00:00:00');
    expect(dayEnd('2026-02-28')?.slice(0, 19)).toBe('2026-03-01T00:00:00');
    expect(dayEnd('2026-12-31')?.slice(0, 19)).toBe('2027-01-01T00:00:00');
    expect(new Date(dayEnd('2026-12-31') ?? '').getTime()).toBe(new Date(2027, 0, 1).getTime());
  });

  it('refuses what is not a day on the calendar', () => {
    expect(dayStart('')).toBeNull();
    expect(dayStart('yesterday')).toBeNull();
    expect(dayStart('2026-02-31')).toBeNull();
    expect(dayEnd('2026-13-01')).toBeNull();
  });

  it('writes any moment with an offset the API accepts', () => {
    const moment = new Date(2026, 5, 15, 9, 5, 7);
    const iso = isoWithOffset(moment);
    expect(iso).toMatch(OFFSET);
    expect(new Date(iso).getTime()).toBe(moment.getTime());
  });
});

describe('expiresIn', () => {
  const now = new Date('2026-12-03T11:00:00Z');
  const after = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

  it('says how long a pending request has left, rounded up to the minute', () => {
    expect(expiresIn(after(600), now)).toBe('expires in 10 min');
    expect(expiresIn(after(7 * 60 + 1), now)).toBe('expires in 8 min');
    expect(expiresIn(after(45), now)).toBe('expires in less than a minute');
    expect(expiresIn(after(2 * 3600), now)).toBe('expires in 2 h');
    expect(expiresIn(after(90 * 60), now)).toBe('expires in 1 h 30 min');
  });

  it('says so once the time is up', () => {
    expect(expiresIn(after(0), now)).toBe('expired');
    expect(expiresIn(after(-5), now)).toBe('expired');
    expect(expiresIn('not a date', now)).toBe('expiry unknown');
  });
});
