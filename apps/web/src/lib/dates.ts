/** `YYYY-MM-DD`, as an `<input type="date">` holds it. */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A moment as ISO 8601 with the browser's own offset (`2026-12-03T00:00:00+01:00`), so a day the
 * person picks means their day, not UTC's.
 */
export function isoWithOffset(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

function localMidnight(day: string, plusDays: number): Date | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const midnight = new Date(year, month - 1, date + plusDays);
  // `new Date` rolls 2026-02-31 over to March; such a day was never on the calendar.
  const check = new Date(year, month - 1, date);
  if (check.getMonth() !== month - 1 || check.getDate() !== date) return null;
  return midnight;
}

/** The start of a picked day, local time: where a "from" filter begins. Null if not a day. */
export function dayStart(day: string): string | null {
  const midnight = localMidnight(day, 0);
  return midnight ? isoWithOffset(midnight) : null;
}

/**
 * The start of the day after a picked day: a "to" filter that includes the whole day, for an
 * API whose `to` is exclusive. Null if not a day.
 */
export function dayEnd(day: string): string | null {
  const midnight = localMidnight(day, 1);
  return midnight ? isoWithOffset(midnight) : null;
}

/** "expires in 8 min", for a pending request; "expired" once the time is up. */
export function expiresIn(expiresAt: string, now: Date): string {
  const ms = new Date(expiresAt).getTime() - now.getTime();
  if (Number.isNaN(ms)) return 'expiry unknown';
  if (ms <= 0) return 'expired';
  if (ms < 60_000) return 'expires in less than a minute';
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `expires in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `expires in ${hours} h` : `expires in ${hours} h ${rest} min`;
}
