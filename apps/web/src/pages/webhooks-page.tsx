import { roleAtLeast } from '@switchboard/identity';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTRPC } from '../api/trpc.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { Empty, ErrorNotice, Loading, Notice } from '../components/states.tsx';
import { formatDate } from '../lib/format.ts';
import { useOrg } from '../session/org.tsx';

/** The event types, in the words the page shows them with (the API's list, typed). */
const EVENT_TYPES = {
  'connection.requested': 'A connection was started',
  'connection.activated': 'An account was connected',
  'connection.failed': 'A connection did not complete',
  'connection.expired': 'An account expired or was revoked',
  'connection.reconnected': 'An account was reconnected',
  'connection.disabled': 'An account was disabled',
  'connection.enabled': 'An account was enabled',
  'connection.deleted': 'An account was deleted',
  'connection.default_changed': 'The default account changed',
  'member.added': 'A member joined',
  'member.role_changed': "A member's role changed",
  'member.removed': 'A member left',
  'policy.changed': 'A toolkit policy changed',
  'approval.requested': 'A tool run waits for an approver',
  'approval.decided': 'An approver approved or denied a tool run',
  'execution.denied': 'A tool run was refused (can be many)',
} as const;
type EventType = keyof typeof EVENT_TYPES;
const ALL_TYPES = Object.keys(EVENT_TYPES) as EventType[];
const DEFAULT_TYPES = ALL_TYPES.filter((type) => type !== 'execution.denied');

const DISABLED_REASONS: Record<string, string> = {
  FAILING: 'Turned off after a day of failed deliveries. Fix the receiver, then enable it again.',
  BY_USER: 'Turned off by hand.',
};

/** A secret shown once: the one moment to copy it. */
function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <Notice tone="warning" title="Copy the signing secret now">
      <p>
        It is shown this once. Receivers verify each delivery with it (any Standard Webhooks
        library).
      </p>
      <p>
        <code className="secret" data-testid="webhook-secret">
          {secret}
        </code>{' '}
        <CopyButton text={secret} accessibleLabel="Copy the signing secret" />
      </p>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </Notice>
  );
}

function CreateEndpoint({
  orgId,
  onSecret,
}: {
  orgId: string | undefined;
  onSecret: (secret: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<EventType[]>(DEFAULT_TYPES);
  const ids = { url: useId(), description: useId(), heading: useId() };
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: async (created) => {
        onSecret(created.secret);
        setUrl('');
        setDescription('');
        await queryClient.invalidateQueries(trpc.webhooks.list.queryFilter());
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      ...(orgId ? { orgId } : {}),
      url: url.trim(),
      events: types,
      ...(description.trim() ? { description: description.trim() } : {}),
    });
  };
  const toggle = (type: EventType, on: boolean) =>
    setTypes((current) => (on ? [...current, type] : current.filter((t) => t !== type)));
  return (
    <form className="card" onSubmit={submit} aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>Add an endpoint</h2>
      <div className="field">
        <label htmlFor={ids.url}>URL</label>
        <input
          id={ids.url}
          type="url"
          required
          placeholder="https://example.com/webhooks/switchboard"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.description}>Description</label>
        <input
          id={ids.description}
          maxLength={200}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <fieldset className="checklist">
        <legend>Events</legend>
        {ALL_TYPES.map((type) => (
          <label key={type} className="check">
            <input
              type="checkbox"
              checked={types.includes(type)}
              onChange={(e) => toggle(type, e.target.checked)}
            />{' '}
            {EVENT_TYPES[type]} <code className="muted small">{type}</code>
          </label>
        ))}
      </fieldset>
      <div className="field submit">
        <button
          type="submit"
          className="primary"
          disabled={create.isPending || !url.trim() || types.length === 0}
        >
          Add endpoint
        </button>
      </div>
      {create.isError ? <ErrorNotice error={create.error} /> : null}
    </form>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deliveries = useQuery(trpc.webhooks.deliveries.queryOptions({ endpointId }));
  const redeliver = useMutation(
    trpc.webhooks.redeliver.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.webhooks.deliveries.queryFilter()),
    }),
  );
  if (deliveries.isPending) return <Loading label="Loading deliveries…" />;
  if (deliveries.isError) return <ErrorNotice error={deliveries.error} />;
  if (deliveries.data.items.length === 0) return <Empty>Nothing delivered yet.</Empty>;
  return (
    <table className="table deliveries">
      <caption className="visually-hidden">Deliveries, newest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last answer</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {deliveries.data.items.map((delivery) => {
          const last = delivery.attemptLog.at(-1);
          return (
            <tr key={delivery.id} data-status={delivery.status}>
              <td>{formatDate(delivery.createdAt, { seconds: true })}</td>
              <td>
                <code>{delivery.eventType}</code>
              </td>
              <td>
                <span className={`badge delivery-${delivery.status}`}>
                  {delivery.status === 'pending'
                    ? `Retrying${delivery.nextAttemptAt ? ` at ${formatDate(delivery.nextAttemptAt, { seconds: true })}` : ''}`
                    : delivery.status === 'delivered'
                      ? 'Delivered'
                      : 'Failed'}
                </span>
              </td>
              <td>{delivery.attempts}</td>
              <td>
                {last ? `${last.statusCode ?? last.error ?? '—'} in ${last.durationMs} ms` : '—'}
              </td>
              <td>
                <button
                  type="button"
                  onClick={() => redeliver.mutate({ deliveryId: delivery.id })}
                  disabled={redeliver.isPending}
                >
                  Redeliver
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

type Endpoint = {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  deliveries: { pending: number; delivered: number; failed: number };
};

function EndpointCard({
  endpoint,
  onSecret,
}: {
  endpoint: Endpoint;
  onSecret: (s: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const refresh = () => queryClient.invalidateQueries(trpc.webhooks.list.queryFilter());
  const update = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: refresh }));
  const rotate = useMutation(
    trpc.webhooks.rotateSecret.mutationOptions({
      onSuccess: async (rotated) => {
        onSecret(rotated.secret);
        await refresh();
      },
    }),
  );
  const failure = update.error ?? remove.error ?? rotate.error;
  return (
    <li className="card endpoint" aria-label={endpoint.description ?? endpoint.url}>
      <h3>
        <code>{endpoint.url}</code>{' '}
        <span className={`badge ${endpoint.enabled ? 'status-active' : 'status-inactive'}`}>
          {endpoint.enabled ? 'On' : 'Off'}
        </span>
      </h3>
      {endpoint.description ? <p>{endpoint.description}</p> : null}
      {!endpoint.enabled && endpoint.disabledReason ? (
        <Notice
          tone={endpoint.disabledReason === 'FAILING' ? 'warning' : 'info'}
          title="Not sending"
        >
          {DISABLED_REASONS[endpoint.disabledReason] ?? endpoint.disabledReason}
        </Notice>
      ) : null}
      <p className="muted small">
        {endpoint.events.length} event types · {endpoint.deliveries.delivered} delivered,{' '}
        {endpoint.deliveries.pending} waiting, {endpoint.deliveries.failed} failed · since{' '}
        {formatDate(endpoint.createdAt)}
        {endpoint.previousSecretExpiresAt
          ? ` · the previous secret signs until ${formatDate(endpoint.previousSecretExpiresAt)}`
          : ''}
      </p>
      <div className="actions">
        <button type="button" onClick={() => setOpen((v) => !v)} aria-expanded={open}>
          {open ? 'Hide deliveries' : 'Deliveries'}
        </button>
        <button
          type="button"
          onClick={() => update.mutate({ endpointId: endpoint.id, enabled: !endpoint.enabled })}
        >
          {endpoint.enabled ? 'Turn off' : 'Turn on'}
        </button>
        <button type="button" onClick={() => rotate.mutate({ endpointId: endpoint.id })}>
          Rotate secret
        </button>
        <ConfirmButton
          label="Delete"
          title="Delete this endpoint?"
          confirmLabel="Delete endpoint"
          onConfirm={() => remove.mutate({ endpointId: endpoint.id })}
        >
          Nothing more is sent to {endpoint.url}; its delivery log goes with it.
        </ConfirmButton>
      </div>
      {failure ? <ErrorNotice error={failure} /> : null}
      {open ? <Deliveries endpointId={endpoint.id} /> : null}
    </li>
  );
}

/** Webhooks of the context chosen at the top: the organization's (admins), or one's own. */
export function WebhooksPage() {
  const trpc = useTRPC();
  const { org } = useOrg();
  const [secret, setSecret] = useState<string | null>(null);
  const canManage = org ? roleAtLeast(org.role, 'admin') : true;
  const input = org ? { orgId: org.id } : {};
  const endpoints = useQuery({ ...trpc.webhooks.list.queryOptions(input), enabled: canManage });
  return (
    <>
      <h1>Webhooks</h1>
      <p className="lead">
        {org
          ? `Events of ${org.name} (accounts connected, expired or removed, members, policies) sent to your endpoints, signed.`
          : 'Events of your own accounts sent to your endpoints, signed.'}
      </p>
      {!canManage && org ? (
        <Notice tone="info" title="Admins manage webhooks">
          Only owners and admins of {org.name} add and manage its webhooks; you are {org.role}.
        </Notice>
      ) : null}
      {secret ? <SecretOnce secret={secret} onDone={() => setSecret(null)} /> : null}
      {canManage ? (
        <>
          {endpoints.isPending ? <Loading label="Loading endpoints…" /> : null}
          {endpoints.isError ? <ErrorNotice error={endpoints.error} /> : null}
          {endpoints.isSuccess && endpoints.data.length === 0 ? (
            <Empty>No endpoints yet.</Empty>
          ) : null}
          {endpoints.isSuccess && endpoints.data.length > 0 ? (
            <ul className="cards endpoints">
              {endpoints.data.map((endpoint) => (
                <EndpointCard key={endpoint.id} endpoint={endpoint} onSecret={setSecret} />
              ))}
            </ul>
          ) : null}
          <CreateEndpoint orgId={org?.id} onSecret={setSecret} />
        </>
      ) : null}
    </>
  );
}
