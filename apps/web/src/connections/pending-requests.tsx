import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { useTRPC } from '../api/trpc.ts';
import type { PendingRequest } from '../api/types.ts';
import { ErrorNotice } from '../components/states.tsx';
import { expiresIn } from '../lib/dates.ts';
import { formatDate, toolkitLabel } from '../lib/format.ts';
import { useOrg } from '../session/org.tsx';
import { useInvalidateConnections } from './use-connect.ts';

/** The time now, again every `everyMs`: enough for "expires in 8 min". */
function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** "Connecting Gmail (Work)", "Reconnecting Slack (HQ) for Acme". */
function requestTitle(request: PendingRequest, orgName: (id: string) => string | undefined) {
  const what = `${request.reconnectOf ? 'Reconnecting' : 'Connecting'} ${toolkitLabel(request.toolkit)}`;
  const label = request.label ? ` (${request.label})` : '';
  const scope =
    request.scope.kind === 'org' ? ` for ${orgName(request.scope.id) ?? request.scope.id}` : '';
  return `${what}${label}${scope}`;
}

function PendingCard({ request, now }: { request: PendingRequest; now: Date }) {
  const trpc = useTRPC();
  const { orgName } = useOrg();
  const invalidate = useInvalidateConnections();
  const headingId = useId();
  const cancel = useMutation(
    trpc.connections.cancel.mutationOptions({
      onSuccess: () => invalidate(),
      // Settled meanwhile (completed in another tab, or expired): the list is stale either way.
      onError: () => invalidate(),
    }),
  );
  const title = requestTitle(request, orgName);
  const redirectUrl = request.redirectUrl;

  return (
    <li className="account" aria-labelledby={headingId} data-request-id={request.requestId}>
      <div className="account-head">
        <h4 id={headingId}>{title}</h4>
      </div>
      <p className="small">
        Waiting for consent — {expiresIn(request.expiresAt, now)}.{' '}
        <span className="muted">Started {formatDate(request.createdAt)}.</span>
      </p>
      <div className="actions">
        {redirectUrl ? (
          <button
            type="button"
            className="primary"
            aria-label={`Resume: ${title}`}
            disabled={cancel.isPending}
            onClick={() => window.location.assign(redirectUrl)}
          >
            Resume
          </button>
        ) : (
          <span className="muted small">The provider gave no consent page to go back to.</span>
        )}
        <button
          type="button"
          aria-label={`Cancel: ${title}`}
          disabled={cancel.isPending}
          onClick={() => cancel.mutate({ requestId: request.requestId })}
        >
          {cancel.isPending ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      {cancel.isError ? <ErrorNotice error={cancel.error} /> : null}
    </li>
  );
}

/**
 * The caller's own connection requests still waiting for consent — one whose consent tab was
 * closed too — to resume (back to the consent page; the return is the usual flow) or cancel.
 * The request the page is just now coming back from is shown by `ConnectReturn` instead.
 */
export function PendingRequests({ returningFrom }: { returningFrom: string | null }) {
  const trpc = useTRPC();
  const pending = useQuery(trpc.connections.pending.queryOptions());
  const now = useNow(15_000);
  // One that ran out meanwhile leaves the list at once; the API settles it as expired.
  const requests = (pending.data ?? []).filter(
    (r) => r.requestId !== returningFrom && new Date(r.expiresAt).getTime() > now.getTime(),
  );

  if (pending.isError) {
    return <ErrorNotice error={pending.error} onRetry={() => void pending.refetch()} />;
  }
  if (requests.length === 0) return null;
  return (
    <section aria-labelledby="pending-requests" className="panel pending">
      <h2 id="pending-requests">Pending connections</h2>
      <p className="muted">
        Connections you started and did not finish. Resume one to go back to the consent page, or
        cancel it.
      </p>
      <ul className="accounts">
        {requests.map((request) => (
          <PendingCard key={request.requestId} request={request} now={now} />
        ))}
      </ul>
    </section>
  );
}
