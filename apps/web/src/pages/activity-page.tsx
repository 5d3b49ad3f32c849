import { roleAtLeast } from '@switchboard/identity';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { reasonSummary } from '../api/errors.ts';
import { useTRPC, useTRPCClient } from '../api/trpc.ts';
import type { AuditOutcome } from '../api/types.ts';
import { Cell } from '../components/cell.tsx';
import { Empty, ErrorNotice, Loading } from '../components/states.tsx';
import { formatDate, scopeLabel, toolkitLabel } from '../lib/format.ts';
import { navigate, useLocation, withParams } from '../lib/router.tsx';
import { useOrg } from '../session/org.tsx';

const OUTCOMES: Array<{ value: AuditOutcome; label: string }> = [
  { value: 'success', label: 'Succeeded' },
  { value: 'tool_error', label: 'Tool reported an error' },
  { value: 'error', label: 'Failed' },
  { value: 'denied', label: 'Denied' },
];
const PAGE_SIZE = 25;

const outcomeLabel = (outcome: AuditOutcome) =>
  OUTCOMES.find((o) => o.value === outcome)?.label ?? outcome;

/** The audit log, newest first, a page at a time: an org's (admins) or your own runs. */
export function ActivityPage() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const location = useLocation();
  const { org, orgName } = useOrg();
  const ids = { view: useId(), toolkit: useId(), outcome: useId() };
  const canReadOrg = org ? roleAtLeast(org.role, 'admin') : false;
  const view = canReadOrg && location.params.get('view') !== 'mine' ? 'org' : 'mine';
  const toolkit = location.params.get('toolkit') ?? '';
  const outcome = (location.params.get('outcome') ?? '') as AuditOutcome | '';
  const toolkits = useQuery(trpc.toolkits.list.queryOptions());

  const filter = {
    ...(view === 'org' && org ? { orgId: org.id } : {}),
    ...(toolkit ? { toolkit } : {}),
    ...(outcome ? { outcome } : {}),
    limit: PAGE_SIZE,
  };
  // Paged by hand rather than with `infiniteQueryOptions`: that helper adds a `direction` key to
  // the input, which audit.list's strict input schema refuses. The key is still tRPC's, so
  // invalidating `trpc.audit` reaches it.
  const log = useInfiniteQuery({
    queryKey: [...trpc.audit.list.queryKey(filter), 'pages'],
    queryFn: ({ pageParam }) =>
      client.audit.list.query(pageParam ? { ...filter, cursor: pageParam } : filter),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const set = (changes: Record<string, string | null>) =>
    navigate(withParams(location, changes), { replace: true });
  const items = log.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <h1>Activity</h1>
      <p className="lead">
        Every tool run is recorded: who ran it, with which account, and what happened. Arguments and
        results are not stored.
      </p>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.view}>Runs</label>
          <select
            id={ids.view}
            value={view}
            onChange={(event) => set({ view: event.target.value === 'mine' ? 'mine' : null })}
          >
            <option value="mine">Yours</option>
            {canReadOrg && org ? <option value="org">Everyone in {org.name}</option> : null}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.toolkit}>Toolkit</label>
          <select
            id={ids.toolkit}
            value={toolkit}
            onChange={(e) => set({ toolkit: e.target.value || null })}
          >
            <option value="">All toolkits</option>
            {(toolkits.data ?? []).map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name || toolkitLabel(t.slug)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.outcome}>Outcome</label>
          <select
            id={ids.outcome}
            value={outcome}
            onChange={(e) => set({ outcome: e.target.value || null })}
          >
            <option value="">All outcomes</option>
            {OUTCOMES.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {org && !canReadOrg ? (
        <p className="muted small">
          Only owners and admins see everyone’s runs in {org.name}; these are yours.
        </p>
      ) : null}

      {log.isPending ? <Loading label="Loading activity…" /> : null}
      {log.isError ? <ErrorNotice error={log.error} onRetry={() => void log.refetch()} /> : null}
      {log.isSuccess && items.length === 0 ? <Empty>No runs recorded yet.</Empty> : null}
      {items.length > 0 ? (
        <table className="table responsive activity">
          <caption className="visually-hidden">Tool runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Tool</th>
              <th scope="col">Who</th>
              <th scope="col">Scope</th>
              <th scope="col">Account</th>
              <th scope="col">Outcome</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-outcome={item.outcome}>
                <Cell label="When">{formatDate(item.startedAt, { seconds: true })}</Cell>
                <Cell label="Tool">
                  <code>{item.tool}</code>{' '}
                  <span className="muted small">{toolkitLabel(item.toolkit)}</span>
                </Cell>
                <Cell label="Who">{item.actorUserId}</Cell>
                <Cell label="Scope">{scopeLabel(item.scope, orgName)}</Cell>
                <Cell label="Account">
                  {item.connectedAccountId ? <code>{item.connectedAccountId}</code> : '—'}
                </Cell>
                <Cell label="Outcome">
                  <span className={`badge outcome-${item.outcome}`}>
                    {outcomeLabel(item.outcome)}
                  </span>
                  {item.errorCode ? (
                    <span className="muted small" title={item.errorCode}>
                      {' '}
                      {reasonSummary(item.errorCode)}
                    </span>
                  ) : null}
                </Cell>
                <Cell label="Time">{Math.round(item.durationMs)} ms</Cell>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {log.hasNextPage ? (
        <button
          type="button"
          onClick={() => void log.fetchNextPage()}
          disabled={log.isFetchingNextPage}
        >
          {log.isFetchingNextPage ? 'Loading…' : 'Load older runs'}
        </button>
      ) : null}
    </>
  );
}
