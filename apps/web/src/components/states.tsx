import type { ReactNode } from 'react';
import { explainFailure, isRetryable, toFailure } from '../api/errors.ts';
import { useOrgNames } from '../session/org.tsx';

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
 * A failed call in words: the explanation for its reason code, the code itself (what a support
 * request should quote), and whatever actions the caller offers (Retry, Connect…).
 */
export function ErrorNotice({
  error,
  title,
  onRetry,
  children,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const orgName = useOrgNames();
  const failure = toFailure(error);
  const explained = explainFailure(failure, { orgName });
  const retry = onRetry && isRetryable(failure) ? onRetry : undefined;
  return (
    <div className="notice error" role="alert" data-reason={failure.reason ?? 'NETWORK'}>
      <p className="notice-title">{title ?? explained.title}</p>
      <p>{explained.message}</p>
      {failure.reason ? (
        <p className="muted small">
          Reason: <code>{failure.reason}</code>
          {failure.message && failure.message !== explained.message ? ` — ${failure.message}` : ''}
        </p>
      ) : null}
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
