/**
 * What the emulator may send beyond Composio's OpenAPI description because `@composio/client`
 * 0.1.0-alpha.76 (the client `@composio/core` 0.19.0 is built on) has it: fields of a response,
 * and operations. They are reported, not failed. Every entry is typed against the client, so an
 * entry the client does not have fails the typecheck; a field in neither fails the check.
 */
import type {
  AuthConfigListResponse,
  AuthConfigRetrieveResponse,
  ConnectedAccountListResponse,
  ConnectedAccountRetrieveResponse,
  ConnectedAccounts,
  ToolkitListResponse,
  ToolkitRetrieveResponse,
  ToolListResponse,
  ToolRetrieveResponse,
} from '@composio/client/resources';

type Depth = [never, 0, 1, 2, 3, 4, 5, 6, 7, 8];

type Suffix<T, D extends number> = [D] extends [never]
  ? never
  : T extends readonly (infer U)[]
    ? `[]${'' | Suffix<NonNullable<U>, Depth[D]>}`
    : T extends object
      ? `.${FieldPath<T, D>}`
      : never;

/** Every field path of `T` in the check's notation, `[]` for array items: `items[].word_id`. */
export type FieldPath<T, D extends number = 8> = [D] extends [never]
  ? never
  : T extends object
    ? {
        [K in keyof T & string]-?: K | `${K}${Suffix<NonNullable<T[K]>, Depth[D]>}`;
      }[keyof T & string]
    : never;

/** Field paths of the client type `T`, checked by the compiler. */
const fieldsOf =
  <T>(type: string) =>
  (...paths: FieldPath<T>[]) => ({ type, paths: paths as readonly string[] });

/** `operationId status` → the client type of that body and the undescribed fields it has. */
const CLIENT_FIELDS: Record<string, { type: string; paths: readonly string[] }> = {
  'getAuthConfigs 200': fieldsOf<AuthConfigListResponse>('AuthConfigListResponse')(
    'items[].is_enabled_for_tool_router',
  ),
  'getAuthConfigsByNanoid 200': fieldsOf<AuthConfigRetrieveResponse>('AuthConfigRetrieveResponse')(
    'is_enabled_for_tool_router',
  ),
  'getConnectedAccounts 200': fieldsOf<ConnectedAccountListResponse>(
    'ConnectedAccountListResponse',
  )('items[].alias', 'items[].word_id'),
  'getConnectedAccountsByNanoid 200': fieldsOf<ConnectedAccountRetrieveResponse>(
    'ConnectedAccountRetrieveResponse',
  )('alias', 'word_id'),
  'getToolkits 200': fieldsOf<ToolkitListResponse>('ToolkitListResponse')('items[].type'),
  'getToolkitsBySlug 200': fieldsOf<ToolkitRetrieveResponse>('ToolkitRetrieveResponse')(
    'type',
    'get_current_user_endpoint_method',
    'composio_managed_auth',
    'auth_config_details[].auth_hint_url',
  ),
  'getTools 200': fieldsOf<ToolListResponse>('ToolListResponse')(
    'items[].human_description',
    'items[].scope_requirements',
  ),
  'getToolsByToolSlug 200': fieldsOf<ToolRetrieveResponse>('ToolRetrieveResponse')(
    'human_description',
    'scope_requirements',
  ),
};

/**
 * Error-body fields in neither: the description's `Error` has no `slug`, and the client does not
 * type error bodies (`APIError.error` is `Object | undefined`). The live service sends it, e.g.
 * `"slug":"ActionExecute_ConnectedAccountEntityIdMismatch"` quoted from a 2026 response in
 * https://github.com/tinyhumansai/openhuman/issues/5731, so the emulator keeps it.
 */
const LIVE_ERROR_FIELDS: Record<string, string> = {
  'error.slug': 'sent by the live service (github.com/tinyhumansai/openhuman/issues/5731)',
};

/** Why an extra field is allowed, or null when nothing documents it. */
export function allowedExtra(
  operationId: string,
  status: number,
  side: 'request' | 'response',
  path: string,
): string | null {
  // The client sent it; the emulator's part is only to accept it.
  if (side === 'request') return 'sent by the client';
  const client = CLIENT_FIELDS[`${operationId} ${status}`];
  if (client?.paths.includes(path)) return `@composio/client ${client.type}`;
  const live = status >= 400 ? LIVE_ERROR_FIELDS[path] : undefined;
  return live ?? null;
}

/** A method of a client resource, checked by the compiler. */
const methodOf =
  <R>(resource: string) =>
  (method: keyof R & string) =>
    `${resource}.${method}`;

/**
 * Operations the client has and the description lacks: the emulator answers them, the check
 * counts them and holds their error bodies to the description's `Error`, nothing more.
 */
export const CLIENT_OPERATIONS: ReadonlyArray<{
  method: string;
  template: string;
  client: string;
}> = [
  {
    method: 'PATCH',
    template: '/api/v3.1/connected_accounts/{nanoid}',
    client: methodOf<ConnectedAccounts>('connectedAccounts')('patch'),
  },
];
