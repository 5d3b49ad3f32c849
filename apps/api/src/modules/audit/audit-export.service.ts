import type { Acting } from '../../access/acting.js';
import type { AppDeps } from '../../platform/deps.js';
import type { AuditExportInput, AuditExportQuery, ExportFormat } from './audit.schema.js';
import { logOf } from './audit.service.js';
import { type ExportedAttempt, type ExportPageQuery, exportPage } from './audit-export.repo.js';
import { csvHeader, EXPORT_CONTENT_TYPES, renderRows } from './export-format.js';

/** Rows read per statement by a download: enough to keep round trips few, little to hold. */
export const DOWNLOAD_PAGE_ROWS = 1_000;

function pageQuery(acting: Acting, query: AuditExportQuery): Omit<ExportPageQuery, 'limit'> {
  return {
    filter: logOf(acting),
    from: new Date(query.from),
    to: new Date(query.to),
    toolkit: query.toolkit,
    outcome: query.outcome,
    actor: query.actor,
  };
}

function cursorOf(row: ExportedAttempt): string {
  return `${row.startedAtKey}/${row.id}`;
}

function afterCursor(cursor: string): { startedAtKey: string; id: string } {
  const slash = cursor.indexOf('/');
  return { startedAtKey: cursor.slice(0, slash), id: cursor.slice(slash + 1) };
}

/** A download's file name: whose log, and the days it spans. */
export function exportFileName(acting: Acting, query: AuditExportQuery): string {
  const whose = acting.org ? acting.org.orgId.replace(/[^A-Za-z0-9._-]/g, '_') : 'personal';
  const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);
  return `switchboard-audit-${whose}-${day(query.from)}-to-${day(query.to)}.${query.format}`;
}

export function exportContentType(format: ExportFormat): string {
  return EXPORT_CONTENT_TYPES[format];
}

/**
 * One chunk of an export (`audit.export`), oldest first: the log `audit.list` would show in this
 * context, within [from, to). The caller asks again with `nextCursor` until it is null; each
 * chunk is one statement, so no chunk costs more than `limit` rows, however large the range.
 */
export async function exportChunk(deps: AppDeps, acting: Acting, input: AuditExportInput) {
  const rows = await exportPage(deps.db, {
    ...pageQuery(acting, input),
    after: input.cursor ? afterCursor(input.cursor) : undefined,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  const header = input.format === 'csv' && !input.cursor ? csvHeader() : '';
  return {
    format: input.format,
    contentType: exportContentType(input.format),
    chunk: header + renderRows(input.format, page),
    rows: page.length,
    nextCursor: rows.length > input.limit && last ? cursorOf(last) : null,
  };
}

/**
 * A whole export as text, a page of rows at a time (`GET /audit/export`). Pulled by its reader:
 * the next page is read only when the previous one was taken, so a slow client holds one page
 * in memory, not the file. Ends when the range is done, or early when the reader stops.
 */
export async function* exportText(
  deps: AppDeps,
  acting: Acting,
  query: AuditExportQuery,
  pageRows = DOWNLOAD_PAGE_ROWS,
): AsyncGenerator<string> {
  const base = pageQuery(acting, query);
  // The header goes with the first page, so the first value is known only once the database
  // answered: a download can still fail cleanly before anything is sent.
  let header = query.format === 'csv' ? csvHeader() : '';
  let after: { startedAtKey: string; id: string } | undefined;
  for (;;) {
    const rows = await exportPage(deps.db, { ...base, after, limit: pageRows });
    if (header || rows.length > 0) yield header + renderRows(query.format, rows);
    header = '';
    const last = rows.at(-1);
    if (rows.length < pageRows || !last) return;
    after = { startedAtKey: last.startedAtKey, id: last.id };
  }
}
