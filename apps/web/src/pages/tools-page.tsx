import { useQueries, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api/trpc.ts';
import type { Tool } from '../api/types.ts';
import { Empty, ErrorNotice, Loading } from '../components/states.tsx';
import { scopeLabel, toolkitLabel } from '../lib/format.ts';
import { navigate, useLocation, withParams } from '../lib/router.tsx';
import { useOrg } from '../session/org.tsx';
import { ActInOrgButton, ToolRunner } from '../tools/tool-runner.tsx';

function ToolkitPicker({ selected }: { selected: string[] }) {
  const trpc = useTRPC();
  const location = useLocation();
  const toolkits = useQuery(trpc.toolkits.list.queryOptions());
  const toggle = (slug: string, on: boolean) => {
    const next = on ? [...selected, slug] : selected.filter((s) => s !== slug);
    navigate(withParams(location, { toolkits: next.join(',') || null }), { replace: true });
  };
  if (toolkits.isPending) return <Loading label="Loading toolkits…" />;
  if (toolkits.isError) {
    return <ErrorNotice error={toolkits.error} onRetry={() => void toolkits.refetch()} />;
  }
  return (
    <fieldset className="toolkit-picker">
      <legend>Toolkits</legend>
      <div className="chips">
        {toolkits.data.map((toolkit) => (
          <label key={toolkit.slug} className="chip">
            <input
              type="checkbox"
              checked={selected.includes(toolkit.slug)}
              onChange={(event) => toggle(toolkit.slug, event.target.checked)}
            />
            {toolkit.name || toolkitLabel(toolkit.slug)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * Tools of the chosen toolkits, grouped by toolkit with the scope each runs in (the acting
 * organization's policies route each toolkit), and a runner for the one picked.
 */
export function ToolsPage() {
  const trpc = useTRPC();
  const location = useLocation();
  const { orgId, org, orgName } = useOrg();
  const selected = (location.params.get('toolkits') ?? '')
    .split(',')
    .filter((slug) => /^[a-z0-9_-]{1,64}$/.test(slug));
  const toolSlug = location.params.get('tool');

  // One query per toolkit, so a toolkit this caller cannot use here does not hide the others.
  const lists = useQueries({
    queries: selected.map((toolkit) =>
      trpc.tools.list.queryOptions({
        ...(orgId ? { orgId } : {}),
        toolkits: [toolkit],
        limit: 200,
      }),
    ),
  });
  const allTools = lists.flatMap((list) => list.data ?? []);
  const chosen: Tool | undefined = allTools.find((tool) => tool.slug === toolSlug);

  const pick = (slug: string) =>
    navigate(withParams(location, { tool: slug, request_id: null, status: null, error: null }));

  return (
    <>
      <h1>Tools</h1>
      <p className="lead">
        {org
          ? `Acting in ${org.name} as ${org.role}: toolkits ${org.name} connects at the organization level run with its accounts, the rest with yours.`
          : 'Acting personally: tools run with your own accounts. Pick an organization at the top to use its shared accounts.'}
      </p>
      <ToolkitPicker selected={selected} />
      {selected.length === 0 ? <Empty>Pick one or more toolkits to see their tools.</Empty> : null}
      <div className="tools-layout">
        <div className="tool-groups">
          {selected.map((toolkit, index) => {
            const list = lists[index];
            if (!list) return null;
            const scope = list.data?.[0]?.scope;
            return (
              <section
                key={toolkit}
                className="panel toolkit-tools"
                aria-labelledby={`tools-${toolkit}`}
              >
                <h2 id={`tools-${toolkit}`}>{toolkitLabel(toolkit)}</h2>
                {scope ? (
                  <p className="muted small">
                    Runs in:{' '}
                    <strong>
                      {scope.kind === 'org'
                        ? `${scopeLabel(scope, orgName)} (organization)`
                        : 'your personal accounts'}
                    </strong>
                  </p>
                ) : null}
                {list.isPending ? <Loading label="Loading tools…" /> : null}
                {list.isError ? (
                  <ErrorNotice
                    error={list.error}
                    toolkit={toolkit}
                    onRetry={() => void list.refetch()}
                  >
                    <ActInOrgButton error={list.error} />
                  </ErrorNotice>
                ) : null}
                {list.data && list.data.length === 0 ? <Empty>No tools.</Empty> : null}
                {list.data && list.data.length > 0 ? (
                  <ul className="tool-list">
                    {list.data.map((tool) => (
                      <li key={tool.slug}>
                        <button
                          type="button"
                          className="tool-button"
                          aria-pressed={tool.slug === toolSlug}
                          onClick={() => pick(tool.slug)}
                        >
                          <span className="tool-name">{tool.name}</span>
                          <code className="small">{tool.slug}</code>
                          {!tool.canExecute ? <span className="badge">view only</span> : null}
                        </button>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </section>
            );
          })}
        </div>
        {chosen ? (
          <ToolRunner key={`${chosen.slug}:${orgId ?? ''}`} tool={chosen} orgId={orgId} />
        ) : null}
      </div>
    </>
  );
}
