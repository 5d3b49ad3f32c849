/** What the Activity page's filters hold, as the audit procedures take them. */
export interface ExportFilter {
  orgId?: string;
  toolkit?: string;
  outcome?: string;
  actor?: string;
  from?: string;
  to?: string;
}

export type ExportFormat = 'csv' | 'jsonl';

/**
 * The query of `GET /audit/export` for the filters shown: the API needs both ends of the range,
 * so an open start is the epoch and an open end a minute from now (a run that started a moment
 * ago is in the file).
 */
export function exportQuery(
  filter: ExportFilter,
  format: ExportFormat,
  now: Date,
): URLSearchParams {
  const query = new URLSearchParams({
    format,
    from: filter.from ?? new Date(0).toISOString(),
    to: filter.to ?? new Date(now.getTime() + 60_000).toISOString(),
  });
  for (const key of ['orgId', 'toolkit', 'outcome', 'actor'] as const) {
    const value = filter[key];
    if (value) query.set(key, value);
  }
  return query;
}

/** The file name the API gave in `Content-Disposition`, or a plain one. */
export function exportFileName(disposition: string | null, format: ExportFormat): string {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? `switchboard-audit.${format}`;
}
