import type { AddressInfo } from 'node:net';
import { createSwitchboardClient, type SwitchboardClient } from '@switchboard/api';
import {
  buildApp,
  createRuntime,
  type Runtime,
  seedDemo,
  testConfig,
} from '@switchboard/api/server';
import { createEmulator } from '@switchboard/composio-emulator';
import {
  createTestDatabase,
  databaseKindsUnderTest,
  type TestDatabase,
} from '@switchboard/db/testing';
import { parseUserId } from '@switchboard/identity';
import { distDir } from './paths.ts';
import { startWebServer, type WebServer } from './web-server.ts';

export interface Stack {
  /** The console's origin, as the browser opens it. */
  webUrl: string;
  apiUrl: string;
  /** Where the database runs: PostgreSQL when DATABASE_URL is set (CI), else PGlite. */
  databaseKind: TestDatabase['kind'];
  /** A typed API client signed in as `userId`, for arranging what a test needs beforehand. */
  as(userId: string): SwitchboardClient;
  /**
   * Calls a tool as an agent would: a JSON-RPC `tools/call` POST to the MCP endpoint (the
   * organization's when `orgId` is given), signed in as `userId`. Returns the JSON-RPC answer.
   */
  callToolOverMcp(
    userId: string,
    input: { tool: string; arguments: Record<string, unknown>; orgId?: string },
  ): Promise<{ result?: { isError?: boolean }; error?: unknown }>;
  /** Connects an account through the whole redirect flow, without a browser (test setup). */
  connect(
    userId: string,
    input: { toolkit: string; identity: string; orgId?: string; label?: string },
  ): Promise<string>;
  /** The provider's side of an account, changed behind Switchboard's back (the emulator's state). */
  upstream: {
    /** The account's sign-in expires at the provider. */
    expire(accountId: string): void;
    /** The account is deleted at the provider. */
    remove(accountId: string): void;
  };
  /** Stops the API (the web server stays up and keeps forwarding `/trpc` to the closed port). */
  stopApi(): Promise<void>;
  close(): Promise<void>;
}

const silent = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/**
 * Everything the console runs against, for one test file: a fresh database (seeded with the
 * Acme demo), the Composio emulator with the API pointed at it, and the built bundle served with
 * `/trpc` forwarded to the API — one origin, which is also the API's WEB_ORIGIN.
 */
export async function startStack(): Promise<Stack> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const databaseKind = databaseKindsUnderTest().at(-1) ?? 'pglite';
    const database = await createTestDatabase(databaseKind);
    closers.push(() => database.destroy());

    const web: WebServer = await startWebServer(distDir);
    closers.push(() => web.close());

    const emulator = await createEmulator({ port: 0, controls: true });
    closers.push(() => emulator.close());

    const config = testConfig({
      WEB_ORIGIN: web.origin,
      COMPOSIO_API_KEY: emulator.apiKey,
      COMPOSIO_BASE_URL: emulator.url,
    });
    const runtime: Runtime = await createRuntime(config, { logger: silent, db: database.db });
    closers.push(() => runtime.close());
    await seedDemo(database.db);

    const app = await buildApp(runtime.deps);
    let apiStopped = false;
    const stopApi = async () => {
      if (apiStopped) return;
      apiStopped = true;
      await app.close();
    };
    closers.push(stopApi);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    web.setApiUrl(apiUrl);

    const sign = runtime.deps.tokens.sign;
    if (!sign) throw new Error('the test configuration must allow minting tokens');
    const as = (userId: string) =>
      createSwitchboardClient({ url: apiUrl, getToken: () => sign(parseUserId(userId)) });

    return {
      webUrl: web.origin,
      apiUrl,
      databaseKind,
      as,
      async connect(userId, input) {
        const client = as(userId);
        const pending = await client.connections.authorize.mutate({
          toolkit: input.toolkit,
          ...(input.orgId ? { orgId: input.orgId } : {}),
          ...(input.label ? { label: input.label } : {}),
        });
        // The emulator's consent form posts back to its own URL; its answer redirects to the
        // API's callback, which settles the request.
        const consent = await fetch(pending.redirectUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ decision: 'approve', identity: input.identity }),
          redirect: 'manual',
        });
        const callback = consent.headers.get('location');
        if (!callback) throw new Error(`consent did not redirect (${consent.status})`);
        await (await fetch(callback, { redirect: 'manual' })).arrayBuffer();
        const request = await client.connections.request.query({ requestId: pending.requestId });
        if (request.status !== 'ACTIVE' || !request.connectedAccountId) {
          throw new Error(`connection did not become ACTIVE: ${JSON.stringify(request)}`);
        }
        return request.connectedAccountId;
      },
      async callToolOverMcp(userId, input) {
        const path = input.orgId ? `/mcp/orgs/${encodeURIComponent(input.orgId)}` : '/mcp';
        const response = await fetch(`${apiUrl}${path}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await sign(parseUserId(userId))}`,
            accept: 'application/json, text/event-stream',
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'tools/call',
            params: { name: input.tool, arguments: input.arguments },
          }),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`MCP answered ${response.status}: ${text}`);
        return JSON.parse(text) as { result?: { isError?: boolean }; error?: unknown };
      },
      upstream: {
        expire: (accountId) => void emulator.state.expire(accountId),
        remove: (accountId) => emulator.state.deleteAccount(accountId),
      },
      stopApi,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
