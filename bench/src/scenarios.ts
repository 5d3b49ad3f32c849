import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { RequestSpec } from './load.ts';
import type { BenchUser } from './world.ts';

/** Mints one HS256 token per user, as the API's `AUTH_MODE=jwt` expects by default. */
export async function mintTokens(users: BenchUser[], secret: string): Promise<string[]> {
  const key = new TextEncoder().encode(secret);
  return Promise.all(
    users.map((user) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setIssuer('switchboard')
        .setAudience('switchboard-api')
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(key),
    ),
  );
}

export const EXECUTED_TOOL = 'GITHUB_LIST_REPOS';

/** A response of a tool that really ran: successful, with the account's repositories. */
export function executedOk(body: string): boolean {
  return body.includes('"successful":true') && body.includes('"repositories"');
}

/** Requests rotate over every seeded user, one after another. */
export interface Rotation {
  users: BenchUser[];
  tokens: string[];
}

function pick(rotation: Rotation, i: number) {
  const n = i % rotation.users.length;
  return { user: rotation.users[n] as BenchUser, token: rotation.tokens[n] as string };
}

const query = (procedure: string, input?: unknown) =>
  input === undefined
    ? `/trpc/${procedure}`
    : `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`;

/** The baseline: the caller names the user and account itself (no identity, no policy). */
export const baselineRequest =
  (rotation: Rotation) =>
  (i: number): RequestSpec => {
    const { user } = pick(rotation, i);
    return {
      method: 'POST',
      path: '/execute',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userId: user.id,
        connectedAccountId: user.githubAccountId,
        tool: EXECUTED_TOOL,
        arguments: {},
      }),
    };
  };

/** `tools.execute` through Switchboard: the API resolves scope, policy and account itself. */
export const executeRequest =
  (rotation: Rotation) =>
  (i: number): RequestSpec => {
    const { token } = pick(rotation, i);
    return {
      method: 'POST',
      path: '/trpc/tools.execute',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tool: EXECUTED_TOOL, arguments: {} }),
    };
  };

/**
 * `tools.execute` with an idempotency key on every call, a fresh one each time (as an agent
 * framework that retries sends them): what claiming the key and keeping the answer cost.
 */
export const executeIdempotentRequest =
  (rotation: Rotation) =>
  (i: number): RequestSpec => {
    const { token } = pick(rotation, i);
    return {
      method: 'POST',
      path: '/trpc/tools.execute',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tool: EXECUTED_TOOL, arguments: {}, idempotencyKey: randomUUID() }),
    };
  };

/** The same execution as a tool call over MCP (JSON-RPC on the personal endpoint). */
export const mcpCallRequest =
  (rotation: Rotation) =>
  (i: number): RequestSpec => {
    const { token } = pick(rotation, i);
    return {
      method: 'POST',
      path: '/mcp',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: i,
        method: 'tools/call',
        params: { name: EXECUTED_TOOL, arguments: {} },
      }),
    };
  };

/** Personal and org accounts in one list (4 personal + 10 of the org). */
export const connectionsListRequest =
  (rotation: Rotation) =>
  (i: number): RequestSpec => {
    const { user, token } = pick(rotation, i);
    return {
      method: 'GET',
      path: query('connections.list', { orgId: user.orgId, include: 'all' }),
      headers: { authorization: `Bearer ${token}` },
    };
  };

/** Hybrid routing: personal GitHub and the org's Slack in one list (cache warm). */
export const toolsListRequest =
  (rotation: Rotation) =>
  (i: number): RequestSpec => {
    const { user, token } = pick(rotation, i);
    return {
      method: 'GET',
      path: query('tools.list', { orgId: user.orgId, toolkits: ['github', 'slack'] }),
      headers: { authorization: `Bearer ${token}` },
    };
  };

export const meRequest =
  (rotation: Rotation) =>
  (i: number): RequestSpec => {
    const { token } = pick(rotation, i);
    return { method: 'GET', path: query('me.get'), headers: { authorization: `Bearer ${token}` } };
  };
