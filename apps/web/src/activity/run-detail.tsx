import type { ReactNode } from 'react';
import { reasonSummary } from '../api/errors.ts';
import type { AuditEntry } from '../api/types.ts';
import { Dialog } from '../components/dialog.tsx';
import { capitalize, channelLabel } from '../lib/audit-words.ts';
import { formatDate, scopeLabel, toolkitLabel } from '../lib/format.ts';
import { useOrg } from '../session/org.tsx';
import { outcomeLabel, outcomeNote } from './outcomes.ts';

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The account a run used, as the log knows it now: label, identity and id, or why there is none. */
function AccountFacts({ entry }: { entry: AuditEntry }) {
  if (!entry.connectedAccountId) {
    return (
      <Fact term="Account">
        <span className="muted">
          None — {entry.decision === 'denied' ? 'refused before one was chosen' : 'none was used'}
        </span>
      </Fact>
    );
  }
  return (
    <>
      <Fact term="Account">
        {entry.account ? (
          (entry.account.label ?? <span className="muted">Unnamed account</span>)
        ) : (
          <span className="muted">No longer connected</span>
        )}
      </Fact>
      {entry.account ? (
        <Fact term="Signed in as">
          {entry.account.upstreamIdentity ?? <span className="muted">unknown</span>}
        </Fact>
      ) : null}
      <Fact term="Account id">
        <code>{entry.connectedAccountId}</code>
      </Fact>
    </>
  );
}

/**
 * One tool run in full: what was decided and why (in console words, the code beside them), how
 * long it took, with which account, over which channel, and the execution id to quote.
 */
export function RunDetail({ entry, onClose }: { entry: AuditEntry | null; onClose: () => void }) {
  const { orgName } = useOrg();
  const reason = entry ? (entry.denyReason ?? entry.errorCode) : null;
  return (
    <Dialog
      open={entry !== null}
      onClose={onClose}
      className="detail"
      title={entry ? <code>{entry.tool}</code> : ''}
    >
      {entry ? (
        <div data-testid="run-detail" data-outcome={entry.outcome}>
          <p>
            <span className={`badge outcome-${entry.outcome}`}>{outcomeLabel(entry.outcome)}</span>{' '}
            <span className="muted">{toolkitLabel(entry.toolkit)}</span>
          </p>
          {outcomeNote(entry.outcome) ? (
            <p className="muted small">{outcomeNote(entry.outcome)}</p>
          ) : null}
          <dl className="facts">
            <Fact term="When">{formatDate(entry.startedAt, { seconds: true })}</Fact>
            <Fact term="Decision">{entry.decision === 'allowed' ? 'Allowed' : 'Denied'}</Fact>
            {reason ? <Fact term="Reason">{capitalize(reasonSummary(reason))}</Fact> : null}
            <Fact term="Error code">
              {entry.errorCode ? <code>{entry.errorCode}</code> : <span className="muted">—</span>}
            </Fact>
            <Fact term="Duration">{Math.round(entry.durationMs)} ms</Fact>
            <Fact term="Who">
              {entry.actorName ?? entry.actorUserId}
              {entry.actorName ? (
                <>
                  {' '}
                  <span className="muted small">{entry.actorUserId}</span>
                </>
              ) : null}
            </Fact>
            <Fact term="Scope">{scopeLabel(entry.scope, orgName)}</Fact>
            <AccountFacts entry={entry} />
            <Fact term="Via">{channelLabel(entry.channel)}</Fact>
            <Fact term="Execution id">
              <code>{entry.executionId}</code>
            </Fact>
          </dl>
        </div>
      ) : null}
    </Dialog>
  );
}
