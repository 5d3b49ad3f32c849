import { describe, expect, it } from 'vitest';
import {
  maskToken,
  mcpClientSnippets,
  mcpEndpoint,
  TOKEN_PLACEHOLDER,
  tokenExpiry,
} from './mcp-config.ts';

const URL_ACME = 'http://127.0.0.1:3000/mcp/orgs/acme';

function snippet(id: string) {
  const found = mcpClientSnippets(URL_ACME).find((s) => s.id === id);
  if (!found) throw new Error(`no snippet ${id}`);
  return found;
}

describe('mcpEndpoint', () => {
  it('acts personally at the MCP URL and in an organization under /orgs/<id>', () => {
    expect(mcpEndpoint('http://127.0.0.1:3000/mcp', null)).toBe('http://127.0.0.1:3000/mcp');
    expect(mcpEndpoint('http://127.0.0.1:3000/mcp', 'acme')).toBe(URL_ACME);
    expect(mcpEndpoint('https://sb.example.test/mcp/', 'acme')).toBe(
      'https://sb.example.test/mcp/orgs/acme',
    );
  });
});

describe('tokens', () => {
  it('masks all but both ends of a token', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlX2hlcmU';
    const masked = maskToken(token);
    expect(masked).toBe('eyJhbG••••••••••••lcmU');
    expect(masked).not.toContain('eyJzdWIi');
    expect(maskToken('short')).toBe('••••••••••••');
  });

  it('reads the expiry of a JWT, and nothing from what is not one', () => {
    const payload = btoa(JSON.stringify({ sub: 'bob', exp: 1_800_000_000 }))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(tokenExpiry(`eyJhbGciOiJIUzI1NiJ9.${payload}.sig`)?.toISOString()).toBe(
      '2027-01-15T08:00:00.000Z',
    );
    expect(tokenExpiry('not-a-jwt')).toBeNull();
    expect(tokenExpiry('a.%%%.c')).toBeNull();
  });
});

describe('mcpClientSnippets', () => {
  it('offers Claude Code, Claude Desktop, Cursor, VS Code and the TypeScript SDK', () => {
    expect(mcpClientSnippets(URL_ACME).map((s) => s.id)).toStrictEqual([
      'claude-code',
      'claude-desktop',
      'cursor',
      'vscode',
      'typescript',
    ]);
  });

  it('gives Claude Code one command with the URL and the Authorization header', () => {
    expect(snippet('claude-code').render('tok.en')).toBe(
      `claude mcp add --transport http switchboard ${URL_ACME} --header "Authorization: Bearer tok.en"`,
    );
  });

  it('gives Cursor mcpServers with url and headers, and VS Code servers of type http', () => {
    expect(JSON.parse(snippet('cursor').render('tok.en'))).toStrictEqual({
      mcpServers: {
        switchboard: { url: URL_ACME, headers: { Authorization: 'Bearer tok.en' } },
      },
    });
    expect(JSON.parse(snippet('vscode').render('tok.en'))).toStrictEqual({
      servers: {
        switchboard: {
          type: 'http',
          url: URL_ACME,
          headers: { Authorization: 'Bearer tok.en' },
        },
      },
    });
  });

  it('bridges Claude Desktop through mcp-remote, the token in its environment', () => {
    const config = JSON.parse(snippet('claude-desktop').render('tok.en'));
    expect(config.mcpServers.switchboard.args).toStrictEqual([
      '-y',
      'mcp-remote',
      URL_ACME,
      '--header',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: mcp-remote's syntax, not JavaScript's
      'Authorization:${SWITCHBOARD_AUTH}',
      '--allow-http',
    ]);
    expect(config.mcpServers.switchboard.env).toStrictEqual({ SWITCHBOARD_AUTH: 'Bearer tok.en' });
    const https = mcpClientSnippets('https://sb.example.test/mcp').find(
      (s) => s.id === 'claude-desktop',
    );
    expect(JSON.parse(https?.render('t') ?? '{}').mcpServers.switchboard.args).not.toContain(
      '--allow-http',
    );
  });

  it('connects the SDK client through StreamableHTTPClientTransport with the header', () => {
    const code = snippet('typescript').render('tok.en');
    expect(code).toContain(`new StreamableHTTPClientTransport(new URL('${URL_ACME}'), {`);
    expect(code).toContain("requestInit: { headers: { Authorization: 'Bearer tok.en' } },");
    expect(code).toContain('await client.connect(transport);');
  });

  it('says where the token goes when there is none to fill in', () => {
    expect(snippet('cursor').render(TOKEN_PLACEHOLDER)).toContain('"Bearer <your token>"');
  });
});
