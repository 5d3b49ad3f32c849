import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actIn,
  launchBrowser,
  openWindow,
  screenshot,
  screenshotOnFailure,
  signIn,
} from './support/browser.ts';
import { type Stack, startStack } from './support/stack.ts';

/** The MCP SDK's own client, configured exactly as the page's TypeScript snippet says. */
async function listToolsAt(url: string, token: string) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'agents-e2e', version: '1.0.0' });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
  }
}

describe('Agents: the console hands an agent an endpoint and a token that work', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    // Acme shares one Slack, so an agent acting in Acme gets Slack's tools with Acme's account.
    await stack.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    await stack.connect('alice', {
      toolkit: 'slack',
      orgId: 'acme',
      label: 'Acme HQ',
      identity: 'acme-hq@example.test',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('bob mints a token, copies a configuration, and the SDK lists Acme’s tools with it', async () => {
    const { page, context } = await openWindow(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: stack.webUrl,
    });
    screenshotOnFailure(page, 'agents');
    await signIn(page, stack.webUrl, 'bob');
    await page.getByRole('link', { name: 'Agents' }).click();

    // Personally: the API's own /mcp, and no token yet, so the snippets mark its place.
    const url = page.getByTestId('mcp-url');
    await url.getByText(`${stack.apiUrl}/mcp`, { exact: true }).waitFor();
    expect(await page.getByTestId('agent-scope').textContent()).toContain('you, personally');
    const snippet = page.getByTestId('snippet');
    expect(await snippet.textContent()).toBe(
      `claude mcp add --transport http switchboard ${stack.apiUrl}/mcp --header "Authorization: Bearer <your token>"`,
    );
    await screenshot(page, 'agents-personal');

    // In Acme: the organization's endpoint, and what an agent gets there.
    await actIn(page, 'acme');
    const acmeUrl = `${stack.apiUrl}/mcp/orgs/acme`;
    await url.getByText(acmeUrl, { exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/agents');
    expect(await page.getByTestId('agent-scope').textContent()).toContain(
      'acts as you in Acme, as a member',
    );

    await page.getByRole('button', { name: 'Mint a token' }).click();
    const token = page.getByTestId('token');
    await token.waitFor();
    expect(await token.getAttribute('data-masked')).toBe('true');
    expect(await token.textContent()).toContain('••••');
    expect(await snippet.textContent()).toContain('••••');

    // Copy puts the whole command on the clipboard, token included, masked on screen or not.
    await page.getByRole('button', { name: 'Copy the Claude Code configuration' }).click();
    await page.getByText('Copied to the clipboard').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const match = copied.match(
      /^claude mcp add --transport http switchboard (\S+) --header "Authorization: Bearer ([\w.-]+)"$/,
    );
    expect(match?.[1]).toBe(acmeUrl);
    const minted = match?.[2] ?? '';
    expect(minted.split('.')).toHaveLength(3);
    expect(await snippet.textContent()).not.toContain(minted);

    await page.getByRole('button', { name: 'Show token' }).click();
    expect(await token.textContent()).toBe(minted);
    await page.getByRole('tab', { name: 'TypeScript SDK' }).click();
    expect(await snippet.textContent()).toContain(
      `requestInit: { headers: { Authorization: 'Bearer ${minted}' } },`,
    );
    await page.getByRole('tab', { name: 'Cursor' }).click();
    expect(JSON.parse((await snippet.textContent()) ?? '{}')).toStrictEqual({
      mcpServers: {
        switchboard: { url: acmeUrl, headers: { Authorization: `Bearer ${minted}` } },
      },
    });
    await page.getByRole('button', { name: 'Hide token' }).click();

    // What the page handed over works: the MCP SDK's own client, with that URL and that token.
    const tools = await listToolsAt(match?.[1] ?? '', minted);
    const names = tools.map((tool) => tool.name);
    expect(names).toContain('switchboard_connect');
    expect(names).toContain('switchboard_list_accounts');
    const send = tools.find((tool) => tool.name === 'SLACK_SEND_MESSAGE');
    expect(send?.description).toContain("Runs with Acme's Slack.");
    // The same token acts personally at /mcp, where Acme's Slack is not bob's to use.
    const personal = (await listToolsAt(`${stack.apiUrl}/mcp`, minted)).map((tool) => tool.name);
    expect(personal).toContain('switchboard_connect');
    expect(personal).not.toContain('SLACK_SEND_MESSAGE');

    await page.getByRole('tab', { name: 'Claude Code' }).click();
    await screenshot(page, 'agents-acme');
    await context.close();
  });

  it('says so when the organization in the URL is not one bob belongs to', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'agents-not-member');
    await signIn(page, stack.webUrl, 'bob', '/agents?org=globex');
    await page.getByText('Not a member of this organization').waitFor();
    expect(await page.getByTestId('mcp-url').count()).toBe(0);
    await context.close();
  });
});
