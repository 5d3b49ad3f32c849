import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { type OrgId, toolkitSlugSchema, toolSlugSchema, type UserId } from '@switchboard/identity';
import { z } from 'zod';
import { actingAs, NotAMemberError, routeIn } from '../access/acting.js';
import { authorizeChange } from '../access/changes.js';
import { loadCaller, loadCallerWithAccounts } from '../auth/authenticate.js';
import { authorizeConnection } from '../modules/connections/connection-requests.service.js';
import { labelInput } from '../modules/connections/connections.schema.js';
import { executeTool } from '../modules/tools/execution.service.js';
import { idempotencyKeyInput, toolArgumentsInput } from '../modules/tools/tools.schema.js';
import type { AppDeps } from '../platform/deps.js';
import {
  dataResult,
  executedResult,
  failedCall,
  invalidParams,
  jsonRpcError,
} from './mcp-results.js';
import { ACCOUNT_ARGUMENT, listMcpTools, toolkitHomes } from './mcp-tools.js';

/** What one MCP request runs as: a verified caller, acting personally or in one organization. */
export interface McpRequestContext {
  deps: AppDeps;
  userId: UserId;
  orgId: OrgId | undefined;
  /** This API's base URL (connection requests send the browser back to it). */
  publicUrl: string;
  /** `?toolkits=` of the endpoint's URL, narrowing `tools/list`. */
  toolkits: string[] | undefined;
  limit: number;
  /** Set when the caller turned out not to be a member: the endpoint then answers 404. */
  outcome: { notAMember: boolean };
  /** Validates JSON Schemas for the SDK's server (built once per app, not per request). */
  jsonSchemaValidator: jsonSchemaValidator;
}

const LIST_ACCOUNTS = 'switchboard_list_accounts';
const CONNECT = 'switchboard_connect';

const META_TOOLS: Tool[] = [
  {
    name: LIST_ACCOUNTS,
    title: 'List usable accounts',
    description:
      'The connected accounts tools run with here (id, toolkit, label, upstream identity, status, and which is the default), so you can pick one with a tool\'s "account" argument or tell the user what to reconnect.',
    inputSchema: {
      type: 'object',
      properties: { toolkit: { type: 'string', description: 'Only this toolkit (e.g. "gmail")' } },
    },
    annotations: { title: 'List usable accounts', readOnlyHint: true, openWorldHint: false },
  },
  {
    name: CONNECT,
    title: 'Connect an account',
    description:
      "Starts connecting a toolkit where this context keeps it (the organization's or the user's own, as its policy says). Returns a consent URL to show the user; once they approve, the toolkit's tools appear in tools/list.",
    inputSchema: {
      type: 'object',
      properties: {
        toolkit: { type: 'string', description: 'The toolkit to connect (e.g. "github")' },
        label: { type: 'string', description: 'A name for the new account (e.g. "work")' },
      },
      required: ['toolkit'],
    },
    annotations: { title: 'Connect an account', readOnlyHint: false, openWorldHint: true },
  },
];

const listAccountsInput = z.object({ toolkit: toolkitSlugSchema.optional() }).strict();
const connectInput = z
  .object({ toolkit: toolkitSlugSchema, label: labelInput.optional() })
  .strict();

function parseOrRefuse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw invalidParams(
      parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`)
        .join('; '),
    );
  }
  return parsed.data;
}

async function listAccounts(ctx: McpRequestContext, args: unknown): Promise<CallToolResult> {
  const { toolkit } = parseOrRefuse(listAccountsInput, args);
  const { caller, accounts } = await loadCallerWithAccounts(ctx.deps, ctx.userId, {
    orgId: ctx.orgId,
    toolkit,
  });
  const acting = actingAs(caller, ctx.orgId);
  const usable = toolkitHomes(acting, accounts).flatMap((home) =>
    home.accounts.map((account) => ({
      id: account.id,
      toolkit: account.toolkit,
      scope:
        account.scope.kind === 'org'
          ? { kind: 'org', id: account.scope.orgId }
          : { kind: 'user', id: account.scope.userId },
      label: account.label,
      upstreamIdentity: account.upstreamIdentity,
      status: account.status,
      isDefault: account.isDefault,
    })),
  );
  const text =
    usable.length === 0
      ? 'No accounts are connected here yet; switchboard_connect starts connecting one.'
      : usable
          .map(
            (a) =>
              `${a.toolkit}: ${a.label ?? '(no label)'} ${a.upstreamIdentity ? `(${a.upstreamIdentity}) ` : ''}id ${a.id}, ${a.status}${a.isDefault ? ', default' : ''}`,
          )
          .join('\n');
  return dataResult(text, { accounts: usable });
}

async function connect(ctx: McpRequestContext, args: unknown): Promise<CallToolResult> {
  const input = parseOrRefuse(connectInput, args);
  const caller = await loadCaller(ctx.deps, ctx.userId);
  const acting = actingAs(caller, ctx.orgId);
  const route = routeIn(acting, input.toolkit);
  // The same rules as connections.authorize: a member cannot connect for the organization.
  await authorizeChange(
    ctx.deps,
    caller,
    'connections.connect',
    { scope: route.scope, toolkit: input.toolkit, policy: route.policy },
    { subject: input.toolkit, channel: 'mcp' },
  );
  const pending = await authorizeConnection(ctx.deps, ctx.userId, route, ctx.publicUrl, input);
  return dataResult(
    `Show the user this link to connect ${input.toolkit}: ${pending.redirectUrl} (valid until ${pending.expiresAt}). Its tools appear once they approve.`,
    { ...pending, toolkit: input.toolkit },
  );
}

/** Splits Switchboard's `account` choice from the tool's own arguments. */
function splitAccountChoice(args: Record<string, unknown>, toolSchema: Record<string, unknown>) {
  const own = (toolSchema.properties ?? {}) as Record<string, unknown>;
  const choice = args[ACCOUNT_ARGUMENT];
  if (ACCOUNT_ARGUMENT in own || choice === undefined) return { args, account: undefined };
  if (typeof choice !== 'string') throw invalidParams(`${ACCOUNT_ARGUMENT}: must be a string`);
  const { [ACCOUNT_ARGUMENT]: _choice, ...rest } = args;
  return { args: rest, account: choice };
}

/**
 * Where a `tools/call` carries its idempotency key: the request's `_meta`, set by the agent's
 * framework (which retries) rather than by the model (which picks arguments).
 */
export const IDEMPOTENCY_META_KEY = 'io.switchboard/idempotencyKey';

function idempotencyKeyOf(meta: Record<string, unknown> | undefined): string | undefined {
  const value = meta?.[IDEMPOTENCY_META_KEY];
  if (value === undefined) return undefined;
  const parsed = idempotencyKeyInput.safeParse(value);
  if (!parsed.success) {
    throw invalidParams(
      `_meta.${IDEMPOTENCY_META_KEY}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
    );
  }
  return parsed.data;
}

async function runTool(
  ctx: McpRequestContext,
  name: string,
  rawArgs: unknown,
  meta: Record<string, unknown> | undefined,
): Promise<CallToolResult> {
  if (!toolSlugSchema.safeParse(name).success) throw invalidParams(`Unknown tool ${name}`);
  const checked = toolArgumentsInput.safeParse(rawArgs ?? {});
  if (!checked.success) {
    throw invalidParams(checked.error.issues.map((issue) => issue.message).join('; '));
  }
  const idempotencyKey = idempotencyKeyOf(meta);
  const tool = await ctx.deps.gateway.getTool(name);
  const { args, account } = splitAccountChoice(checked.data, tool.inputParameters);
  const output = await executeTool(
    ctx.deps,
    ctx.userId,
    { tool: name, arguments: args, orgId: ctx.orgId, account, idempotencyKey },
    { channel: 'mcp' },
  );
  return executedResult(output);
}

/**
 * An MCP server for one HTTP request (the endpoint is stateless: every request carries its
 * token and is answered by itself, so any instance can serve it). `tools/call` runs the same
 * execution path as `tools.execute`, audited with `channel: mcp`.
 */
export function mcpServerFor(ctx: McpRequestContext): Server {
  const server = new Server(
    { name: 'switchboard', version: '1.0.0' },
    {
      capabilities: { tools: { listChanged: false } },
      jsonSchemaValidator: ctx.jsonSchemaValidator,
      instructions:
        'Tools run with the connected accounts Switchboard picks for this user and context. ' +
        'When a tool reports NO_CONNECTED_ACCOUNT, call switchboard_connect; when it reports ' +
        'AMBIGUOUS_ACCOUNT, call it again with "account".',
    },
  );
  const production = ctx.deps.config.NODE_ENV === 'production';

  const notAMember = (error: unknown) => {
    if (error instanceof NotAMemberError) ctx.outcome.notAMember = true;
  };

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    try {
      const { caller, accounts } = await loadCallerWithAccounts(ctx.deps, ctx.userId, {
        orgId: ctx.orgId,
      });
      const acting = actingAs(caller, ctx.orgId);
      const tools = await listMcpTools(ctx.deps, acting, accounts, {
        toolkits: ctx.toolkits,
        limit: ctx.limit,
      });
      return { tools: [...META_TOOLS, ...tools] };
    } catch (error) {
      notAMember(error);
      throw jsonRpcError(error, production);
    }
  });

  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name, arguments: args, _meta: meta } = request.params;
    try {
      if (name === LIST_ACCOUNTS) return await listAccounts(ctx, args);
      if (name === CONNECT) return await connect(ctx, args);
      return await runTool(ctx, name, args, meta);
    } catch (error) {
      if (error instanceof McpError) throw error;
      notAMember(error);
      return failedCall(error, production);
    }
  });
  return server;
}
