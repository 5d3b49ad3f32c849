import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTRPC } from '../api/trpc.ts';
import type { Connection } from '../api/types.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { ErrorNotice } from '../components/states.tsx';
import { formatDate, toolkitLabel } from '../lib/format.ts';
import { statusLabel, statusReasonSentence } from '../lib/status.ts';
import { useOrg } from '../session/org.tsx';
import { returnUrl, useInvalidateConnections, useReconnect } from './use-connect.ts';

export function StatusBadge({ status }: { status: Connection['status'] }) {
  return <span className={`badge status-${status.toLowerCase()}`}>{statusLabel(status)}</span>;
}

/**
 * One connected account (listed under its toolkit already, so the card does not repeat it; the
 * status shows once, in the badge, with its reason below when it is not active): what it is,
 * whose, and — when the caller may manage it — rename, make
 * default, reconnect, refresh, disable/enable and delete. Destructive actions ask first.
 */
export function AccountCard({
  account,
  canManage,
  returnTo,
}: {
  account: Connection;
  canManage: boolean;
  /** The page (with its query) the reconnect flow comes back to. */
  returnTo: string;
}) {
  const trpc = useTRPC();
  const { me } = useOrg();
  const invalidate = useInvalidateConnections();
  const [error, setError] = useState<unknown>(null);
  const [renaming, setRenaming] = useState(false);
  const [label, setLabel] = useState(account.label ?? '');
  const headingId = useId();
  const labelId = useId();

  const handlers = {
    onMutate: () => setError(null),
    onError: (e: unknown) => setError(e),
    onSuccess: () => invalidate(),
  };
  const update = useMutation(trpc.connections.update.mutationOptions(handlers));
  const refresh = useMutation(trpc.connections.refresh.mutationOptions(handlers));
  const enable = useMutation(trpc.connections.enable.mutationOptions(handlers));
  const disable = useMutation(trpc.connections.disable.mutationOptions(handlers));
  const remove = useMutation(trpc.connections.delete.mutationOptions(handlers));
  const reconnect = useReconnect();
  const busy = [update, refresh, enable, disable, remove, reconnect].some((m) => m.isPending);

  const name = account.label ?? 'Unnamed account';
  const active = account.status === 'ACTIVE';
  const who = account.connectedBy === me.user.id ? 'you' : (account.connectedBy ?? 'someone');

  const saveLabel = (event: FormEvent) => {
    event.preventDefault();
    const next = label.trim();
    update.mutate(
      { id: account.id, label: next === '' ? null : next },
      { onSuccess: () => setRenaming(false) },
    );
  };

  return (
    <li className="account" aria-labelledby={headingId} data-account-id={account.id}>
      <div className="account-head">
        <h4 id={headingId}>{name}</h4>
        {account.isDefault ? <span className="badge default">Default</span> : null}
        <StatusBadge status={account.status} />
      </div>
      {!active && account.statusReason ? (
        <p className="status-reason small">{statusReasonSentence(account.statusReason)}</p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>Signed in as</dt>
          <dd className="identity">{account.upstreamIdentity ?? 'unknown'}</dd>
        </div>
        <div>
          <dt>Connected</dt>
          <dd>
            by {who} on {formatDate(account.connectedAt)}
          </dd>
        </div>
        <div>
          <dt>Account id</dt>
          <dd>
            <code>{account.id}</code>
          </dd>
        </div>
      </dl>

      {renaming ? (
        <form className="inline-form" onSubmit={saveLabel}>
          <label htmlFor={labelId}>Label for this account</label>
          <input
            id={labelId}
            value={label}
            maxLength={100}
            onChange={(event) => setLabel(event.target.value)}
            placeholder="e.g. Work"
          />
          <button type="submit" className="primary" disabled={busy}>
            Save label
          </button>
          <button
            type="button"
            onClick={() => {
              setRenaming(false);
              setLabel(account.label ?? '');
            }}
          >
            Cancel
          </button>
        </form>
      ) : null}

      {canManage ? (
        <div className="actions">
          {!renaming ? (
            <button type="button" onClick={() => setRenaming(true)} disabled={busy}>
              Rename
            </button>
          ) : null}
          {active && !account.isDefault ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => update.mutate({ id: account.id, makeDefault: true })}
            >
              Make default
            </button>
          ) : null}
          {account.isDefault ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => update.mutate({ id: account.id, makeDefault: false })}
            >
              Clear default
            </button>
          ) : null}
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              reconnect.mutate(
                { id: account.id, callbackUrl: returnUrl(returnTo) },
                { onError: setError },
              )
            }
          >
            Reconnect
          </button>
          <button type="button" disabled={busy} onClick={() => refresh.mutate({ id: account.id })}>
            Refresh
          </button>
          {account.status === 'INACTIVE' ? (
            <button type="button" disabled={busy} onClick={() => enable.mutate({ id: account.id })}>
              Enable
            </button>
          ) : (
            <ConfirmButton
              label="Disable"
              className=""
              title={`Disable ${name}?`}
              confirmLabel="Disable account"
              disabled={busy || !active}
              onConfirm={() => disable.mutate({ id: account.id })}
            >
              <p>
                Tools will not run with this {toolkitLabel(account.toolkit)} account until it is
                enabled again.
                {account.isDefault
                  ? ' It is the default: runs will fail rather than switch to another account.'
                  : ''}
              </p>
            </ConfirmButton>
          )}
          <ConfirmButton
            label="Delete"
            title={`Delete ${name}?`}
            confirmLabel="Delete account"
            disabled={busy}
            onConfirm={() => remove.mutate({ id: account.id })}
          >
            <p>
              This removes the {toolkitLabel(account.toolkit)} account
              {account.upstreamIdentity ? ` ${account.upstreamIdentity}` : ''} from Switchboard and
              revokes it at Composio. Connecting it again starts a new consent.
            </p>
          </ConfirmButton>
        </div>
      ) : null}
      {busy ? (
        <p className="muted small" role="status">
          {reconnect.isPending ? 'Opening the consent page…' : 'Working…'}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </li>
  );
}
