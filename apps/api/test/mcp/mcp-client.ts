import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Harness } from '../harness.js';

/** An MCP client (the SDK's own) connected to the harness's API as `userId`. */
export async function mcpClient(
  h: Harness,
  userId: string,
  options: { orgId?: string; query?: string } = {},
): Promise<Client & { done(): Promise<void> }> {
  const path = options.orgId ? `/mcp/orgs/${options.orgId}` : '/mcp';
  const url = new URL(`${h.url}${path}${options.query ? `?${options.query}` : ''}`);
  const token = await h.token(userId);
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'switchboard-test', version: '1.0.0' });
  await client.connect(transport);
  return Object.assign(client, { done: () => client.close() });
}

/** A tool result's text. */
export function textOf(result: unknown): string {
  const content = (result as CallToolResult).content ?? [];
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}
