import { reasonSummary } from '../api/errors.ts';
import { useTRPC, useTRPCClient } from '../api/trpc.ts';
import type { AuditEntry, AuditOutcome } from '../api/types.ts';
import { Cell } from '../components/cell.tsx';
import { Empty, ErrorNotice, Loading } from '../components/states.tsx';
import { channelLabel } from '../lib/audit-words.ts';
import { accountName, formatDate, scopeLabel, toolkitLabel } from '../lib/format.ts';
import { useOrg } from '../session/org.tsx';
import { outcomeLabel } from './outcomes.ts';
import { usePagedLog } from './paged.ts';

const PAGE_SIZE = 25;

export interface RunsFilter {
  orgId?: string;
  toolkit?: string;
  outcome?: AuditOutcome;
  actor?: string;
  from?: string;
  to?: string;
}

/** The account a run used, by the name people gave it; an id once it left the map. */
function AccountCell({ entry }: { entry: AuditEntry }) {
  if (!entry.connectedAccountId) return <span className="muted">—</span>;
  if (!entry.account) {
    return (
      <>
        <code>{entry.connectedAccountId}</code>{' '}
        <span className="muted small">no longer connected</span>
      </>
    );
  }
  return <>{accountName({ id: entry.connectedAccountId, ...entry.account })}</>;
}

/** Tool runs, newest first, a page at a time; a row opens the run in full. */
export function RunsTable({
  filter,
  filtered,
  onOpen,
}: {
  filter: RunsFilter;
  /** Whether any filter narrows the log, for what to say when it is empty. */
  filtered: boolean;
  onOpen: (entry: AuditEntry) => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const { orgName } = useOrg();
  const input = { ...filter, limit: PAGE_SIZE };
  const log = usePagedLog(trpc.audit.list.queryKey(input), (cursor) =>
    client.audit.list.query(cursor ? { ...input, cursor } : input),
  );
  const items = log.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="runs" aria-busy={log.isFetching}>
      {log.isPending ? <Loading label="Loading activity…" /> : null}
      {log.isError ? <ErrorNotice error={log.error} onRetry={() => void log.refetch()} /> : null}
      {log.isSuccess && items.length === 0 ? (
        <Empty>{filtered ? 'No runs match these filters.' : 'No runs recorded yet.'}</Empty>
      ) : null}
      {items.length > 0 ? (
        <table className="table responsive activity">
          <caption className="visually-hidden">
            Tool runs, newest first; open a run for its details
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Tool</th>
              <th scope="col">Who</th>
              <th scope="col">Scope</th>
              <th scope="col">Account</th>
              <th scope="col">Via</th>
              <th scope="col">Outcome</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              // The row is a large target for the pointer; the tool's button is the keyboard's.
              <tr
                key={item.id}
                data-outcome={item.outcome}
                data-channel={item.channel}
                className="openable"
                onClick={() => onOpen(item)}
              >
                <Cell label="When">{formatDate(item.startedAt, { seconds: true })}</Cell>
                <Cell label="Tool">
                  <button
                    type="button"
                    className="link-button run-open"
                    aria-haspopup="dialog"
                    aria-label={`Details of ${item.tool} at ${formatDate(item.startedAt, { seconds: true })}`}
                    onClick={(event) => {
                      event.stopPropagation();
                      onOpen(item);
                    }}
                  >
                    <code>{item.tool}</code>
                  </button>{' '}
                  <span className="muted small">{toolkitLabel(item.toolkit)}</span>
                </Cell>
                <Cell label="Who">
                  {item.actorName ?? item.actorUserId}
                  {item.actorName ? (
                    <>
                      {' '}
                      <span className="muted small">{item.actorUserId}</span>
                    </>
                  ) : null}
                </Cell>
                <Cell label="Scope">{scopeLabel(item.scope, orgName)}</Cell>
                <Cell label="Account">
                  <AccountCell entry={item} />
                </Cell>
                <Cell label="Via">{channelLabel(item.channel)}</Cell>
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
    </div>
  );
}
