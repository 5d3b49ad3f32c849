import type {
  ToolExecuteParams,
  ToolExecuteResponse,
  ToolListResponse,
  ToolRetrieveEnumResponse,
  ToolRetrieveResponse,
} from '@composio/client/resources';
import type { FastifyInstance } from 'fastify';
import { findTool, TOOLS } from '../catalog/index.js';
import type { Tool } from '../catalog/tool.js';
import { findToolkit, type ToolkitInfo } from '../catalog/toolkits.js';
import { EmulatorError } from '../errors.js';
import { executeTool } from '../execute.js';
import { paginate, toolJson } from '../serialize.js';
import { API, boolParam, csv, intParam, type Query, type RouteDeps } from './shared.js';

const executeBody = {
  type: 'object',
  properties: {
    arguments: { type: 'object' },
    user_id: { type: 'string' },
    entity_id: { type: 'string' },
    connected_account_id: { type: 'string' },
    version: { type: 'string' },
  },
} as const;

function toolkitOf(tool: Tool): ToolkitInfo {
  const toolkit = findToolkit(tool.toolkit);
  if (!toolkit) throw new Error(`catalog: tool ${tool.slug} names unknown toolkit ${tool.toolkit}`);
  return toolkit;
}

/**
 * Tools. Any `version` / `toolkit_versions` is accepted; every tool reports the same version.
 * `@composio/core` 0.19.0 sends the search text as `search=`, newer SDKs as `query=`.
 */
export function toolsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get<{ Querystring: Query }>(`${API}/tools`, async (request) => {
    const q = request.query;
    const toolkits = csv(q.toolkit_slug)?.map((t) => t.toLowerCase());
    const slugs = csv(q.tool_slugs)?.map((s) => s.toUpperCase());
    const tags = csv(q.tags)?.map((t) => t.toLowerCase());
    const text = [q.query, q.search].find((v): v is string => typeof v === 'string' && v !== '');
    const words = text?.toLowerCase().split(/\s+/).filter(Boolean) ?? [];
    const important = boolParam(q.important) === true;
    const authConfigToolkits = csv(q.auth_config_ids)?.map(
      (id) => deps.state.getAuthConfig(id).toolkit,
    );
    const found = TOOLS.filter((t) => {
      const tTags = t.important ? ['important'] : [];
      const haystack = `${t.slug} ${t.name} ${t.description}`.toLowerCase();
      return (
        (!toolkits || toolkits.includes(t.toolkit)) &&
        (!slugs || slugs.includes(t.slug)) &&
        (!authConfigToolkits || authConfigToolkits.includes(t.toolkit)) &&
        (!important || t.important) &&
        (!tags || tags.some((tag) => tTags.includes(tag))) &&
        words.every((w) => haystack.includes(w))
      );
    }).map((t) => toolJson(t, toolkitOf(t)));
    return paginate(
      found,
      typeof q.cursor === 'string' ? q.cursor : undefined,
      intParam('limit', q.limit, 20, 10_000),
    ) satisfies ToolListResponse;
  });

  app.get(
    `${API}/tools/enum`,
    async () => TOOLS.map((t) => t.slug) satisfies ToolRetrieveEnumResponse,
  );

  app.get<{ Params: { slug: string } }>(`${API}/tools/:slug`, async (request) => {
    const tool = findTool(request.params.slug);
    if (!tool) throw new EmulatorError('TOOL_NOT_FOUND', `Tool ${request.params.slug} not found`);
    return toolJson(tool, toolkitOf(tool)) satisfies ToolRetrieveResponse;
  });

  app.post<{ Params: { slug: string }; Body: ToolExecuteParams | undefined }>(
    `${API}/tools/execute/:slug`,
    { schema: { body: executeBody } },
    async (request) =>
      executeTool(
        deps.state,
        deps.execute,
        request.params.slug,
        request.body ?? {},
      ) satisfies ToolExecuteResponse,
  );
}
