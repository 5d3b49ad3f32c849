import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef } from 'react';
import { useTRPC } from './api/trpc.ts';
import { ErrorNotice, Loading } from './components/states.tsx';
import { ConnectReturn } from './connections/connect-return.tsx';
import { hrefFor, Link, navigate, useLocation, withParams } from './lib/router.tsx';
import { ActivityPage } from './pages/activity-page.tsx';
import { AgentsPage } from './pages/agents-page.tsx';
import { ApprovalsPage, useWaitingCount } from './pages/approvals-page.tsx';
import { ConnectionsPage } from './pages/connections-page.tsx';
import { OrganizationPage } from './pages/organization-page.tsx';
import { ToolsPage } from './pages/tools-page.tsx';
import { WebhooksPage } from './pages/webhooks-page.tsx';
import { OrgContext, type OrgContextValue, useOrg } from './session/org.tsx';
import { useSession } from './session/session.tsx';

const PAGES = [
  { path: '/connections', title: 'Connections', Page: ConnectionsPage },
  { path: '/tools', title: 'Tools', Page: ToolsPage },
  { path: '/agents', title: 'Agents', Page: AgentsPage },
  { path: '/organization', title: 'Organization', Page: OrganizationPage },
  { path: '/approvals', title: 'Approvals', Page: ApprovalsPage },
  { path: '/activity', title: 'Activity', Page: ActivityPage },
  { path: '/webhooks', title: 'Webhooks', Page: WebhooksPage },
] as const;

function OrgSwitcher() {
  const { me, orgId, org, selectOrg } = useOrg();
  const id = useId();
  return (
    <div className="org-switcher">
      <label htmlFor={id}>Acting in</label>
      <select
        id={id}
        value={orgId ?? ''}
        onChange={(event) => selectOrg(event.target.value || null)}
      >
        <option value="">Personal only</option>
        {me.orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name} — {o.role}
          </option>
        ))}
        {orgId && !org ? <option value={orgId}>{orgId} (not a member)</option> : null}
      </select>
    </div>
  );
}

function NotFoundPage() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no page here. Go to <Link to="/connections">Connections</Link>.
      </p>
    </>
  );
}

/** The signed-in console: who you are, where you act, and the page. */
export function Shell() {
  const trpc = useTRPC();
  const session = useSession();
  const location = useLocation();
  const me = useQuery(trpc.me.get.queryOptions());
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // Moving between pages puts the focus at the start of the new page, as a page load would.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);

  const orgId = location.params.get('org');
  const actingRole = me.data?.orgs.find((o) => o.id === orgId)?.role ?? null;
  const waiting = useWaitingCount(orgId, actingRole);
  const orgValue = useMemo<OrgContextValue | null>(() => {
    if (!me.data) return null;
    const orgs = me.data.orgs;
    return {
      me: me.data,
      orgId,
      org: orgs.find((o) => o.id === orgId) ?? null,
      orgName: (id) => orgs.find((o) => o.id === id)?.name,
      selectOrg: (next) => navigate(withParams(location, { org: next })),
    };
  }, [me.data, orgId, location]);

  if (me.isPending) {
    return (
      <main className="centered">
        <Loading label="Loading your account…" />
      </main>
    );
  }
  if (!orgValue) {
    return (
      <main className="centered">
        <ErrorNotice error={me.error} onRetry={() => void me.refetch()}>
          <button type="button" onClick={() => session.signOut()}>
            Sign out
          </button>
        </ErrorNotice>
      </main>
    );
  }

  const path = location.pathname === '/' ? '/connections' : location.pathname;
  const page = PAGES.find((p) => p.path === path);
  const user = orgValue.me.user;

  return (
    <OrgContext.Provider value={orgValue}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-row">
          <span className="brand">Switchboard</span>
          <div className="who">
            <OrgSwitcher />
            <span className="user" title={user.id}>
              {user.displayName ?? user.id}
            </span>
            <button type="button" className="link-button" onClick={() => session.signOut()}>
              Sign out
            </button>
          </div>
        </div>
        <nav aria-label="Main">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <Link
                  to={hrefFor(p.path, { org: orgId })}
                  aria-current={p.path === path ? 'page' : undefined}
                >
                  {p.title}
                  {p.path === '/approvals' && waiting > 0 ? (
                    <span className="nav-count" data-testid="approvals-count">
                      {' '}
                      {waiting}
                      <span className="visually-hidden"> waiting</span>
                    </span>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <ConnectReturn />
        {page ? <page.Page /> : <NotFoundPage />}
      </main>
    </OrgContext.Provider>
  );
}
