import { Composio, type ToolListParams } from '@composio/core';
import { type CallOptions, Deadline, runCall, sleep } from './call.js';
import {
  disableComposioTelemetry,
  type ResolvedGatewayConfig,
  resolveGatewayConfig,
} from './config.js';
import { type ErrorContext, GatewayError, isGatewayError } from './errors.js';
import type {
  AccountInfo,
  AccountStatus,
  ComposioGateway,
  ExecuteInput,
  ExecuteResult,
  GatewayConfig,
  GatewayObserver,
  LinkInput,
  LinkResult,
  ListAccountsQuery,
  ListToolsQuery,
  ToolDefinition,
  Toolkit,
} from './gateway.js';
import {
  authConfigListSchema,
  createdAuthConfigSchema,
  executeResponseSchema,
  type SdkAuthConfig,
  sdkAuthConfigSchema,
  toAccountInfo,
  toLinkResult,
  toolkitListSchema,
  toRefreshResult,
  toToolDefinition,
  toToolkit,
} from './mappers.js';
import { createNodeFetch } from './node-fetch.js';
import { TtlCache } from './tool-cache.js';

const COMPOSIO_CLOUD = 'https://backend.composio.dev';
const ACCOUNT_PAGE_SIZE = 100;
const TOOLKIT_PAGE_SIZE = 100;
const DEFAULT_TOOLKIT_LIMIT = 100;
const MAX_PAGES = 100;
const PENDING_STATUSES: ReadonlySet<AccountStatus> = new Set(['INITIALIZING', 'INITIATED']);

/**
 * Builds the gateway: one `@composio/core` instance, quiet and offline-safe (no tracking, no npm
 * version check, telemetry disabled process-wide), with the client's own retries off so only the
 * gateway decides what is sent twice.
 */
export function createComposioGateway(config: GatewayConfig): ComposioGateway {
  return new SdkComposioGateway(resolveGatewayConfig(config));
}

type Sdk = Composio;
let nodeFetch: typeof fetch | undefined;
/** One set of keep-alive agents for every gateway in the process. */
function sharedNodeFetch() {
  nodeFetch ??= createNodeFetch();
  return nodeFetch;
}

type RawClient = ReturnType<Sdk['getClient']>;

/** `send`, with the observer's headers (a trace context) added to each request. */
function withHeaders(send: typeof fetch, observer: GatewayObserver | undefined): typeof fetch {
  const headersOf = observer?.requestHeaders?.bind(observer);
  if (!headersOf) return send;
  return ((input: string | URL | Request, init: RequestInit = {}) => {
    const extra = headersOf();
    if (!extra) return send(input, init);
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    return send(input, { ...init, headers });
  }) as typeof fetch;
}

class SdkComposioGateway implements ComposioGateway {
  private readonly composio: Sdk;
  private readonly client: RawClient;
  private readonly tools: TtlCache<ToolDefinition>;
  private readonly authConfigResolutions = new Map<string, Promise<string>>();

  constructor(private readonly config: ResolvedGatewayConfig) {
    disableComposioTelemetry();
    this.composio = new Composio({
      apiKey: config.apiKey,
      baseURL: config.baseUrl ?? COMPOSIO_CLOUD,
      allowTracking: false,
      disableVersionCheck: true,
      toolkitVersions: config.toolkitVersions,
    });
    this.client = this.composio.getClient();
    // The client retries every non-execute write (link, auth-config create) by default, which can
    // duplicate them; the gateway retries idempotent reads itself instead.
    this.client.maxRetries = 0;
    this.client.timeout = config.timeoutMs;
    // The client takes a `fetch` option that Composio's constructor does not pass on; set it on
    // the one client every SDK call goes through (see node-fetch.ts for why).
    (this.client as unknown as { fetch: typeof fetch }).fetch = withHeaders(
      sharedNodeFetch(),
      config.observer,
    );
    this.tools = new TtlCache(config.toolCacheTtlMs, config.toolCacheMax);
  }

  // ---- toolkits -------------------------------------------------------------------------------

  async listToolkits(query: { search?: string; limit?: number } = {}): Promise<Toolkit[]> {
    const limit = positiveLimit(query.limit, DEFAULT_TOOLKIT_LIMIT);
    const search = query.search?.trim() || undefined;
    const deadline = this.deadline();
    const found: Toolkit[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    // The SDK's toolkits.get() does not pass `search`, so this goes through the raw client. The
    // search is also applied here, so the result means the same whatever the server supports.
    for (let page = 0; page < MAX_PAGES && found.length < limit; page++) {
      const { items, next } = await this.read(
        'toolkits.list',
        async (signal) => {
          const raw = await this.client.toolkits.list(
            {
              limit: Math.min(TOOLKIT_PAGE_SIZE, limit),
              ...(search && { search }),
              ...(cursor && { cursor }),
            },
            { signal },
          );
          const parsed = toolkitListSchema.parse(raw);
          return { items: parsed.items.map(toToolkit), next: parsed.next_cursor ?? undefined };
        },
        {},
        deadline,
      );
      for (const toolkit of items) {
        if (seen.has(toolkit.slug) || (search && !matchesSearch(toolkit, search))) continue;
        seen.add(toolkit.slug);
        found.push(toolkit);
      }
      if (!next || next === cursor) break;
      cursor = next;
    }
    return found.slice(0, limit);
  }

  async getToolkit(slug: string): Promise<Toolkit> {
    const toolkit = requireText(slug, 'toolkit slug').toLowerCase();
    return this.read(
      `toolkits.get ${toolkit}`,
      async (signal) => toToolkit(await this.composio.toolkits.get(toolkit, { signal })),
      { notFound: 'TOOLKIT_NOT_FOUND', badRequest: 'TOOLKIT_NOT_FOUND' },
    );
  }

  // ---- tools ----------------------------------------------------------------------------------

  async listTools(query: ListToolsQuery): Promise<ToolDefinition[]> {
    const tools = query.tools?.filter((t) => t.trim() !== '');
    const toolkits = query.toolkits?.map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
    const search = query.search?.trim() || undefined;
    if (!tools?.length && !toolkits?.length && !search) {
      throw new GatewayError(
        'INVALID_ARGUMENTS',
        'listTools needs at least one of tools, toolkits or search',
      );
    }
    const limit = query.limit === undefined ? undefined : positiveLimit(query.limit, 1);
    // The SDK refuses `tools` together with `toolkits`: ask for the tools, filter by toolkit here.
    // Keys are only set when defined: the SDK tests for their presence (`'tools' in query`).
    let params: ToolListParams;
    if (tools?.length) {
      params = { tools };
    } else if (toolkits?.length) {
      params = {
        toolkits,
        ...(search && { search }),
        ...(limit !== undefined && { limit }),
        important: query.important ?? false,
      };
    } else {
      params = { search: search ?? '' };
    }
    const definitions = await this.read('tools.list', async (signal) => {
      const raw = await this.composio.tools.getRawComposioTools(params, undefined, { signal });
      return raw.map(toToolDefinition);
    });
    for (const definition of definitions) this.tools.set(definition.slug, definition);
    const wanted = tools?.length && toolkits?.length ? new Set(toolkits) : undefined;
    const result = wanted ? definitions.filter((d) => wanted.has(d.toolkit)) : definitions;
    return limit === undefined ? result : result.slice(0, limit);
  }

  async getTool(slug: string): Promise<ToolDefinition> {
    return this.loadTool(requireText(slug, 'tool slug'), this.deadline());
  }

  private loadTool(slug: string, deadline: Deadline): Promise<ToolDefinition> {
    // Keyed by slug alone: the toolkit versions it is read at are fixed for this gateway.
    return this.tools.getOrLoad(slug, () =>
      this.read(
        `tools.get ${slug}`,
        async (signal) =>
          toToolDefinition(
            await this.composio.tools.getRawComposioToolBySlug(slug, undefined, { signal }),
          ),
        { notFound: 'TOOL_NOT_FOUND', badRequest: 'TOOL_NOT_FOUND' },
        deadline,
      ),
    );
  }

  async execute(input: ExecuteInput): Promise<ExecuteResult> {
    const slug = requireText(input.tool, 'tool');
    const userId = requireText(input.composioUserId, 'composioUserId');
    const accountId =
      input.connectedAccountId === undefined
        ? undefined
        : requireText(input.connectedAccountId, 'connectedAccountId');
    if (!isPlainObject(input.arguments)) {
      throw new GatewayError('INVALID_ARGUMENTS', 'arguments must be an object');
    }
    const deadline = this.deadline();
    const tool = await this.loadTool(slug, deadline);
    const version = this.versionFor(tool);

    // Straight to POST /tools/execute/{slug}: the SDK's tools.execute() would GET the definition
    // again first (two round trips per call), and the definition is already cached here.
    const response = await this.send(
      `tools.execute ${slug}`,
      async (signal) =>
        executeResponseSchema.parse(
          await this.client.tools.execute(
            tool.slug,
            {
              user_id: userId,
              ...(accountId && { connected_account_id: accountId }),
              arguments: input.arguments,
              version,
            },
            { signal },
          ),
        ),
      { notFound: 'TOOL_NOT_FOUND' },
      deadline,
    ).catch((error: unknown) => {
      if (isGatewayError(error, 'TOOL_NOT_FOUND')) this.tools.delete(slug);
      throw error;
    });

    const data = response.data ?? {};
    if (!response.successful) {
      const upstream = describeToolError(response.error);
      throw new GatewayError('TOOL_FAILED', `Tool ${slug} reported failure: ${upstream}`, {
        details: { error: upstream, data },
      });
    }
    return { data, logId: response.log_id ?? null };
  }

  private versionFor(tool: ToolDefinition): string {
    const pinned =
      this.config.toolkitVersions === 'latest'
        ? undefined
        : this.config.toolkitVersions[tool.toolkit];
    if (pinned && pinned !== 'latest') return pinned;
    return tool.version ?? 'latest';
  }

  // ---- auth configs ---------------------------------------------------------------------------

  async resolveAuthConfig(toolkit: string, preferredId?: string | null): Promise<string> {
    const slug = requireText(toolkit, 'toolkit').toLowerCase();
    if (preferredId) {
      const preferred = await this.findPreferredAuthConfig(slug, preferredId);
      if (preferred) return preferred;
    }
    const pending = this.authConfigResolutions.get(slug);
    if (pending) return pending;
    const resolution = this.findOrCreateAuthConfig(slug).finally(() => {
      this.authConfigResolutions.delete(slug);
    });
    this.authConfigResolutions.set(slug, resolution);
    return resolution;
  }

  private async findPreferredAuthConfig(toolkit: string, id: string): Promise<string | undefined> {
    try {
      const config = await this.read(`authConfigs.get ${id}`, async (signal) =>
        sdkAuthConfigSchema.parse(await this.composio.authConfigs.get(id, { signal })),
      );
      if (isUsableAuthConfig(config, toolkit)) return config.id;
      this.config.logger.warn(
        `composio-gateway: auth config ${id} is disabled or not for ${toolkit}; resolving another`,
      );
    } catch (error) {
      const status = isGatewayError(error) ? error.details?.status : undefined;
      if (status !== 404 && status !== 400) throw error;
      this.config.logger.warn(`composio-gateway: auth config ${id} not found; resolving another`);
    }
    return undefined;
  }

  private async findOrCreateAuthConfig(toolkit: string): Promise<string> {
    const deadline = this.deadline();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { items, nextCursor } = await this.read(
        `authConfigs.list ${toolkit}`,
        async (signal) =>
          authConfigListSchema.parse(
            await this.composio.authConfigs.list(
              { toolkit, ...(cursor && { cursor }) },
              { signal },
            ),
          ),
        {},
        deadline,
      );
      const usable = items.find((item) => isUsableAuthConfig(item, toolkit));
      if (usable) return usable.id;
      if (!nextCursor || nextCursor === cursor) break;
      cursor = nextCursor;
    }

    // None yet: create a Composio-managed one. Confirm the toolkit first, so an unknown slug is
    // TOOLKIT_NOT_FOUND rather than whatever the create endpoint says.
    const known = await this.getToolkit(toolkit);
    const created = await this.send(
      `authConfigs.create ${toolkit}`,
      async (signal) =>
        createdAuthConfigSchema.parse(
          await this.composio.authConfigs.create(
            toolkit,
            { type: 'use_composio_managed_auth', name: `${known.name} (Switchboard)` },
            { signal },
          ),
        ),
      { notFound: 'TOOLKIT_NOT_FOUND' },
    );
    this.config.logger.info?.(
      `composio-gateway: created Composio-managed auth config ${created.id} for ${toolkit}`,
    );
    return created.id;
  }

  // ---- connected accounts ---------------------------------------------------------------------

  async link(input: LinkInput): Promise<LinkResult> {
    const userId = requireText(input.composioUserId, 'composioUserId');
    const authConfigId = requireText(input.authConfigId, 'authConfigId');
    const toolkit = requireText(input.toolkit, 'toolkit').toLowerCase();
    // POST /connected_accounts/link through the raw client: the SDK's link() drops `expires_at`
    // and first lists the user's ACTIVE accounts, which allowMultiple makes pointless. Never
    // retried: a retry after an ambiguous failure could leave a second INITIATED account (it
    // would expire unused, but the caller should decide). The caller sees the error instead.
    return this.send(`connectedAccounts.link ${toolkit}`, async (signal) =>
      toLinkResult(
        await this.client.link.create(
          {
            auth_config_id: authConfigId,
            user_id: userId,
            ...(input.callbackUrl !== undefined && { callback_url: input.callbackUrl }),
            ...(input.alias !== undefined && { alias: input.alias }),
          },
          { signal },
        ),
      ),
    );
  }

  async listAccounts(query: ListAccountsQuery): Promise<AccountInfo[]> {
    const userId = requireText(query.composioUserId, 'composioUserId');
    const toolkit = query.toolkit?.trim().toLowerCase() || undefined;
    const statuses = query.statuses?.length ? [...new Set(query.statuses)] : undefined;
    return this.listAccountsOf(userId, toolkit, statuses, this.deadline());
  }

  private async listAccountsOf(
    userId: string,
    toolkit: string | undefined,
    statuses: AccountStatus[] | undefined,
    deadline: Deadline,
  ): Promise<AccountInfo[]> {
    const byId = new Map<string, AccountInfo>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { accounts, next } = await this.read(
        'connectedAccounts.list',
        async (signal) => {
          const result = await this.composio.connectedAccounts.list(
            {
              userIds: [userId],
              ...(toolkit && { toolkitSlugs: [toolkit] }),
              ...(statuses && { statuses }),
              ...(cursor && { cursor }),
              limit: ACCOUNT_PAGE_SIZE,
            },
            { signal },
          );
          return {
            accounts: result.items.map(toAccountInfo),
            next: result.nextCursor ?? undefined,
          };
        },
        {},
        deadline,
      );
      for (const account of accounts) byId.set(account.id, account);
      if (!next || next === cursor) break;
      cursor = next;
    }
    // The filters are re-applied in case the server ignored one; newest first.
    return [...byId.values()]
      .filter(
        (a) => (!toolkit || a.toolkit === toolkit) && (!statuses || statuses.includes(a.status)),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  async getAccount(id: string, options: { composioUserId?: string } = {}): Promise<AccountInfo> {
    const accountId = requireText(id, 'connected account id');
    const deadline = this.deadline();
    const account = await this.fetchAccount(accountId, deadline);
    if (options.composioUserId !== undefined) {
      const userId = requireText(options.composioUserId, 'composioUserId');
      // Composio no longer returns user_id on accounts; list the user's accounts instead.
      const owned = await this.listAccountsOf(userId, account.toolkit, undefined, deadline);
      if (!owned.some((a) => a.id === accountId)) {
        throw new GatewayError('ACCOUNT_NOT_FOUND', 'Connected account not found', {
          details: { operation: 'connectedAccounts.get', ownership: 'other user' },
        });
      }
    }
    return account;
  }

  private fetchAccount(id: string, deadline: Deadline): Promise<AccountInfo> {
    return this.read(
      'connectedAccounts.get',
      async (signal) => toAccountInfo(await this.composio.connectedAccounts.get(id, { signal })),
      { notFound: 'ACCOUNT_NOT_FOUND' },
      deadline,
    );
  }

  async deleteAccount(id: string): Promise<void> {
    const accountId = requireText(id, 'connected account id');
    await this.call(
      'connectedAccounts.delete',
      async (signal) => {
        await this.composio.connectedAccounts.delete(accountId, { signal });
      },
      { notFound: 'ACCOUNT_NOT_FOUND' },
      this.deadline(),
      {
        retry: true,
        // DELETE is idempotent: a retry that finds nothing means an earlier attempt succeeded.
        recover: (error, attempt) =>
          attempt > 1 && error.reason === 'ACCOUNT_NOT_FOUND' ? { value: undefined } : undefined,
      },
    );
  }

  enableAccount(id: string): Promise<void> {
    return this.setEnabled(id, true);
  }

  disableAccount(id: string): Promise<void> {
    return this.setEnabled(id, false);
  }

  private async setEnabled(id: string, enabled: boolean): Promise<void> {
    const accountId = requireText(id, 'connected account id');
    // Setting a status is idempotent, so it may be retried like a read.
    const result = await this.read(
      enabled ? 'connectedAccounts.enable' : 'connectedAccounts.disable',
      (signal) =>
        enabled
          ? this.composio.connectedAccounts.enable(accountId, { signal })
          : this.composio.connectedAccounts.disable(accountId, { signal }),
      { notFound: 'ACCOUNT_NOT_FOUND' },
    );
    if (isPlainObject(result) && result.success === false) {
      throw new GatewayError('UPSTREAM_UNAVAILABLE', `Composio did not update account ${id}`, {
        details: { operation: 'connectedAccounts.updateStatus' },
      });
    }
  }

  async refreshAccount(
    id: string,
    input: { redirectUrl?: string } = {},
  ): Promise<{ status: AccountStatus; redirectUrl: string | null }> {
    const accountId = requireText(id, 'connected account id');
    // Not retried: each refresh starts a new authorization round.
    return this.send(
      'connectedAccounts.refresh',
      async (signal) =>
        toRefreshResult(
          await this.composio.connectedAccounts.refresh(
            accountId,
            input.redirectUrl === undefined ? undefined : { redirectUrl: input.redirectUrl },
            { signal },
          ),
        ),
      { notFound: 'ACCOUNT_NOT_FOUND' },
    );
  }

  async waitForConnection(id: string, timeoutMs: number): Promise<AccountInfo> {
    const accountId = requireText(id, 'connected account id');
    const end = Date.now() + Math.max(0, timeoutMs);
    // Polls with the gateway's own reads (timeouts, retries, error mapping) rather than the SDK's
    // waitForConnection, which takes no AbortSignal and throws on FAILED/EXPIRED.
    for (;;) {
      const account = await this.fetchAccount(accountId, this.deadline());
      if (!PENDING_STATUSES.has(account.status)) return account;
      const left = end - Date.now();
      if (left <= 0) return account;
      await sleep(Math.min(this.config.pollIntervalMs, left));
    }
  }

  async ping(): Promise<void> {
    await this.read('ping', (signal) => this.client.toolkits.list({ limit: 1 }, { signal }));
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private deadline(): Deadline {
    return new Deadline(this.config.timeoutMs);
  }

  /** An idempotent call: retried on 429/5xx/connection errors within the deadline. */
  private read<T>(
    operation: string,
    fn: (signal: AbortSignal) => Promise<T>,
    context: Omit<ErrorContext, 'operation' | 'timedOut'> = {},
    deadline: Deadline = this.deadline(),
  ): Promise<T> {
    return this.call(operation, fn, context, deadline, { retry: true });
  }

  /** A call with side effects: sent once. */
  private send<T>(
    operation: string,
    fn: (signal: AbortSignal) => Promise<T>,
    context: Omit<ErrorContext, 'operation' | 'timedOut'> = {},
    deadline: Deadline = this.deadline(),
  ): Promise<T> {
    return this.call(operation, fn, context, deadline, { retry: false });
  }

  private call<T>(
    operation: string,
    fn: (signal: AbortSignal) => Promise<T>,
    context: Omit<ErrorContext, 'operation' | 'timedOut'>,
    deadline: Deadline,
    options: CallOptions<T>,
  ): Promise<T> {
    const run = () =>
      runCall(
        fn,
        { operation, ...context },
        deadline,
        this.config.retry,
        this.config.logger,
        options,
      );
    const observer = this.config.observer;
    if (!observer) return run();
    // `tools.execute GITHUB_GET_REPO`: the name is one of a fixed few, the subject is not.
    const space = operation.indexOf(' ');
    return space < 0
      ? observer.call(operation, undefined, run)
      : observer.call(operation.slice(0, space), operation.slice(space + 1), run);
  }
}

function isUsableAuthConfig(config: SdkAuthConfig, toolkit: string): boolean {
  const enabled = config.status == null || config.status.toUpperCase() === 'ENABLED';
  const slug = config.toolkit?.slug;
  return enabled && (slug == null || slug.toLowerCase() === toolkit);
}

function matchesSearch(toolkit: Toolkit, search: string): boolean {
  const needle = search.toLowerCase();
  return [toolkit.slug, toolkit.name, toolkit.description ?? ''].some((field) =>
    field.toLowerCase().includes(needle),
  );
}

function describeToolError(error: unknown): string {
  if (typeof error === 'string' && error !== '') return error;
  if (error == null) return 'no error message';
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new GatewayError('INVALID_ARGUMENTS', `${name} must be a non-empty string`);
  }
  return value.trim();
}

function positiveLimit(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new GatewayError('INVALID_ARGUMENTS', 'limit must be a positive integer');
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
