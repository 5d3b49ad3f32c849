/**
 * An agent that plugs into Switchboard over MCP: bob, acting in Acme, lists the tools he may run
 * there and posts to Slack with Acme's shared account. Only the MCP SDK and fetch: this is what an
 * agent of yours would do.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';

const SEND = 'SLACK_SEND_MESSAGE';

export interface AgentOptions {
  /** Switchboard's API, e.g. `http://127.0.0.1:3000` (`pnpm dev`). */
  url: string;
  /** The organization to act in; its MCP endpoint is `/mcp/orgs/<orgId>`. */
  orgId: string;
  /** A bearer token for the person the agent acts for, asked for once per run. */
  getToken: () => Promise<string>;
  channel?: string;
  text?: string;
  /** Where the agent reports what it does (default: the console). */
  log?: (line: string) => void;
}

export interface AgentRun {
  tools: string[];
  /** The Slack call's result, when the tool was offered. */
  sent: CallToolResult | null;
}

/**
 * A token for one of `pnpm dev`'s seeded people, from `dev.signIn` (only with AUTH_MODE=dev; a
 * deployed Switchboard takes tokens from the organization's identity provider).
 */
export async function devToken(url: string, userId: string): Promise<string> {
  const response = await fetch(new URL('/trpc/dev.signIn', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  const body = (await response.json().catch(() => null)) as {
    result?: { data?: { token?: unknown } };
    error?: { message?: string; data?: { reason?: string } };
  } | null;
  const token = body?.result?.data?.token;
  if (!response.ok || typeof token !== 'string') {
    const why = body?.error?.data?.reason ?? `HTTP ${response.status}`;
    throw new Error(
      `dev.signIn refused ${userId} (${why}): is the API running with AUTH_MODE=dev?`,
    );
  }
  return token;
}

/** A tool result's text parts. */
export function textOf(result: CallToolResult): string {
  return result.content
    .map((part) => (part.type === 'text' ? part.text : `[${part.type}]`))
    .join('\n');
}

/** Whose account a tool runs with: the line Switchboard adds to each tool's description. */
function runsWith(tool: Tool): string {
  return tool.description?.match(/Runs with [^\n]+/)?.[0] ?? tool.title ?? '';
}

/** The agent's one run: connect, list the tools, post to Slack or say what is missing. */
export async function runAgent(options: AgentOptions): Promise<AgentRun> {
  const log = options.log ?? ((line: string) => console.log(line));
  const endpoint = new URL(`/mcp/orgs/${encodeURIComponent(options.orgId)}`, options.url);
  const token = await options.getToken();
  const transport = new StreamableHTTPClientTransport(endpoint, {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'switchboard-example-agent', version: '0.1.0' });
  await client.connect(transport);
  try {
    log(`Connected to ${endpoint.href} (${client.getServerVersion()?.name ?? 'MCP server'})`);
    const { tools } = await client.listTools();
    const width = Math.max(...tools.map((tool) => tool.name.length));
    log(`${tools.length} tools:`);
    for (const tool of tools) log(`  ${tool.name.padEnd(width)}  ${runsWith(tool)}`);

    if (!tools.some((tool) => tool.name === SEND)) {
      log('');
      log(`${SEND} is not offered here: Acme's Slack is not connected, or not Acme's to use.`);
      // The meta-tool answers with a consent link, or with why this person may not connect.
      const connect = (await client.callTool({
        name: 'switchboard_connect',
        arguments: { toolkit: 'slack' },
      })) as CallToolResult;
      log(`switchboard_connect says: ${textOf(connect)}`);
      log(
        connect.isError
          ? 'An Acme admin (alice in the demo) connects Slack for Acme: console → act in Acme → Connections → Connect Slack. Then run this again.'
          : "That link connects Slack for this person only, because Acme's Slack policy does not keep Slack at the organization: an admin sets it (console → Organization → toolkit policies) and connects Acme's Slack, then run this again.",
      );
      return { tools: tools.map((tool) => tool.name), sent: null };
    }

    const channel = options.channel ?? '#general';
    const text = options.text ?? `Hello from the MCP example agent (${new Date().toISOString()})`;
    log('');
    log(`Calling ${SEND} on ${channel}: "${text}"`);
    const sent = (await client.callTool({
      name: SEND,
      arguments: { channel, text },
    })) as CallToolResult;
    log(sent.isError ? `Refused or failed: ${textOf(sent)}` : `Slack answered: ${textOf(sent)}`);
    const run = sent.structuredContent as
      | { executionId?: string; connectedAccountId?: string; scope?: { kind: string; id: string } }
      | undefined;
    if (run?.connectedAccountId && run.scope) {
      const whose = run.scope.kind === 'org' ? `organization ${run.scope.id}` : run.scope.id;
      log(`Ran with ${whose}'s account ${run.connectedAccountId}; audited as ${run.executionId}`);
    }
    return { tools: tools.map((tool) => tool.name), sent };
  } finally {
    await client.close();
  }
}

if (import.meta.main) {
  // biome-ignore lint/style/noProcessEnv: an example's one setting, read where it runs
  const url = process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:3000';
  runAgent({ url, orgId: 'acme', getToken: () => devToken(url, 'bob') }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
