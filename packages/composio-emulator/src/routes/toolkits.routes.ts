import type {
  ToolkitListResponse,
  ToolkitRetrieveCategoriesResponse,
  ToolkitRetrieveResponse,
} from '@composio/client/resources';
import type { FastifyInstance } from 'fastify';
import { findToolkit, TOOLKITS } from '../catalog/toolkits.js';
import { EmulatorError } from '../errors.js';
import { paginate, toolkitJson, toolkitListItem } from '../serialize.js';
import { API, intParam, type Query } from './shared.js';

export function toolkitsRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: Query }>(`${API}/toolkits`, async (request) => {
    const { category, search, cursor, limit } = request.query;
    const wanted = typeof search === 'string' ? search.toLowerCase() : '';
    const found = TOOLKITS.filter(
      (t) =>
        (category === undefined || t.category.slug === category) &&
        (wanted === '' || t.slug.includes(wanted) || t.name.toLowerCase().includes(wanted)),
    ).map(toolkitListItem);
    return paginate(
      found,
      typeof cursor === 'string' ? cursor : undefined,
      intParam('limit', limit, 20, 1000),
    ) satisfies ToolkitListResponse;
  });

  app.get(`${API}/toolkits/categories`, async () => {
    const seen = new Map(TOOLKITS.map((t) => [t.category.slug, t.category.name]));
    const items = [...seen].map(([id, name]) => ({ id, name }));
    return paginate(items, undefined, 1000) satisfies ToolkitRetrieveCategoriesResponse;
  });

  app.get<{ Params: { slug: string } }>(`${API}/toolkits/:slug`, async (request) => {
    const toolkit = findToolkit(request.params.slug);
    if (!toolkit) {
      throw new EmulatorError('TOOLKIT_NOT_FOUND', `Toolkit ${request.params.slug} not found`);
    }
    return toolkitJson(toolkit) satisfies ToolkitRetrieveResponse;
  });
}
