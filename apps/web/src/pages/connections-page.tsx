import { roleAtLeast } from '@switchboard/identity';
import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api/trpc.ts';
import type { Connection, Policy, Role, Toolkit } from '../api/types.ts';
import { Empty, ErrorNotice, Loading } from '../components/states.tsx';
import { AccountCard } from '../connections/account-card.tsx';
import { ConnectForm } from '../connections/connect-form.tsx';
import { PendingRequests } from '../connections/pending-requests.tsx';
import { toolkitLabel } from '../lib/format.ts';
import { hrefFor, Link, useLocation } from '../lib/router.tsx';
import { useOrg } from '../session/org.tsx';

/** Accounts grouped by toolkit, oldest first within each: several per toolkit are normal. */
function groupByToolkit(accounts: Connection[]): Array<[string, Connection[]]> {
  const groups = new Map<string, Connection[]>();
  for (const account of accounts) {
    const group = groups.get(account.toolkit) ?? [];
    group.push(account);
    groups.set(account.toolkit, group);
  }
  for (const group of groups.values()) {
    group.sort((a, b) => a.connectedAt.localeCompare(b.connectedAt));
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function AccountList({
  query,
  canManage,
  returnTo,
  emptyText,
}: {
  query: UseQueryResult<Connection[], unknown>;
  canManage: boolean;
  returnTo: string;
  emptyText: string;
}) {
  if (query.isPending) return <Loading label="Loading accounts…" />;
  if (query.isError)
    return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data.length === 0) return <Empty>{emptyText}</Empty>;
  return (
    <div className="toolkit-groups">
      {groupByToolkit(query.data).map(([toolkit, accounts]) => (
        <section
          key={toolkit}
          className="toolkit-group"
          aria-label={`${toolkitLabel(toolkit)} accounts`}
        >
          <h3>
            {toolkitLabel(toolkit)}{' '}
            <span className="muted small">
              {accounts.length} account{accounts.length === 1 ? '' : 's'}
            </span>
          </h3>
          <ul className="accounts">
            {accounts.map((account) => (
              <AccountCard
                key={account.id}
                account={account}
                canManage={canManage}
                returnTo={returnTo}
              />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function toolkitChoices(toolkits: Toolkit[] | undefined, only?: Set<string>) {
  const list = (toolkits ?? []).map((t) => ({ slug: t.slug, name: t.name }));
  return only ? list.filter((t) => only.has(t.slug)) : list;
}

/** The toolkits this caller may connect for the organization: org-routed, role in connectRoles. */
function orgConnectable(policies: Policy[], role: Role): Set<string> {
  return new Set(
    policies
      .filter((p) => p.scope === 'org' && p.connectRoles.includes(role))
      .map((p) => p.toolkit),
  );
}

/** Why there is no Connect form for the organization, in the caller's terms. */
function noConnectReason(orgRouted: Policy[], role: Role, name: string, orgId: string) {
  if (orgRouted.length > 0) return `Your role (${role}) does not connect accounts for ${name}.`;
  if (!roleAtLeast(role, 'admin')) {
    return 'An owner or admin decides which toolkits are connected at the organization level.';
  }
  return (
    <>
      Set a toolkit to “organization” under{' '}
      <Link to={hrefFor('/organization', { org: orgId })}>toolkit policies</Link> to connect shared
      accounts.
    </>
  );
}

function OrgAccounts({ orgId, returnTo }: { orgId: string; returnTo: string }) {
  const trpc = useTRPC();
  const { org } = useOrg();
  const accounts = useQuery(trpc.connections.list.queryOptions({ orgId, include: 'org' }));
  const policies = useQuery(trpc.policies.list.queryOptions({ orgId }, { enabled: org !== null }));
  const toolkits = useQuery(trpc.toolkits.list.queryOptions());

  if (!org) {
    // Not a member (or no such organization): the API's answer is all there is to show.
    return (
      <section aria-labelledby="org-accounts" className="panel">
        <h2 id="org-accounts">{orgId}’s accounts</h2>
        <p className="muted">You are not a member of an organization “{orgId}”.</p>
        <AccountList
          query={accounts}
          canManage={false}
          returnTo={returnTo}
          emptyText={`${orgId} has no connected accounts.`}
        />
      </section>
    );
  }

  const { name, role } = org;
  const orgRouted = (policies.data ?? []).filter((p) => p.scope === 'org');
  const connectable = policies.data ? orgConnectable(policies.data, role) : new Set<string>();
  const choices = toolkitChoices(toolkits.data, connectable);
  return (
    <section aria-labelledby="org-accounts" className="panel">
      <h2 id="org-accounts">{name}’s accounts</h2>
      <p className="muted">
        Shared by everyone in {name}. Toolkits {name} connects at the organization level:{' '}
        {orgRouted.length > 0
          ? orgRouted.map((p) => toolkitLabel(p.toolkit)).join(', ')
          : 'none yet'}
        .
      </p>
      {policies.isError ? <ErrorNotice error={policies.error} /> : null}
      {connectable.size > 0 ? (
        <ConnectForm
          legend={`Connect an account for ${name}`}
          orgId={orgId}
          toolkits={
            choices.length > 0
              ? choices
              : [...connectable].map((slug) => ({ slug, name: toolkitLabel(slug) }))
          }
          returnTo={returnTo}
        />
      ) : policies.data ? (
        <p className="muted small">{noConnectReason(orgRouted, role, name, orgId)}</p>
      ) : null}
      <AccountList
        query={accounts}
        canManage={roleAtLeast(role, 'admin')}
        returnTo={returnTo}
        emptyText={`${name} has no connected accounts yet.`}
      />
    </section>
  );
}

export function ConnectionsPage() {
  const trpc = useTRPC();
  const { orgId } = useOrg();
  const location = useLocation();
  const personal = useQuery(trpc.connections.list.queryOptions({ include: 'personal' }));
  const toolkits = useQuery(trpc.toolkits.list.queryOptions());
  const returnTo = hrefFor('/connections', { org: orgId });

  return (
    <>
      <h1>Connections</h1>
      <p className="lead">
        Accounts Switchboard may use on your behalf. Tools run with the default account of a toolkit
        unless you pick another.
      </p>
      <PendingRequests returningFrom={location.params.get('request_id')} />
      <section aria-labelledby="personal-accounts" className="panel">
        <h2 id="personal-accounts">Your personal accounts</h2>
        <p className="muted">Only you can use these.</p>
        {toolkits.isError ? (
          <ErrorNotice error={toolkits.error} onRetry={() => void toolkits.refetch()} />
        ) : toolkits.isPending ? (
          <Loading label="Loading toolkits…" />
        ) : (
          <ConnectForm
            legend="Connect a personal account"
            toolkits={toolkitChoices(toolkits.data)}
            returnTo={returnTo}
          />
        )}
        <AccountList
          query={personal}
          canManage
          returnTo={returnTo}
          emptyText="You have not connected any accounts yet."
        />
      </section>
      {orgId ? <OrgAccounts orgId={orgId} returnTo={returnTo} /> : null}
    </>
  );
}
