import { describe, expect, it } from 'vitest';
import { exportFileName, exportQuery } from './export-query.ts';

describe('the export download', () => {
  const now = new Date('2026-12-03T10:00:00Z');

  it('asks for the filters shown, with an open range closed at the epoch and a minute from now', () => {
    expect(Object.fromEntries(exportQuery({}, 'csv', now))).toStrictEqual({
      format: 'csv',
      from: '1970-01-01T00:00:00.000Z',
      to: '2026-12-03T10:01:00.000Z',
    });
    const filtered = exportQuery(
      {
        orgId: 'acme',
        actor: 'bob',
        toolkit: 'slack',
        outcome: 'denied',
        from: '2026-12-01T00:00:00+01:00',
        to: '2026-12-02T00:00:00+01:00',
      },
      'jsonl',
      now,
    );
    expect(Object.fromEntries(filtered)).toStrictEqual({
      format: 'jsonl',
      from: '2026-12-01T00:00:00+01:00',
      to: '2026-12-02T00:00:00+01:00',
      orgId: 'acme',
      toolkit: 'slack',
      outcome: 'denied',
      actor: 'bob',
    });
    // The offset's plus sign survives the query string.
    expect(filtered.toString()).toContain('from=2026-12-01T00%3A00%3A00%2B01%3A00');
  });

  it('names the file as the API does, or plainly when it did not say', () => {
    expect(exportFileName('attachment; filename="switchboard-audit-acme.csv"', 'csv')).toBe(
      'switchboard-audit-acme.csv',
    );
    expect(exportFileName(null, 'jsonl')).toBe('switchboard-audit.jsonl');
  });
});
