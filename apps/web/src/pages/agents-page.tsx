import { useMutation, useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { useTRPC } from '../api/trpc.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { ErrorNotice, Loading, Notice } from '../components/states.tsx';
import { formatDate } from '../lib/format.ts';
import {
  type McpClientId,
  maskToken,
  mcpClientSnippets,
  mcpEndpoint,
  TOKEN_PLACEHOLDER,
  tokenExpiry,
} from '../lib/mcp-config.ts';
import { hrefFor, Link, navigate, useLocation, withParams } from '../lib/router.tsx';
import { useOrg } from '../session/org.tsx';

/** What an agent connected to this context gets, in the words of the rules it runs under. */
function WhatAnAgentGets() {
  const { me, org, orgId } = useOrg();
  const links = { connections: hrefFor('/connections', { org: orgId }) };
  return (
    <>
      <p data-testid="agent-scope">
        {org ? (
          <>
            An agent connected here acts as you in <strong>{org.name}</strong>, as a {org.role}: it
            gets the tools you may run there, each with the account {org.name}’s policy names —{' '}
            {org.name}’s shared accounts for the toolkits it keeps at the organization level, your
            own for the rest.
          </>
        ) : (
          <>
            An agent connected here acts as <strong>you, personally</strong>: it gets the tools of
            the toolkits you have <Link to={links.connections}>connected</Link>, and each runs with
            your own accounts.
            {me.orgs.length > 0 ? ' Choose an organization at the top for its endpoint.' : null}
          </>
        )}
      </p>
      <p className="muted small">
        Its tool list also has <code>switchboard_list_accounts</code> (the accounts tools run with)
        and <code>switchboard_connect</code> (starts connecting a toolkit and returns a consent link
        to open). A refusal comes back as a tool result naming the reason and what to do next, and
        every call is checked and recorded in{' '}
        <Link to={hrefFor('/activity', { org: orgId })}>Activity</Link> like a run from this
        console.
      </p>
    </>
  );
}

function TokenSection({
  devMode,
  token,
  onToken,
  revealed,
  onReveal,
}: {
  devMode: boolean;
  token: string | null;
  onToken: (token: string) => void;
  revealed: boolean;
  onReveal: (revealed: boolean) => void;
}) {
  const trpc = useTRPC();
  const { me } = useOrg();
  const mint = useMutation(
    trpc.dev.signIn.mutationOptions({ onSuccess: ({ token: minted }) => onToken(minted) }),
  );
  const expiry = token ? tokenExpiry(token) : null;

  return (
    <section className="card" aria-labelledby="agents-token">
      <h2 id="agents-token">Token</h2>
      {devMode ? (
        <>
          <p className="muted">
            Every request carries <code>Authorization: Bearer &lt;token&gt;</code>, the same tokens
            the console uses. This API runs with <code>AUTH_MODE=dev</code>, so it can mint one for
            you ({me.user.id}) here; a deployed Switchboard takes tokens from your organization’s
            identity provider instead.
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={() => mint.mutate({ userId: me.user.id })}
              disabled={mint.isPending}
            >
              {token ? 'Mint another token' : 'Mint a token'}
            </button>
            {mint.isPending ? (
              <span role="status" className="muted">
                Minting…
              </span>
            ) : null}
          </div>
          {mint.isError ? <ErrorNotice error={mint.error} /> : null}
        </>
      ) : (
        <p data-testid="token-source">
          Every request carries <code>Authorization: Bearer &lt;token&gt;</code>: a token (a JWT)
          your organization’s identity provider issues for you, the same kind the console signs in
          with. Put it where the snippets below say <code>{TOKEN_PLACEHOLDER}</code>.
        </p>
      )}
      {token ? (
        <div className="token-field">
          <div className="copy-field">
            <code className="copy-field-value" data-testid="token" data-masked={!revealed}>
              {revealed ? token : maskToken(token)}
            </code>
            <button type="button" aria-pressed={revealed} onClick={() => onReveal(!revealed)}>
              {revealed ? 'Hide token' : 'Show token'}
            </button>
            <CopyButton text={token} accessibleLabel="Copy the token" />
          </div>
          <p className="muted small token-note">
            For {me.user.id}
            {expiry ? `, valid until ${formatDate(expiry.toISOString())}` : ''}. The snippets below
            include it; treat them like a password.
          </p>
        </div>
      ) : null}
    </section>
  );
}

function ClientSnippets({
  url,
  token,
  revealed,
}: {
  url: string;
  token: string | null;
  revealed: boolean;
}) {
  const location = useLocation();
  const snippets = mcpClientSnippets(url);
  const ids = useId();
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  const wanted = location.params.get('client');
  const current = snippets.find((s) => s.id === wanted) ?? snippets[0];
  if (!current) return null;
  const choose = (id: McpClientId) =>
    navigate(withParams(location, { client: id === 'claude-code' ? null : id }), {
      replace: true,
    });

  // Arrow keys move between tabs, as the ARIA tabs pattern has it.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = snippets.findIndex((s) => s.id === current.id);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = (index + step + snippets.length) % snippets.length;
    const target = snippets[next];
    if (!target) return;
    choose(target.id);
    tabs.current[next]?.focus();
  };

  const shown = current.render(token ? (revealed ? token : maskToken(token)) : TOKEN_PLACEHOLDER);
  const copied = current.render(token ?? TOKEN_PLACEHOLDER);
  return (
    <section className="card" aria-labelledby="agents-clients">
      <h2 id="agents-clients">Configure a client</h2>
      <div className="tabs" role="tablist" aria-label="MCP clients" onKeyDown={onKeyDown}>
        {snippets.map((s, index) => (
          <button
            key={s.id}
            ref={(element) => {
              tabs.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`${ids}-tab-${s.id}`}
            aria-selected={s.id === current.id}
            aria-controls={`${ids}-panel`}
            tabIndex={s.id === current.id ? 0 : -1}
            onClick={() => choose(s.id)}
          >
            {s.title}
          </button>
        ))}
      </div>
      <div
        className="tab-panel"
        role="tabpanel"
        id={`${ids}-panel`}
        aria-labelledby={`${ids}-tab-${current.id}`}
        data-client={current.id}
      >
        <p className="muted small">{current.where}</p>
        <div className="snippet">
          <pre>
            <code data-testid="snippet" data-language={current.language}>
              {shown}
            </code>
          </pre>
          <CopyButton
            text={copied}
            className="copy-button snippet-copy"
            accessibleLabel={`Copy the ${current.title} configuration`}
          />
        </div>
        {token && !revealed ? (
          <p className="muted small">The token is masked here; Copy copies it in full.</p>
        ) : null}
      </div>
    </section>
  );
}

/**
 * Agents: the MCP endpoint of the context chosen at the top, what an agent connected there can
 * do, and configuration for common MCP clients with a token filled in (dev mode) or its place
 * marked.
 */
export function AgentsPage() {
  const trpc = useTRPC();
  const { org, orgId } = useOrg();
  const info = useQuery(trpc.server.info.queryOptions());
  // The minted token stays while the person moves between contexts: one token serves them all.
  const [token, setToken] = useState<string | null>(null);
  const [revealed, setRevealed] = useState(false);

  const header = (
    <>
      <h1>Agents</h1>
      <p className="lead">
        Connect an AI agent — Claude, Cursor, VS Code or your own code — to Switchboard over MCP
        (Streamable HTTP). It uses the same rules as this console: who you are, where you act, your
        role and the organization’s policies decide whose accounts each tool runs with.
      </p>
    </>
  );
  if (info.isPending) {
    return (
      <>
        {header}
        <Loading label="Loading the MCP endpoint…" />
      </>
    );
  }
  if (info.isError) {
    return (
      <>
        {header}
        <ErrorNotice error={info.error} onRetry={() => void info.refetch()} />
      </>
    );
  }
  if (orgId && !org) {
    return (
      <>
        {header}
        <Notice tone="warning" title="Not a member of this organization">
          <p>
            You are not a member of <code>{orgId}</code>, so its MCP endpoint would refuse you.
            Choose another organization at the top, or act personally.
          </p>
        </Notice>
      </>
    );
  }

  const url = mcpEndpoint(info.data.mcpUrl, org?.id ?? null);
  return (
    <>
      {header}
      <section className="card" aria-labelledby="agents-endpoint">
        <h2 id="agents-endpoint">MCP endpoint {org ? `for ${org.name}` : 'for you, personally'}</h2>
        <div className="copy-field endpoint">
          <code className="copy-field-value" data-testid="mcp-url">
            {url}
          </code>
          <CopyButton text={url} accessibleLabel="Copy the MCP URL" />
        </div>
        <p className="muted small">
          Add <code>?toolkits=slack,github</code> to offer only some toolkits’ tools.
        </p>
        <WhatAnAgentGets />
      </section>
      <TokenSection
        devMode={info.data.authMode === 'dev'}
        token={token}
        onToken={(minted) => {
          setToken(minted);
          setRevealed(false);
        }}
        revealed={revealed}
        onReveal={setRevealed}
      />
      <ClientSnippets url={url} token={token} revealed={revealed} />
    </>
  );
}
