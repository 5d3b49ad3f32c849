import type {
  AuthConfigCreateParams,
  AuthConfigCreateResponse,
  AuthConfigListResponse,
  AuthConfigRetrieveResponse,
} from '@composio/client/resources';
import type { FastifyInstance } from 'fastify';
import { EmulatorError } from '../errors.js';
import { authConfigJson, paginate } from '../serialize.js';
import { API, boolParam, intParam, type Query, type RouteDeps } from './shared.js';

const createBody = {
  type: 'object',
  required: ['toolkit'],
  properties: {
    toolkit: {
      type: 'object',
      required: ['slug'],
      properties: { slug: { type: 'string', minLength: 1 } },
    },
    auth_config: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: ['use_composio_managed_auth', 'use_custom_auth'] },
        name: { type: 'string' },
      },
    },
  },
} as const;

export function authConfigsRoutes(app: FastifyInstance, { state }: RouteDeps): void {
  const json = (id: string) => authConfigJson(state.getAuthConfig(id), state.countConnections(id));

  app.get<{ Querystring: Query }>(`${API}/auth_configs`, async (request) => {
    const q = request.query;
    const toolkit = typeof q.toolkit_slug === 'string' ? q.toolkit_slug.toLowerCase() : undefined;
    const managed = boolParam(q.is_composio_managed);
    const showDisabled = boolParam(q.show_disabled) ?? false;
    const search = typeof q.search === 'string' ? q.search.toLowerCase() : '';
    const found = [...state.authConfigs.values()]
      .filter(
        (c) =>
          (toolkit === undefined || c.toolkit === toolkit) &&
          (managed === undefined || c.isComposioManaged === managed) &&
          (showDisabled || c.status === 'ENABLED') &&
          (search === '' || c.name.toLowerCase().includes(search)),
      )
      .map((c) => json(c.id));
    return paginate(
      found,
      typeof q.cursor === 'string' ? q.cursor : undefined,
      intParam('limit', q.limit, 20, 1000),
    ) satisfies AuthConfigListResponse;
  });

  app.get<{ Params: { id: string } }>(
    `${API}/auth_configs/:id`,
    async (request) => json(request.params.id) satisfies AuthConfigRetrieveResponse,
  );

  app.post<{ Body: AuthConfigCreateParams }>(
    `${API}/auth_configs`,
    { schema: { body: createBody } },
    async (request, reply) => {
      const { toolkit, auth_config } = request.body;
      const created = state.createAuthConfig({
        toolkit: toolkit.slug,
        ...(auth_config?.name ? { name: auth_config.name } : {}),
        managed: auth_config?.type !== 'use_custom_auth',
      });
      reply.code(201);
      return {
        auth_config: {
          id: created.id,
          auth_scheme: created.authScheme,
          is_composio_managed: created.isComposioManaged,
        },
        toolkit: { slug: created.toolkit },
      } satisfies AuthConfigCreateResponse;
    },
  );

  app.patch<{ Params: { id: string; status: string } }>(
    `${API}/auth_configs/:id/:status`,
    async (request) => {
      const { id, status } = request.params;
      if (status !== 'ENABLED' && status !== 'DISABLED') {
        throw new EmulatorError(
          'BAD_REQUEST',
          `Status must be ENABLED or DISABLED, not '${status}'`,
        );
      }
      const config = state.getAuthConfig(id);
      config.status = status;
      config.updatedAt = state.now();
      // Composio's description answers an empty object (the client types the body `unknown`).
      return {};
    },
  );
}
