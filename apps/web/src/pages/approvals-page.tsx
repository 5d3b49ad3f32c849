import { roleAtLeast } from '@switchboard/identity';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { reasonSummary } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import type { Approval, ApprovalStatus, Role } from '../api/types.ts';
import { Empty, ErrorNotice, Loading } from '../components/states.tsx';
import { formatDate, toolkitLabel } from '../lib/format.ts';
import { useOrg } from '../session/org.tsx';

/** Each status in the words the page shows it with. */
const STATUS_WORDS: Record<ApprovalStatus, string> = {
  requested: 'Waiting for an approver',
  approved: 'Approved, running',
  denied: 'Denied',
  expired: 'Expired',
  executed: 'Approved and ran',
  failed: 'Approved, could not run',
};

const STATUS_BADGE: Record<ApprovalStatus, string> = {
  requested: 'status-initiated',
  approved: 'status-initiated',
  denied: 'status-failed',
  expired: 'status-expired',
  executed: 'status-active',
  failed: 'status-failed',
};

function StatusBadge({ status }: { status: ApprovalStatus }) {
  return <span className={`badge ${STATUS_BADGE[status]}`}>{STATUS_WORDS[status]}</span>;
}

function accountWords(approval: Approval): string {
  const account = approval.account;
  if (!account) return `${approval.connectedAccountId} (no longer connected)`;
  const name = account.label ?? account.upstreamIdentity ?? approval.connectedAccountId;
  return account.label && account.upstreamIdentity ? `${name} (${account.upstreamIdentity})` : name;
}

/** What was asked, by whom, with which account: the facts an approver decides on. */
function ApprovalFacts({
  approval,
  showRequester,
}: {
  approval: Approval;
  showRequester: boolean;
}) {
  return (
    <dl className="facts">
      {showRequester ? (
        <div>
          <dt>Asked by</dt>
          <dd>{approval.requestedByName ?? approval.requestedBy}</dd>
        </div>
      ) : null}
      <div>
        <dt>Account</dt>
        <dd>
          {toolkitLabel(approval.toolkit)}: {accountWords(approval)}
        </dd>
      </div>
      <div>
        <dt>Asked</dt>
        <dd>
          {formatDate(approval.createdAt)}
          {approval.channel === 'mcp' ? ' by an agent (MCP)' : ''}
        </dd>
      </div>
      {approval.status === 'requested' ? (
        <div>
          <dt>Waits until</dt>
          <dd>{formatDate(approval.expiresAt)}</dd>
        </div>
      ) : null}
      {approval.decidedBy ? (
        <div>
          <dt>Decided</dt>
          <dd>
            by {approval.decidedBy}
            {approval.decidedAt ? `, ${formatDate(approval.decidedAt)}` : ''}
            {approval.note ? ` — “${approval.note}”` : ''}
          </dd>
        </div>
      ) : null}
      {approval.failure ? (
        <div>
          <dt>Why it did not run</dt>
          <dd>{reasonSummary(approval.failure.reason)}</dd>
        </div>
      ) : null}
    </dl>
  );
}

/** One waiting call, with the approver's note and the two answers. */
function WaitingCard({ approval, me }: { approval: Approval; me: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const noteId = useId();
  const done = {
    onSuccess: async () => {
      await queryClient.invalidateQueries(trpc.approvals.pathFilter());
    },
  };
  const approve = useMutation(trpc.approvals.approve.mutationOptions(done));
  const deny = useMutation(trpc.approvals.deny.mutationOptions(done));
  const own = approval.requestedBy === me;
  const busy = approve.isPending || deny.isPending;
  const input = { approvalId: approval.id, ...(note.trim() ? { note: note.trim() } : {}) };
  return (
    <li className="card approval" aria-label={`${approval.tool} asked by ${approval.requestedBy}`}>
      <h3>
        <code>{approval.tool}</code> <StatusBadge status={approval.status} />
      </h3>
      <ApprovalFacts approval={approval} showRequester />
      <p className="muted small">With these arguments:</p>
      <pre className="json">{JSON.stringify(approval.arguments ?? {}, null, 2)}</pre>
      {own ? (
        <p className="muted small">Your own request: another approver decides on it.</p>
      ) : (
        <>
          <div className="field">
            <label htmlFor={noteId}>Note (optional)</label>
            <input
              id={noteId}
              maxLength={500}
              value={note}
              onChange={(event) => setNote(event.target.value)}
            />
          </div>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => approve.mutate(input)}
            >
              {approve.isPending ? 'Running…' : 'Approve and run'}
            </button>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => deny.mutate(input)}
            >
              Deny
            </button>
          </div>
        </>
      )}
      {approve.isError ? <ErrorNotice error={approve.error} toolkit={approval.toolkit} /> : null}
      {deny.isError ? <ErrorNotice error={deny.error} /> : null}
    </li>
  );
}

function ForApprovers({ orgId, orgName, me }: { orgId: string; orgName: string; me: string }) {
  const trpc = useTRPC();
  const all = useQuery(trpc.approvals.list.queryOptions({ orgId, limit: 100 }));
  const waiting = (all.data ?? []).filter((a) => a.status === 'requested');
  const decided = (all.data ?? []).filter((a) => a.status !== 'requested');
  return (
    <>
      <section className="panel" aria-labelledby="waiting-heading">
        <h2 id="waiting-heading">Waiting for a decision</h2>
        <p className="muted">
          Tools {orgName}’s policies hold for an approver, asked for by members and their agents.
          Approving runs the call once, with these arguments, on the account shown.
        </p>
        {all.isPending ? <Loading label="Loading approvals…" /> : null}
        {all.isError ? <ErrorNotice error={all.error} onRetry={() => void all.refetch()} /> : null}
        {all.data && waiting.length === 0 ? <Empty>Nothing waits for you.</Empty> : null}
        {waiting.length > 0 ? (
          <ul className="approvals">
            {waiting.map((approval) => (
              <WaitingCard key={approval.id} approval={approval} me={me} />
            ))}
          </ul>
        ) : null}
      </section>
      {decided.length > 0 ? (
        <section className="panel" aria-labelledby="decided-heading">
          <h2 id="decided-heading">Decided</h2>
          <ul className="approvals">
            {decided.map((approval) => (
              <li key={approval.id} className="card approval">
                <h3>
                  <code>{approval.tool}</code> <StatusBadge status={approval.status} />
                </h3>
                <ApprovalFacts approval={approval} showRequester />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function YourRequests({ orgId }: { orgId: string | null }) {
  const trpc = useTRPC();
  const mine = useQuery(trpc.approvals.mine.queryOptions({ limit: 100 }));
  const shown = (mine.data ?? []).filter((a) => orgId === null || a.orgId === orgId);
  return (
    <section className="panel" aria-labelledby="mine-heading">
      <h2 id="mine-heading">Your requests</h2>
      {mine.isPending ? <Loading label="Loading your requests…" /> : null}
      {mine.isError ? <ErrorNotice error={mine.error} onRetry={() => void mine.refetch()} /> : null}
      {mine.data && shown.length === 0 ? (
        <Empty>No tool run of yours is waiting for, or has had, an approver’s answer.</Empty>
      ) : null}
      {shown.length > 0 ? (
        <ul className="approvals">
          {shown.map((approval) => (
            <li key={approval.id} className="card approval" data-testid="my-request">
              <h3>
                <code>{approval.tool}</code> <StatusBadge status={approval.status} />
              </h3>
              <ApprovalFacts approval={approval} showRequester={false} />
              {approval.result ? (
                <>
                  <p className="muted small">
                    {approval.result.successful
                      ? 'It ran. The tool answered:'
                      : `It ran, and the tool reported an error: ${approval.result.error ?? ''}`}
                  </p>
                  <pre className="json">{JSON.stringify(approval.result.data, null, 2)}</pre>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/**
 * Calls held for an approver's yes (toolkit policies' "needs approval" tools): approvers of the
 * organization acted in approve or deny them, with a note; everyone follows their own requests
 * and reads the result of the ones that ran.
 */
export function ApprovalsPage() {
  const { me, org } = useOrg();
  const approver = org !== null && roleAtLeast(org.role, 'admin');
  return (
    <>
      <h1>Approvals</h1>
      {org && approver ? (
        <ForApprovers orgId={org.id} orgName={org.name} me={me.user.id} />
      ) : (
        <p className="muted">
          {org
            ? `${org.name}’s owners and admins approve the tool runs its policies hold; yours are below.`
            : 'Choose an organization under “Acting in” to see what waits for its approvers.'}
        </p>
      )}
      <YourRequests orgId={org?.id ?? null} />
    </>
  );
}

/** How many calls wait for the signed-in approver in the organization acted in (the nav's count). */
export function useWaitingCount(orgId: string | null, role: Role | null): number {
  const trpc = useTRPC();
  const approver = orgId !== null && role !== null && roleAtLeast(role, 'admin');
  const waiting = useQuery(
    trpc.approvals.list.queryOptions(
      approver && orgId ? { orgId, status: 'requested', limit: 200 } : skipToken,
      { refetchInterval: 15_000 },
    ),
  );
  return waiting.data?.length ?? 0;
}
