import { skipToken, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { explainFailure } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import type { Reason } from '../api/types.ts';
import { ErrorNotice, Loading, Notice } from '../components/states.tsx';
import { accountName, toolkitLabel } from '../lib/format.ts';
import { navigate, useLocation, withParams } from '../lib/router.tsx';
import { statusReasonSentence } from '../lib/status.ts';
import { useInvalidateConnections } from './use-connect.ts';

/** Why the API's callback could not settle a request (the `error` query parameter). */
const CALLBACK_ERRORS: Record<string, string> = {
  INVALID_CALLBACK: 'The provider sent the browser back with an unusable address.',
  UNKNOWN_REQUEST: 'This connection request is unknown; start the connection again.',
  ACCOUNT_MISMATCH: 'The provider reported a different account than the one requested.',
};

function callbackErrorText(code: string): string {
  const known = CALLBACK_ERRORS[code];
  if (known) return known;
  return explainFailure({
    reason: code as Reason,
    message: '',
    httpStatus: 0,
    details: {},
    issues: [],
    requestId: null,
  }).message;
}

/**
 * The end of the redirect flow: the API's callback returns the browser here with `request_id`
 * and `status`. The request is read back (and polled while Composio still says INITIATED), the
 * account lists are refreshed, and the outcome is shown.
 */
export function ConnectReturn() {
  const trpc = useTRPC();
  const location = useLocation();
  const invalidate = useInvalidateConnections();
  const requestId = location.params.get('request_id');
  const callbackError = location.params.get('error');

  const request = useQuery(
    trpc.connections.request.queryOptions(requestId ? { requestId } : skipToken, {
      refetchInterval: (query) => (query.state.data?.status === 'INITIATED' ? 1_000 : false),
      staleTime: 0,
    }),
  );
  const accountId = request.data?.connectedAccountId;
  const account = useQuery(
    trpc.connections.get.queryOptions(accountId ? { id: accountId } : skipToken),
  );

  const settled = request.data && request.data.status !== 'INITIATED';
  const invalidated = useRef(false);
  useEffect(() => {
    if (settled && !invalidated.current) {
      invalidated.current = true;
      void invalidate();
    }
  }, [settled, invalidate]);

  if (!requestId && !callbackError) return null;

  const dismiss = () =>
    navigate(withParams(location, { request_id: null, status: null, error: null }), {
      replace: true,
    });
  const dismissButton = (
    <button type="button" className="link-button" onClick={dismiss}>
      Dismiss
    </button>
  );

  if (!requestId) {
    return (
      <div className="notice error connect-return" role="alert">
        <p className="notice-title">The connection was not completed</p>
        <p>{callbackErrorText(callbackError ?? '')}</p>
        <div className="actions">{dismissButton}</div>
      </div>
    );
  }
  if (request.isPending) return <Loading label="Checking the new connection…" />;
  if (request.isError) {
    return (
      <ErrorNotice error={request.error} title="Could not read the connection request">
        {dismissButton}
      </ErrorNotice>
    );
  }

  const { status, toolkit, statusReason } = request.data;
  if (status === 'INITIATED') {
    return <Loading label={`Waiting for ${toolkitLabel(toolkit)} to confirm the connection…`} />;
  }
  if (status === 'ACTIVE') {
    const name = account.data ? accountName(account.data) : null;
    return (
      <div className="connect-return">
        <Notice tone="success" title={`${toolkitLabel(toolkit)} connected`}>
          <p>
            {name ? (
              <>
                The account <strong>{name}</strong> is ready to use.
              </>
            ) : (
              'The account is ready to use.'
            )}
            {callbackError ? ` (${callbackErrorText(callbackError)})` : ''}
          </p>
          <div className="actions">{dismissButton}</div>
        </Notice>
      </div>
    );
  }
  const why = statusReason
    ? statusReasonSentence(statusReason)
    : callbackError
      ? callbackErrorText(callbackError)
      : null;
  return (
    <div className="notice error connect-return" role="alert">
      <p className="notice-title">
        {status === 'EXPIRED'
          ? `The ${toolkitLabel(toolkit)} connection request expired`
          : `${toolkitLabel(toolkit)} was not connected`}
      </p>
      <p>
        {status === 'EXPIRED'
          ? 'The consent link was not used in time. Start the connection again.'
          : 'The provider did not grant access (the consent was denied or failed).'}
        {why ? ` ${why}` : ''}
      </p>
      <div className="actions">{dismissButton}</div>
    </div>
  );
}
