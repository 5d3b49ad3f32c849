import type {
  ConnectedAccountCreateParams,
  ConnectedAccountCreateResponse,
  ConnectedAccountDeleteResponse,
  ConnectedAccountListResponse,
  ConnectedAccountPatchResponse,
  ConnectedAccountRefreshResponse,
  ConnectedAccountRetrieveResponse,
  ConnectedAccountUpdateStatusResponse,
  LinkCreateParams,
  LinkCreateResponse,
} from '@composio/client/resources';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EmulatorError } from '../errors.js';
import { accountJson, accountListItem, paginate } from '../serialize.js';
import type { AccountRecord, ComposioStatus } from '../state/types.js';
import { COMPOSIO_STATUSES } from '../state/types.js';
import { API, csv, intParam, publicUrlOf, type Query, type RouteDeps } from './shared.js';

const linkBody = {
  type: 'object',
  required: ['auth_config_id', 'user_id'],
  properties: {
    auth_config_id: { type: 'string', minLength: 1 },
    user_id: { type: 'string', minLength: 1 },
    callback_url: { type: 'string' },
    alias: { type: 'string' },
  },
} as const;

const initiateBody = {
  type: 'object',
  required: ['auth_config', 'connection'],
  properties: {
    auth_config: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', minLength: 1 } },
    },
    connection: {
      type: 'object',
      properties: {
        user_id: { type: 'string' },
        callback_url: { type: 'string' },
        alias: { type: 'string' },
      },
    },
  },
} as const;

const statusBody = {
  type: 'object',
  required: ['enabled'],
  properties: { enabled: { type: 'boolean' } },
} as const;

// RFC 9745 / RFC 8594 headers the live service sets on the retiring initiate path.
const DEPRECATION_HEADERS = {
  deprecation: '@1776988800',
  sunset: 'Fri, 03 Jul 2026 00:00:00 GMT',
};

const RETIRED_MESSAGE =
  'Creating connections on this endpoint for Composio-managed OAuth auth configs is no longer ' +
  'supported. Use POST /api/v3/connected_accounts/link instead.';

export function connectedAccountsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { state } = deps;
  const json = (account: AccountRecord, request: FastifyRequest) =>
    accountJson(account, state.getAuthConfig(account.authConfigId), publicUrlOf(state, request));

  app.get<{ Querystring: Query }>(`${API}/connected_accounts`, async (request) => {
    const q = request.query;
    const statuses = csv(q.statuses);
    const unknown = statuses?.find((s) => !(COMPOSIO_STATUSES as readonly string[]).includes(s));
    if (unknown !== undefined) {
      throw new EmulatorError(
        'BAD_REQUEST',
        `Invalid status '${unknown}'; expected one of ${COMPOSIO_STATUSES.join(', ')}`,
      );
    }
    const found = state.queryAccounts({
      userIds: csv(q.user_ids),
      toolkitSlugs: csv(q.toolkit_slugs),
      authConfigIds: csv(q.auth_config_ids),
      statuses: statuses as ComposioStatus[] | undefined,
      ids: csv(q.connected_account_ids),
      orderBy: q.order_by === 'updated_at' ? 'updated_at' : 'created_at',
      direction: q.order_direction === 'asc' ? 'asc' : 'desc',
    });
    const page = paginate(
      found,
      typeof q.cursor === 'string' ? q.cursor : undefined,
      intParam('limit', q.limit, 20, 1000),
    );
    const publicUrl = publicUrlOf(state, request);
    return {
      ...page,
      items: page.items.map((a) =>
        accountListItem(a, state.getAuthConfig(a.authConfigId), publicUrl),
      ),
    } satisfies ConnectedAccountListResponse;
  });

  app.get<{ Params: { id: string } }>(
    `${API}/connected_accounts/:id`,
    async (request) =>
      json(state.getAccount(request.params.id), request) satisfies ConnectedAccountRetrieveResponse,
  );

  app.post<{ Body: LinkCreateParams }>(
    `${API}/connected_accounts/link`,
    { schema: { body: linkBody } },
    async (request, reply) => {
      const { auth_config_id, user_id, callback_url, alias } = request.body;
      const { account, redirectUrl } = state.link(
        {
          authConfigId: auth_config_id,
          userId: user_id,
          callbackUrl: callback_url ?? null,
          alias: alias ?? null,
        },
        publicUrlOf(state, request),
      );
      reply.code(201);
      return {
        link_token: account.link?.token ?? '',
        redirect_url: redirectUrl,
        expires_at: new Date(account.link?.expiresAt ?? state.now()).toISOString(),
        connected_account_id: account.id,
      } satisfies LinkCreateResponse;
    },
  );

  // The legacy initiate endpoint. For Composio-managed auth configs the live service first
  // flagged it deprecated (headers), then retired it (400); `legacyInitiate` picks which.
  app.post<{ Body: ConnectedAccountCreateParams }>(
    `${API}/connected_accounts`,
    { schema: { body: initiateBody } },
    async (request, reply) => {
      const { auth_config, connection } = request.body;
      const authConfig = state.getAuthConfig(auth_config.id);
      if (authConfig.isComposioManaged) {
        if (deps.legacyInitiate === 'retired') {
          throw new EmulatorError('LEGACY_INITIATE_RETIRED', RETIRED_MESSAGE, {
            suggestedFix:
              'Call POST /api/v3/connected_accounts/link with the same auth_config_id and user_id to get a redirect URL for the end user.',
          });
        }
        reply.headers(DEPRECATION_HEADERS);
      }
      const { account, redirectUrl } = state.link(
        {
          authConfigId: authConfig.id,
          userId: connection.user_id ?? 'default',
          callbackUrl: connection.callback_url ?? null,
          alias: connection.alias ?? null,
          startedBy: 'initiate',
        },
        publicUrlOf(state, request),
      );
      reply.code(201);
      const created = {
        id: account.id,
        connectionData: { authScheme: 'OAUTH2', val: { status: 'INITIATED', redirectUrl } },
        status: 'INITIATED',
        redirect_url: redirectUrl,
        redirect_uri: redirectUrl,
      } satisfies ConnectedAccountCreateResponse;
      // Composio's description requires the legacy UUIDs; @composio/client 0.1.0-alpha.76 does
      // not type them, so they are added past the `satisfies`.
      return {
        ...created,
        deprecated: { uuid: account.uuid, authConfigUuid: authConfig.uuid },
      };
    },
  );

  app.delete<{ Params: { id: string } }>(`${API}/connected_accounts/:id`, async (request) => {
    state.deleteAccount(request.params.id);
    return { success: true } satisfies ConnectedAccountDeleteResponse;
  });

  app.patch<{ Params: { id: string }; Body: { enabled: boolean } }>(
    `${API}/connected_accounts/:id/status`,
    { schema: { body: statusBody } },
    async (request) => {
      state.setEnabled(request.params.id, request.body.enabled);
      return { success: true } satisfies ConnectedAccountUpdateStatusResponse;
    },
  );

  app.patch<{ Params: { id: string }; Body: { alias?: string } | undefined }>(
    `${API}/connected_accounts/:id`,
    async (request) => {
      const account = state.getAccount(request.params.id);
      const alias = request.body?.alias;
      if (alias !== undefined) {
        account.alias = alias === '' ? null : alias;
        account.updatedAt = state.now();
      }
      return {
        id: account.id,
        status: account.status,
        success: true,
      } satisfies ConnectedAccountPatchResponse;
    },
  );

  app.post<{
    Params: { id: string };
    Querystring: { redirect_url?: string };
    Body: { redirect_url?: string; body_redirect_url?: string } | undefined;
  }>(`${API}/connected_accounts/:id/refresh`, async (request) => {
    const callbackUrl =
      request.query.redirect_url ?? request.body?.redirect_url ?? request.body?.body_redirect_url;
    const { account, redirectUrl } = state.refresh(
      request.params.id,
      { callbackUrl: callbackUrl ?? null },
      publicUrlOf(state, request),
    );
    return {
      id: account.id,
      status: account.status,
      redirect_url: redirectUrl,
    } satisfies ConnectedAccountRefreshResponse;
  });
}
