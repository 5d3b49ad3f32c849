/**
 * Records → Composio's wire shapes. Every function is checked against the response types that
 * `@composio/client` publishes, so a drift in those types fails the typecheck.
 */
import type {
  AuthConfigRetrieveResponse,
  ConnectedAccountListResponse,
  ConnectedAccountRetrieveResponse,
  ToolkitListResponse,
  ToolkitRetrieveResponse,
  ToolRetrieveResponse,
} from '@composio/client/resources';
import { TOOLS } from './catalog/index.js';
import type { Tool } from './catalog/tool.js';
import {
  AVAILABLE_VERSIONS,
  CATALOG_CREATED_AT,
  CATALOG_UPDATED_AT,
  logoFor,
  TOOL_VERSION,
  type ToolkitInfo,
} from './catalog/toolkits.js';
import { stableUuid } from './state/ids.js';
import { consentUrl } from './state/store.js';
import type { AccountRecord, AuthConfigRecord } from './state/types.js';

const iso = (ms: number) => new Date(ms).toISOString();

type AccountState = ConnectedAccountRetrieveResponse['state'];

/** The OAuth2 connection state, shaped per status as `@composio/core` validates it. */
function accountState(a: AccountRecord, publicUrl: string): AccountState {
  const known = {
    ...(a.identity ? { account_identity: a.identity } : {}),
    ...(a.accessToken ? { access_token: a.accessToken } : {}),
  };
  switch (a.status) {
    case 'INITIATED':
      return {
        authScheme: 'OAUTH2',
        val: {
          ...known,
          status: 'INITIATED',
          redirectUrl: a.link ? consentUrl(publicUrl, a.link.token) : '',
          ...(a.callbackUrl ? { callback_url: a.callbackUrl } : {}),
        },
      };
    case 'ACTIVE':
    case 'INACTIVE':
      return {
        authScheme: 'OAUTH2',
        val: {
          ...known,
          status: a.status,
          access_token: a.accessToken ?? '',
          token_type: 'Bearer',
        },
      };
    case 'FAILED':
      return {
        authScheme: 'OAUTH2',
        val: {
          ...known,
          status: 'FAILED',
          error: 'access_denied',
          error_description: a.statusReason ?? 'The connection failed',
        },
      };
    case 'EXPIRED':
      return {
        authScheme: 'OAUTH2',
        val: { ...known, status: 'EXPIRED', expired_at: iso(a.updatedAt) },
      };
  }
}

/**
 * A connected account as `GET /connected_accounts/{id}` returns it, plus the upstream identity
 * in `data.account_identity` and `state.val.account_identity`.
 */
export function accountJson(
  a: AccountRecord,
  authConfig: AuthConfigRecord,
  publicUrl: string,
): ConnectedAccountRetrieveResponse {
  return {
    id: a.id,
    alias: a.alias,
    auth_config: {
      id: authConfig.id,
      auth_scheme: authConfig.authScheme,
      is_composio_managed: authConfig.isComposioManaged,
      is_disabled: authConfig.status === 'DISABLED',
    },
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
    data: a.identity ? { account_identity: a.identity } : {},
    params: {},
    is_disabled: a.isDisabled,
    state: accountState(a, publicUrl),
    status: a.status,
    status_reason: a.statusReason,
    toolkit: { slug: a.toolkit },
    user_id: a.userId,
    word_id: a.wordId,
  } satisfies ConnectedAccountRetrieveResponse;
}

/**
 * A connected account as an item of `GET /connected_accounts`: the single account's shape
 * without `params`, which neither Composio's description nor the client's list type has.
 */
export function accountListItem(
  a: AccountRecord,
  authConfig: AuthConfigRecord,
  publicUrl: string,
): ConnectedAccountListResponse.Item {
  const { params: _params, ...item } = accountJson(a, authConfig, publicUrl);
  return item;
}

export function authConfigJson(
  c: AuthConfigRecord,
  connections: number,
): AuthConfigRetrieveResponse {
  return {
    id: c.id,
    uuid: c.uuid,
    name: c.name,
    type: c.isComposioManaged ? 'default' : 'custom',
    status: c.status,
    no_of_connections: connections,
    toolkit: { slug: c.toolkit, logo: logoFor(c.toolkit) },
    auth_scheme: c.authScheme,
    is_composio_managed: c.isComposioManaged,
    is_enabled_for_tool_router: false,
    credentials: { scopes: c.scopes },
    expected_input_fields: [],
    tool_access_config: {
      tools_available_for_execution: [],
      tools_for_connected_account_creation: [],
    },
    created_by: 'emulator',
    created_at: iso(c.createdAt),
    last_updated_at: iso(c.updatedAt),
  } satisfies AuthConfigRetrieveResponse;
}

export function toolJson(t: Tool, toolkit: ToolkitInfo): ToolRetrieveResponse {
  return {
    slug: t.slug,
    name: t.name,
    description: t.description,
    human_description: t.description,
    toolkit: { slug: toolkit.slug, name: toolkit.name, logo: logoFor(toolkit.slug) },
    input_parameters: t.input,
    output_parameters: {
      type: 'object',
      properties: {
        data: t.output,
        error: { type: 'string', nullable: true, description: 'Error, if the tool failed.' },
        successful: { type: 'boolean', description: 'Whether the tool succeeded.' },
      },
      required: ['data', 'successful'],
    },
    tags: [...(t.important ? ['important'] : []), ...t.hints],
    scopes: t.scopes,
    scope_requirements: null,
    no_auth: false,
    version: TOOL_VERSION,
    available_versions: AVAILABLE_VERSIONS,
    is_deprecated: false,
    deprecated: {
      available_versions: AVAILABLE_VERSIONS,
      displayName: t.name,
      is_deprecated: false,
      toolkit: { logo: logoFor(toolkit.slug) },
      version: TOOL_VERSION,
    },
  } satisfies ToolRetrieveResponse;
}

function toolkitMeta(t: ToolkitInfo) {
  return {
    categories: [t.category],
    created_at: CATALOG_CREATED_AT,
    updated_at: CATALOG_UPDATED_AT,
    description: t.description,
    logo: logoFor(t.slug),
    app_url: t.appUrl,
    tools_count: TOOLS.filter((tool) => tool.toolkit === t.slug).length,
    triggers_count: 0,
    version: TOOL_VERSION,
  };
}

export function toolkitJson(t: ToolkitInfo): ToolkitRetrieveResponse {
  return {
    slug: t.slug,
    name: t.name,
    type: 'native',
    enabled: true,
    is_local_toolkit: false,
    meta: { ...toolkitMeta(t), available_versions: AVAILABLE_VERSIONS },
    base_url: t.baseUrl,
    get_current_user_endpoint: t.getCurrentUserEndpoint,
    get_current_user_endpoint_method: 'GET',
    composio_managed_auth_schemes: ['OAUTH2'],
    composio_managed_auth: [{ mode: 'OAUTH2', scopes: { available: t.scopes } }],
    auth_config_details: [
      {
        name: t.name,
        mode: 'OAUTH2',
        auth_hint_url: null,
        fields: {
          auth_config_creation: {
            required: [],
            optional: [
              {
                name: 'scopes',
                displayName: 'Scopes',
                description: 'Scopes to request, comma separated.',
                type: 'string',
                required: false,
                default: t.scopes.join(','),
              },
            ],
          },
          connected_account_initiation: { required: [], optional: [] },
        },
        proxy: { base_url: t.baseUrl },
      },
    ],
    deprecated: { toolkitId: stableUuid(`toolkit:${t.slug}`), rawProxyInfoByAuthSchemes: [] },
  } satisfies ToolkitRetrieveResponse;
}

export function toolkitListItem(t: ToolkitInfo): ToolkitListResponse.Item {
  const { category, ...meta } = { ...toolkitMeta(t), category: t.category };
  return {
    slug: t.slug,
    name: t.name,
    type: 'native',
    is_local_toolkit: false,
    meta: { ...meta, categories: [{ id: category.slug, name: category.name }] },
    auth_schemes: ['OAUTH2'],
    composio_managed_auth_schemes: ['OAUTH2'],
    no_auth: false,
    deprecated: { toolkitId: stableUuid(`toolkit:${t.slug}`) },
  } satisfies ToolkitListResponse.Item;
}

/** One page of `items` behind an opaque cursor (the base64url of the offset). */
export function paginate<T>(
  items: readonly T[],
  cursor: string | undefined,
  limit: number,
): {
  items: T[];
  next_cursor: string | null;
  total_pages: number;
  current_page: number;
  total_items: number;
} {
  const offset = decodeCursor(cursor);
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? offset + limit : null;
  return {
    items: page,
    next_cursor: next === null ? null : Buffer.from(String(next)).toString('base64url'),
    total_pages: Math.max(1, Math.ceil(items.length / limit)),
    current_page: Math.floor(offset / limit) + 1,
    total_items: items.length,
  };
}

function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const n = Number.parseInt(Buffer.from(cursor, 'base64url').toString(), 10);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}
