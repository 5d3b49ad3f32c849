import { useId, useState } from 'react';
import { ErrorNotice } from '../components/states.tsx';
import { type ExportFormat, exportFileName, exportQuery } from '../lib/export-query.ts';
import { useSession } from '../session/session.tsx';
import type { RunsFilter } from './runs-table.tsx';

/** Where the API serves downloads, on the page's own origin as `/trpc` is. */
export const EXPORT_PATH = '/audit/export';

const FORMATS = [
  { value: 'csv', label: 'CSV (spreadsheets)' },
  { value: 'jsonl', label: 'JSON Lines' },
] as const satisfies ReadonlyArray<{ value: ExportFormat; label: string }>;

/** A failed download as the console's error notice reads failures (the API's reason). */
async function failureOf(response: Response): Promise<Error> {
  const body = (await response.json().catch(() => null)) as {
    error?: { reason?: string; message?: string; details?: Record<string, unknown> };
  } | null;
  const error = new Error(body?.error?.message ?? `HTTP ${response.status}`);
  return Object.assign(error, {
    data: {
      reason: body?.error?.reason,
      httpStatus: response.status,
      details: body?.error?.details ?? {},
    },
  });
}

/**
 * Downloads the runs the filters show, as CSV or JSON Lines, from the API's streamed
 * `GET /audit/export` with the session's token (a link cannot carry the Authorization header,
 * so the file is fetched and then handed to the browser to save).
 */
export function ExportLog({
  filter,
  disabled = false,
}: {
  filter: RunsFilter;
  /** The filters cannot be exported as they stand (a range that ends before it starts). */
  disabled?: boolean;
}) {
  const { token } = useSession();
  const formatId = useId();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const download = async () => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const response = await fetch(`${EXPORT_PATH}?${exportQuery(filter, format, new Date())}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      if (!response.ok) throw await failureOf(response);
      const name = exportFileName(response.headers.get('content-disposition'), format);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      // The browser has taken the file by the next turn; the object URL only holds memory.
      setTimeout(() => URL.revokeObjectURL(url), 0);
      setSaved(name);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="export-log" aria-label="Export">
      <div className="field export-format">
        <label htmlFor={formatId}>Export as</label>
        <select
          id={formatId}
          value={format}
          onChange={(event) => setFormat(event.target.value as ExportFormat)}
        >
          {FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        onClick={() => void download()}
        disabled={busy || disabled}
        aria-busy={busy}
      >
        {busy ? 'Exporting…' : 'Export'}
      </button>
      <p className="muted small export-note" role="status">
        {saved
          ? `Saved ${saved}.`
          : 'Every run the filters above select, oldest first, in one file.'}
      </p>
      {error ? <ErrorNotice error={error} title="Could not export the log" /> : null}
    </section>
  );
}
