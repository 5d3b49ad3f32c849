import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from '@switchboard/composio-gateway';
import { composioUserIdFor, needsApproval, type Scope } from '@switchboard/identity';
import { type Acting, type Routed, routeIn } from '../access/acting.js';
import type { AccountRecord } from '../modules/connections/accounts.repo.js';
import { mayExecute } from '../modules/tools/execution.service.js';
import type { AppDeps } from '../platform/deps.js';

/** The argument Switchboard adds to a tool whose scope holds several accounts of its toolkit. */
export const ACCOUNT_ARGUMENT = 'account';

/** At most this many tools in one `tools/list`, and the default. */
export const TOOLS_MAX = 200;
export const TOOLS_DEFAULT = 100;

/** MCP's behaviour hints, where a tool's Composio tags name them. */
const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

/** A toolkit's accounts in the scope it routes to here, with its policy. */
export interface ToolkitHome extends Routed {
  toolkit: string;
  /** Every account of the toolkit in that scope, newest first (any status). */
  accounts: AccountRecord[];
}

/**
 * Where each toolkit the caller has accounts for lives in this context (rule 4), keeping only
 * the accounts of that scope: in Acme, Gmail with the caller's own accounts and Slack (routed to
 * the organization by its policy) with Acme's.
 */
export function toolkitHomes(acting: Acting, accounts: readonly AccountRecord[]): ToolkitHome[] {
  const homes = new Map<string, ToolkitHome>();
  for (const account of accounts) {
    let home = homes.get(account.toolkit);
    if (!home) {
      home = { toolkit: account.toolkit, ...routeIn(acting, account.toolkit), accounts: [] };
      homes.set(account.toolkit, home);
    }
    if (account.composioUserId === composioUserIdFor(home.scope)) home.accounts.push(account);
  }
  return [...homes.values()].filter((home) => home.accounts.length > 0);
}

const active = (accounts: readonly AccountRecord[]) =>
  accounts.filter((account) => account.status === 'ACTIVE');

function whose(acting: Acting, scope: Scope): string {
  return scope.kind === 'org' ? `${acting.org?.orgName ?? scope.orgId}'s` : 'your';
}

function describeAccount(account: AccountRecord): string {
  const name = account.label ?? account.upstreamIdentity ?? account.id;
  const identity =
    account.label && account.upstreamIdentity ? ` (${account.upstreamIdentity})` : '';
  return `${name}${identity}, id ${account.id}${account.isDefault ? ', the default' : ''}`;
}

/**
 * The tool's JSON Schema, with an `account` argument when the scope holds several ACTIVE
 * accounts of its toolkit (required when the policy asks for an explicit choice). A tool that
 * has an `account` argument of its own keeps it, and the default choice applies.
 */
function inputSchemaFor(tool: ToolDefinition, home: ToolkitHome): Tool['inputSchema'] {
  const schema = { ...tool.inputParameters, type: 'object' as const } as Tool['inputSchema'];
  const choices = active(home.accounts);
  const properties = (schema.properties ?? {}) as Record<string, object>;
  if (choices.length < 2 || ACCOUNT_ARGUMENT in properties) return schema;
  const names = choices.flatMap((account) => [
    account.id,
    ...(account.label ? [account.label] : []),
  ]);
  const explicit = home.policy?.requireExplicitSelection ?? false;
  return {
    ...schema,
    properties: {
      ...properties,
      [ACCOUNT_ARGUMENT]: {
        type: 'string',
        enum: [...new Set(names)],
        description:
          `Which ${tool.toolkit} account to run with, by id or label: ` +
          `${choices.map(describeAccount).join('; ')}.` +
          (explicit ? ' Required: the organization asks for an explicit choice.' : ''),
      },
    },
    required: explicit ? [...(schema.required ?? []), ACCOUNT_ARGUMENT] : schema.required,
  };
}

function annotationsOf(tool: ToolDefinition): Tool['annotations'] {
  const annotations: NonNullable<Tool['annotations']> = { title: tool.name };
  for (const hint of HINTS) if (tool.tags.includes(hint)) annotations[hint] = true;
  // Composio marks what a tool does, not what it does not: a read-only tool destroys nothing.
  if (annotations.readOnlyHint) annotations.destructiveHint = false;
  return annotations;
}

export function mcpToolOf(
  acting: Acting,
  tool: ToolDefinition,
  home: ToolkitHome,
  toolkitName: string,
): Tool {
  // An agent should know before calling that the call will wait for a person.
  const held = needsApproval(acting.caller, {
    scope: home.scope,
    tool: tool.slug,
    policy: home.policy,
  })
    ? ' Needs an approver’s yes here: calling it asks for one, and it runs once approved.'
    : '';
  return {
    name: tool.slug,
    title: tool.name,
    description: `${tool.description.trim()}\n\nRuns with ${whose(acting, home.scope)} ${toolkitName}.${held}`,
    inputSchema: inputSchemaFor(tool, home),
    annotations: annotationsOf(tool),
  };
}

/**
 * The tools the caller may run in this context: those of the toolkits with an ACTIVE account in
 * the scope each routes to, that the policy lets the caller execute (rules 3–5), narrowed to
 * `toolkits` when given, at most `limit`.
 */
export async function listMcpTools(
  deps: AppDeps,
  acting: Acting,
  accounts: readonly AccountRecord[],
  options: { toolkits?: readonly string[] | undefined; limit: number },
): Promise<Tool[]> {
  const homes = toolkitHomes(acting, accounts).filter(
    (home) =>
      active(home.accounts).length > 0 &&
      (options.toolkits === undefined || options.toolkits.includes(home.toolkit)),
  );
  if (homes.length === 0) return [];
  const toolkits = homes.map((home) => home.toolkit).sort();
  const [tools, names] = await Promise.all([
    deps.toolLists.get(JSON.stringify(['mcp', toolkits]), () =>
      deps.gateway.listTools({ toolkits, limit: TOOLS_MAX }),
    ),
    deps.toolkitNames.get('all', async () =>
      Object.fromEntries(
        (await deps.gateway.listToolkits({ limit: 200 })).map((t) => [t.slug, t.name]),
      ),
    ),
  ]);
  const byToolkit = new Map(homes.map((home) => [home.toolkit, home]));
  const listed: Tool[] = [];
  for (const tool of tools) {
    const home = byToolkit.get(tool.toolkit);
    if (!home || !mayExecute(acting.caller, home, tool)) continue;
    listed.push(mcpToolOf(acting, tool, home, names[tool.toolkit] ?? tool.toolkit));
    if (listed.length >= options.limit) break;
  }
  return listed;
}
