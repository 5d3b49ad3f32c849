import { publicScope } from '../scope-columns.js';
import type { ExportFormat } from './audit.schema.js';
import type { ExportedAttempt } from './audit-export.repo.js';

/** How each format travels over HTTP. */
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
};

/** The CSV's columns, in order; a JSONL line has the same fields, the scope as an object. */
export const CSV_COLUMNS = [
  'id',
  'executionId',
  'startedAt',
  'actorUserId',
  'actorName',
  'scopeKind',
  'scopeId',
  'toolkit',
  'tool',
  'connectedAccountId',
  'decision',
  'denyReason',
  'outcome',
  'errorCode',
  'durationMs',
  'channel',
  'approvalId',
] as const;

type CsvColumn = (typeof CSV_COLUMNS)[number];

/** One attempt as an export shows it: the fields of an `audit.list` item, without names of accounts. */
export function exportedView(row: ExportedAttempt) {
  return {
    id: row.id,
    executionId: row.executionId,
    startedAt: row.startedAt.toISOString(),
    actorUserId: row.actorUserId,
    actorName: row.actorName,
    scope: publicScope(row.scope),
    toolkit: row.toolkit,
    tool: row.tool,
    connectedAccountId: row.connectedAccountId,
    decision: row.decision,
    denyReason: row.denyReason,
    outcome: row.outcome,
    errorCode: row.errorCode,
    durationMs: row.durationMs,
    channel: row.channel,
    approvalId: row.approvalId,
  };
}

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a
// leading apostrophe makes it text. Only text cells are guarded: numbers stay numbers.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break; empty for null. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) || text !== value ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(cells: ReadonlyArray<string | number | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csvHeader(): string {
  return csvLine(CSV_COLUMNS);
}

function csvRow(row: ExportedAttempt): string {
  const { scope, ...fields } = exportedView(row);
  const cells: Record<CsvColumn, string | number | null> = {
    ...fields,
    scopeKind: scope.kind,
    scopeId: scope.id,
  };
  return csvLine(CSV_COLUMNS.map((column) => cells[column]));
}

/** Rows as lines of the format, each ending in a line break (CSV without its header). */
export function renderRows(format: ExportFormat, rows: readonly ExportedAttempt[]): string {
  let text = '';
  for (const row of rows) {
    text += format === 'csv' ? csvRow(row) : `${JSON.stringify(exportedView(row))}\n`;
  }
  return text;
}
