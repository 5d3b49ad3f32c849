import type { ToolDefinition } from '@switchboard/composio-gateway';
import { type Acting, routeIn, wrongScopeFor } from '../../access/acting.js';
import type { AppDeps } from '../../platform/deps.js';
import { accountsOf } from '../connections/accounts.repo.js';
import { publicScope } from '../scope-columns.js';
import { mayExecute } from './execution.service.js';

export interface ListToolsInput {
  toolkits?: string[] | undefined;
  tools?: string[] | undefined;
  search?: string | undefined;
  limit?: number | undefined;
}

export interface ListedTool {
  slug: string;
  toolkit: string;
  name: string;
  description: string;
  inputParameters: Record<string, unknown>;
  scope: { kind: 'user' | 'org'; id: string };
  /** Whether this caller may run it in that scope (the console hides Run otherwise). */
  canExecute: boolean;
}

/** Composio's tools for a query, cached (and shared through Redis) for a few minutes. */
async function toolList(deps: AppDeps, query: ListToolsInput): Promise<ToolDefinition[]> {
  const key = JSON.stringify([
    query.toolkits ?? null,
    query.tools ?? null,
    query.search ?? null,
    query.limit ?? null,
  ]);
  return deps.toolLists.get(key, () =>
    deps.gateway.listTools({
      ...(query.toolkits ? { toolkits: query.toolkits } : {}),
      ...(query.tools ? { tools: query.tools } : {}),
      ...(query.search ? { search: query.search } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    }),
  );
}

/**
 * Tools as the acting context's policies route them: personal toolkits in the caller's scope,
 * org toolkits in the organization's, each tool marked with where it runs (rule 4) and whether
 * the caller may run it there.
 */
export async function listTools(
  deps: AppDeps,
  acting: Acting,
  input: ListToolsInput,
): Promise<ListedTool[]> {
  const { caller } = acting;
  const tools = await toolList(deps, input);
  if (!acting.org && input.toolkits) {
    for (const toolkit of input.toolkits) {
      const personal = await accountsOf(deps.db, [caller.userId], toolkit);
      if (personal.length > 0) continue;
      const wrongScope = wrongScopeFor(caller, toolkit);
      if (wrongScope) throw wrongScope;
    }
  }
  const routes = new Map<string, ReturnType<typeof routeIn>>();
  return tools.map((tool) => {
    let routed = routes.get(tool.toolkit);
    if (!routed) {
      routed = routeIn(acting, tool.toolkit);
      routes.set(tool.toolkit, routed);
    }
    return {
      slug: tool.slug,
      toolkit: tool.toolkit,
      name: tool.name,
      description: tool.description,
      inputParameters: tool.inputParameters,
      scope: publicScope(routed.scope),
      canExecute: mayExecute(caller, routed, tool),
    };
  });
}
