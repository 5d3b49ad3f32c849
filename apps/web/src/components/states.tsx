import type { ReactNode } from 'react';
import { type ExplainContext, explainFailure, isRetryable, toFailure } from '../api/errors.ts';
import { apiUrl } from '../api/trpc.ts';
import { useExplainContext } from '../session/org.tsx';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/**
 * A failed call in words: the explanation for its reason code and whatever actions the caller
 * offers (Retry, Connect, Act in…). A normal routing answer (WRONG_SCOPE) is shown as guidance,
 * not as an error. The code and request id, what a support request should quote, stay folded.
 */
export function ErrorNotice({
  error,
  title,
  toolkit,
  accounts,
  onRetry,
  children,
}: {
  error: unknown;
  title?: string;
  /** The toolkit the page is about, for failures that do not name one. */
  toolkit?: string;
  /** Accounts the page listed, to name one a failure gives only the id of. */
  accounts?: ExplainContext['accounts'];
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const ctx = useExplainContext();
  const failure = toFailure(error);
  const explained = explainFailure(failure, { ...ctx, toolkit, accounts, apiUrl: apiUrl() });
  const retry = onRetry && isRetryable(failure) ? onRetry : undefined;
  const toneClass = explained.tone === 'guidance' ? 'info' : explained.tone;
  return (
    <div
      className={`notice ${toneClass}`}
      role={explained.tone === 'guidance' ? 'status' : 'alert'}
      data-reason={failure.reason ?? 'NETWORK'}
      data-tone={explained.tone}
    >
      <p className="notice-title">{title ?? explained.title}</p>
      <p>{explained.message}</p>
      {children || retry ? (
        <div className="actions">
          {children}
          {retry ? (
            <button type="button" onClick={retry}>
              Try again
            </button>
          ) : null}
        </div>
      ) : null}
      {failure.reason ? (
        <details className="support muted small">
          <summary>Details for support</summary>
          <p>
            Code <code>{failure.reason}</code>
            {failure.requestId ? (
              <>
                {' '}
                · request <code>{failure.requestId}</code>
              </>
            ) : null}
          </p>
        </details>
      ) : null}
    </div>
  );
}

export function Notice({
  tone,
  title,
  children,
}: {
  tone: 'success' | 'info' | 'warning';
  title: string;
  children?: ReactNode;
}) {
  return (
    <div className={`notice ${tone}`} role="status">
      <p className="notice-title">{title}</p>
      {children}
    </div>
  );
}
