/**
 * What the Agents page shows: the MCP endpoint of a context and ready-to-paste configuration for
 * common MCP clients. Pure, so the exact text each client receives is tested without a browser.
 */

/** What a snippet says where the token goes when the console has none to fill in. */
export const TOKEN_PLACEHOLDER = '<your token>';

/** The server name every snippet registers Switchboard under. */
const SERVER_NAME = 'switchboard';

/**
 * The MCP endpoint for a context: `mcpUrl` (from `server.info`) acts personally, its `/orgs/<id>`
 * in that organization.
 */
export function mcpEndpoint(mcpUrl: string, orgId: string | null): string {
  const base = mcpUrl.replace(/\/+$/, '');
  return orgId ? `${base}/orgs/${encodeURIComponent(orgId)}` : base;
}

/**
 * A token as the page shows it until the person asks to see it: enough of both ends to tell two
 * tokens apart, never enough to use one.
 */
export function maskToken(token: string): string {
  if (token.length <= 16) return '•'.repeat(12);
  return `${token.slice(0, 6)}${'•'.repeat(12)}${token.slice(-4)}`;
}

/** When a JWT expires, read from its payload (display only: the API verifies tokens). */
export function tokenExpiry(token: string): Date | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? new Date(exp * 1000) : null;
  } catch {
    return null;
  }
}

export type McpClientId = 'claude-code' | 'claude-desktop' | 'cursor' | 'vscode' | 'typescript';

export interface McpClientSnippet {
  id: McpClientId;
  /** The client's name, as the tab says it. */
  title: string;
  /** Where the text goes, in a few words. */
  where: string;
  /** The snippet's language (on the code block as `data-language`). */
  language: 'shell' | 'json' | 'typescript';
  /** The snippet with `token` in the Authorization header. */
  render(token: string): string;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * mcp-remote's header argument: mcp-remote fills `${…}` in from its environment, and the header
 * has no space because some clients pass arguments with spaces to `npx` mangled.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: mcp-remote, not JavaScript, expands it
const DESKTOP_HEADER = 'Authorization:${SWITCHBOARD_AUTH}';

/** One snippet per client, for the endpoint `url`. */
export function mcpClientSnippets(url: string): McpClientSnippet[] {
  return [
    {
      id: 'claude-code',
      title: 'Claude Code',
      where: 'Run in a terminal; Claude Code keeps the server in its configuration.',
      language: 'shell',
      render: (token) =>
        `claude mcp add --transport http ${SERVER_NAME} ${url} --header "Authorization: Bearer ${token}"`,
    },
    {
      id: 'claude-desktop',
      title: 'Claude Desktop',
      where:
        'In claude_desktop_config.json (Settings → Developer → Edit Config). Claude Desktop reaches a server that takes a bearer token through the mcp-remote bridge, which needs Node.js.',
      language: 'json',
      render: (token) =>
        json({
          mcpServers: {
            [SERVER_NAME]: {
              command: 'npx',
              args: [
                '-y',
                'mcp-remote',
                url,
                '--header',
                DESKTOP_HEADER,
                // mcp-remote refuses plain http unless told it is a trusted network (dev, intranets).
                ...(url.startsWith('http:') ? ['--allow-http'] : []),
              ],
              env: { SWITCHBOARD_AUTH: `Bearer ${token}` },
            },
          },
        }),
    },
    {
      id: 'cursor',
      title: 'Cursor',
      where: 'In ~/.cursor/mcp.json (every project) or .cursor/mcp.json (one project).',
      language: 'json',
      render: (token) =>
        json({
          mcpServers: {
            [SERVER_NAME]: { url, headers: { Authorization: `Bearer ${token}` } },
          },
        }),
    },
    {
      id: 'vscode',
      title: 'VS Code',
      where: 'In .vscode/mcp.json of the workspace; keep the file out of source control.',
      language: 'json',
      render: (token) =>
        json({
          servers: {
            [SERVER_NAME]: { type: 'http', url, headers: { Authorization: `Bearer ${token}` } },
          },
        }),
    },
    {
      id: 'typescript',
      title: 'TypeScript SDK',
      where: 'With @modelcontextprotocol/sdk, in your own agent.',
      language: 'typescript',
      render: (token) =>
        [
          "import { Client } from '@modelcontextprotocol/sdk/client/index.js';",
          "import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';",
          '',
          `const transport = new StreamableHTTPClientTransport(new URL('${url}'), {`,
          `  requestInit: { headers: { Authorization: 'Bearer ${token}' } },`,
          '});',
          "const client = new Client({ name: 'my-agent', version: '1.0.0' });",
          'await client.connect(transport);',
          'const { tools } = await client.listTools();',
        ].join('\n'),
    },
  ];
}
