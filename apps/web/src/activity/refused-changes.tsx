import { useQueries } from '@tanstack/react-query';
import { reasonSummary } from '../api/errors.ts';
import { useTRPC, useTRPCClient } from '../api/trpc.ts';
import type { AuditEvent, Connection, Member } from '../api/types.ts';
import { Cell } from '../components/cell.tsx';
import { Empty, ErrorNotice, Loading } from '../components/states.tsx';
import { capitalize, changeTarget, changeWords, channelLabel } from '../lib/audit-words.ts';
import { accountName, formatDate, scopeLabel, toolkitLabel } from '../lib/format.ts';
import { useOrg } from '../session/org.tsx';
import { usePagedLog } from './paged.ts';

const PAGE_SIZE = 25;

/** What a refused change was asked of, named as the page can: a toolkit, a member, an account. */
function TargetWords({
  event,
  members,
  accounts,
}: {
  event: AuditEvent;
  members: Member[] | undefined;
  accounts: ReadonlyMap<string, Connection>;
}) {
  const target = event.target;
  if (!target) return <span className="muted">—</span>;
  switch (changeTarget(event.action)) {
    case 'toolkit':
      return <>{toolkitLabel(target)}</>;
    case 'member': {
      const member = members?.find((m) => m.userId === target);
      return member?.displayName ? (
        <>
          {member.displayName} <span className="muted small">{target}</span>
        </>
      ) : (
        <code>{target}</code>
      );
    }
    case 'account': {
      // By the name its people gave it, while it is still connected; else by its id.
      const account = accounts.get(target);
      return account ? <span title={target}>{accountName(account)}</span> : <code>{target}</code>;
    }
    default:
      return <code>{target}</code>;
  }
}

/**
 * Management actions Switchboard refused (a viewer connecting for the organization, a member
 * changing a policy, a member or an account): an organization's, for its owners and admins, or
 * one's own.
 */
export function RefusedChanges({
  orgId,
  members,
  filter: narrowing,
}: {
  /** The organization whose log this is; null for one's own. */
  orgId: string | null;
  /** The organization's members, to name a member a change was about. */
  members: Member[] | undefined;
  /** The page's member and day filters. */
  filter: { actor?: string; from?: string; to?: string };
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const { orgName } = useOrg();
  // Approvers' decisions share the log; this view is of refusals.
  const filter = {
    ...(orgId ? { orgId } : {}),
    ...narrowing,
    decision: 'denied' as const,
    limit: PAGE_SIZE,
  };
  const filtered = Object.keys(narrowing).length > 0;
  const log = usePagedLog(trpc.audit.events.queryKey(filter), (cursor) =>
    client.audit.events.query(cursor ? { ...filter, cursor } : filter),
  );
  const items = log.data?.pages.flatMap((page) => page.items) ?? [];
  // The organizations whose accounts a refusal names, to name those accounts.
  const accountOrgs = [
    ...new Set(
      items
        .filter((e) => changeTarget(e.action) === 'account' && e.scope.kind === 'org')
        .map((e) => e.scope.id),
    ),
  ];
  const accountLists = useQueries({
    queries: accountOrgs.map((id) =>
      trpc.connections.list.queryOptions({ orgId: id, include: 'org' }),
    ),
  });
  const accounts = new Map(
    accountLists.flatMap((list) => list.data ?? []).map((account) => [account.id, account]),
  );
  const whose = orgId ? `in ${orgName(orgId) ?? orgId}` : 'of yours';

  return (
    <>
      <p className="muted small">
        Changes Switchboard refused for the person’s role: connecting a toolkit, changing a toolkit
        policy, members or an account.
      </p>
      {log.isPending ? <Loading label="Loading refused changes…" /> : null}
      {log.isError ? <ErrorNotice error={log.error} onRetry={() => void log.refetch()} /> : null}
      {log.isSuccess && items.length === 0 ? (
        <Empty>
          {filtered ? 'No refused changes match these filters.' : `No refused changes ${whose}.`}
        </Empty>
      ) : null}
      {items.length > 0 ? (
        <table className="table responsive refusals">
          <caption className="visually-hidden">Refused changes, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Tried to</th>
              <th scope="col">Target</th>
              <th scope="col">Scope</th>
              <th scope="col">Why refused</th>
              <th scope="col">Via</th>
            </tr>
          </thead>
          <tbody>
            {items.map((event) => (
              <tr key={event.id} data-action={event.action}>
                <Cell label="When">{formatDate(event.occurredAt, { seconds: true })}</Cell>
                <Cell label="Who">
                  {event.actorName ?? event.actorUserId}
                  {event.actorName ? (
                    <>
                      {' '}
                      <span className="muted small">{event.actorUserId}</span>
                    </>
                  ) : null}
                </Cell>
                <Cell label="Tried to">{changeWords(event.action)}</Cell>
                <Cell label="Target">
                  <TargetWords event={event} members={members} accounts={accounts} />
                </Cell>
                <Cell label="Scope">{scopeLabel(event.scope, orgName)}</Cell>
                <Cell label="Why refused">
                  {event.reason ? (
                    <span title={event.reason}>{capitalize(reasonSummary(event.reason))}</span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </Cell>
                <Cell label="Via">{channelLabel(event.channel)}</Cell>
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
          {log.isFetchingNextPage ? 'Loading…' : 'Load older changes'}
        </button>
      ) : null}
    </>
  );
}
