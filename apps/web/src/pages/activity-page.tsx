import { roleAtLeast } from '@switchboard/identity';
import { skipToken, useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { ExportLog } from '../activity/export-log.tsx';
import { OUTCOMES } from '../activity/outcomes.ts';
import { RefusedChanges } from '../activity/refused-changes.tsx';
import { RunDetail } from '../activity/run-detail.tsx';
import { RunsTable } from '../activity/runs-table.tsx';
import { useTRPC } from '../api/trpc.ts';
import type { AuditEntry, AuditOutcome } from '../api/types.ts';
import { dayEnd, dayStart } from '../lib/dates.ts';
import { toolkitLabel } from '../lib/format.ts';
import { navigate, useLocation, withParams } from '../lib/router.tsx';
import { useOrg } from '../session/org.tsx';

const TABS = [
  { id: 'runs', title: 'Tool runs' },
  { id: 'changes', title: 'Refused changes' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/**
 * The audit log, newest first, a page at a time: an org's (admins) or your own. Tool runs,
 * filtered by toolkit, outcome, member and days, each openable in full, and exported as a file
 * with the same filters; and the changes Switchboard refused. Every filter is in the query
 * string, so a filtered view can be linked.
 */
export function ActivityPage() {
  const trpc = useTRPC();
  const location = useLocation();
  const { org } = useOrg();
  const ids = {
    view: useId(),
    toolkit: useId(),
    outcome: useId(),
    actor: useId(),
    from: useId(),
    to: useId(),
    tabs: useId(),
  };
  const tabButtons = useRef<Array<HTMLButtonElement | null>>([]);
  const [opened, setOpened] = useState<AuditEntry | null>(null);

  const canReadOrg = org ? roleAtLeast(org.role, 'admin') : false;
  const view = canReadOrg && location.params.get('view') !== 'mine' ? 'org' : 'mine';
  const orgLog = view === 'org' && org ? org : null;
  const tab: Tab = location.params.get('tab') === 'changes' ? 'changes' : 'runs';
  const toolkit = location.params.get('toolkit') ?? '';
  const outcome = (location.params.get('outcome') ?? '') as AuditOutcome | '';
  const actor = orgLog ? (location.params.get('actor') ?? '') : '';
  const fromDay = location.params.get('from') ?? '';
  const toDay = location.params.get('to') ?? '';
  const from = dayStart(fromDay);
  const to = dayEnd(toDay);
  const backwards = Boolean(from && to && fromDay > toDay);

  const toolkits = useQuery(trpc.toolkits.list.queryOptions());
  const members = useQuery(
    trpc.orgs.members.list.queryOptions(orgLog ? { orgId: orgLog.id } : skipToken),
  );

  const filter = {
    ...(orgLog ? { orgId: orgLog.id } : {}),
    ...(toolkit ? { toolkit } : {}),
    ...(outcome ? { outcome } : {}),
    ...(actor ? { actor } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
  const filtered = Boolean(toolkit || outcome || actor || from || to);
  const set = (changes: Record<string, string | null>) =>
    navigate(withParams(location, changes), { replace: true });
  const memberList = members.data ?? [];
  const actorListed = memberList.some((m) => m.userId === actor);

  // Arrow keys move between tabs, as the ARIA tabs pattern has it.
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const index = TABS.findIndex((t) => t.id === tab);
    const next = (index + step + TABS.length) % TABS.length;
    const target = TABS[next];
    if (!target) return;
    set({ tab: target.id === 'runs' ? null : target.id });
    tabButtons.current[next]?.focus();
  };

  return (
    <>
      <h1>Activity</h1>
      <p className="lead">
        Every tool run is recorded: who ran it, with which account, and what happened. Arguments and
        results are not stored. Changes Switchboard refused are kept too.
      </p>
      <form className="filters whose" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.view}>Whose</label>
          <select
            id={ids.view}
            value={view}
            onChange={(event) =>
              set({ view: event.target.value === 'mine' ? 'mine' : null, actor: null })
            }
          >
            <option value="mine">Yours</option>
            {canReadOrg && org ? <option value="org">Everyone in {org.name}</option> : null}
          </select>
        </div>
      </form>
      {org && !canReadOrg ? (
        <p className="muted small">
          Only owners and admins see everyone’s activity in {org.name}; this is yours.
        </p>
      ) : null}

      <div className="tabs" role="tablist" aria-label="Activity" onKeyDown={onTabKey}>
        {TABS.map((t, index) => (
          <button
            key={t.id}
            ref={(element) => {
              tabButtons.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`${ids.tabs}-tab-${t.id}`}
            aria-selected={t.id === tab}
            aria-controls={`${ids.tabs}-panel`}
            tabIndex={t.id === tab ? 0 : -1}
            onClick={() => set({ tab: t.id === 'runs' ? null : t.id })}
          >
            {t.title}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`${ids.tabs}-panel`}
        aria-labelledby={`${ids.tabs}-tab-${tab}`}
        className="tab-panel"
      >
        <form
          className="filters"
          aria-label={tab === 'changes' ? 'Filter refused changes' : 'Filter tool runs'}
          onSubmit={(event) => event.preventDefault()}
        >
          {tab === 'runs' ? (
            <>
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
            </>
          ) : null}
          {orgLog ? (
            <div className="field">
              <label htmlFor={ids.actor}>Member</label>
              <select
                id={ids.actor}
                value={actor}
                onChange={(e) => set({ actor: e.target.value || null })}
              >
                <option value="">Everyone</option>
                {memberList.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.displayName ? `${m.displayName} (${m.userId})` : m.userId}
                  </option>
                ))}
                {actor && !actorListed && members.isSuccess ? (
                  <option value={actor}>{actor} (no longer a member)</option>
                ) : null}
              </select>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={ids.from}>From</label>
            <input
              id={ids.from}
              type="date"
              value={fromDay}
              max={toDay || undefined}
              onChange={(e) => set({ from: e.target.value || null })}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.to}>To</label>
            <input
              id={ids.to}
              type="date"
              value={toDay}
              min={fromDay || undefined}
              aria-invalid={backwards || undefined}
              aria-describedby={backwards ? `${ids.to}-error` : undefined}
              onChange={(e) => set({ to: e.target.value || null })}
            />
            {backwards ? (
              <p id={`${ids.to}-error`} className="field-error">
                The last day is before the first.
              </p>
            ) : null}
          </div>
        </form>
        {tab === 'changes' ? (
          <RefusedChanges
            orgId={orgLog?.id ?? null}
            members={members.data}
            filter={{
              ...(actor ? { actor } : {}),
              ...(from ? { from } : {}),
              ...(to ? { to } : {}),
            }}
          />
        ) : (
          <>
            <ExportLog filter={filter} disabled={backwards} />
            <RunsTable filter={filter} filtered={filtered} onOpen={setOpened} />
          </>
        )}
      </div>
      <RunDetail entry={opened} onClose={() => setOpened(null)} />
    </>
  );
}
