import type { AddressInfo } from 'node:net';
import {
  createSwitchboardClient,
  isSwitchboardError,
  SwitchboardUnreachableError,
} from '@switchboard/api/client';
import { buildApp, createRuntime, seedDemo, testConfig } from '@switchboard/api/server';
import {
  completeConsent,
  createEmulator,
  type RunningEmulator,
} from '@switchboard/composio-emulator';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devToken, runExample } from './main.ts';

const silent = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/**
 * `@switchboard/api/client` from a package of its own, from source (no `pnpm build`: the
 * workspace's source condition resolves it), against the real API, emulator and database.
 */
describe('the typed client from another workspace package', () => {
  let database: TestDatabase;
  let emulator: RunningEmulator;
  let close: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    emulator = await createEmulator({ port: 0, controls: true });
    const runtime = await createRuntime(
      testConfig({ COMPOSIO_API_KEY: emulator.apiKey, COMPOSIO_BASE_URL: emulator.url }),
      { logger: silent, db: database.db },
    );
    await seedDemo(database.db);
    const app = await buildApp(runtime.deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    close = async () => {
      await app.close();
      await runtime.close();
      await emulator.close();
      await database.destroy();
    };
  });
  afterAll(async () => {
    await close?.();
  });

  it('branches on a typed reason: nothing connected yet, then a run', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const before = await runExample({ url, getToken: () => devToken(url, 'bob'), log });
    expect(before.reason).toBe('NO_CONNECTED_ACCOUNT');
    expect(lines.join('\n')).toContain('Signed in as Bob; member of Acme (member)');
    expect(lines.join('\n')).toContain('Refused: NO_CONNECTED_ACCOUNT (connect the toolkit first');

    const bob = createSwitchboardClient({ url, getToken: () => devToken(url, 'bob') });
    const pending = await bob.connections.authorize.mutate({ toolkit: 'github' });
    const consent = await completeConsent(pending.redirectUrl, {
      decision: 'approve',
      identity: 'bob@gh.test',
    });
    await (await fetch(consent.location ?? '', { redirect: 'manual' })).arrayBuffer();
    const after = await runExample({ url, getToken: () => devToken(url, 'bob'), log });
    expect(after.reason).toBeNull();
    expect(lines.at(-1)).toMatch(/^GITHUB_LIST_REPOS ran with ca_/);
  });

  it('recognizes a refusal by its shape, whichever copy of @trpc/client threw it', async () => {
    const dave = createSwitchboardClient({ url, getToken: () => devToken(url, 'dave') });
    const refused = await dave.orgs.get.query({ orgId: 'acme' }).catch((error: unknown) => error);
    expect(isSwitchboardError(refused)).toBe(true);
    // What another copy of the client would throw: the same shape, another class.
    const copied = JSON.parse(
      JSON.stringify({
        name: 'TRPCClientError',
        message: 'x',
        data: (refused as { data: unknown }).data,
      }),
    );
    expect(isSwitchboardError(copied)).toBe(true);
    expect(copied.data.reason).toBe('NOT_FOUND');
    expect(isSwitchboardError(new Error('plain'))).toBe(false);
    expect(isSwitchboardError({ data: { reason: 'NOT_A_REASON' } })).toBe(false);
  });

  it('names the URL that failed: nothing listening, or something that is not Switchboard', async () => {
    const nobody = createSwitchboardClient({
      url: 'http://127.0.0.1:9',
      getToken: async () => 'x',
    });
    const unreachable = await nobody.me.get.query().catch((error: unknown) => error);
    expect((unreachable as Error).message).toMatch(
      /^Cannot reach Switchboard at http:\/\/127\.0\.0\.1:9\/trpc: /,
    );
    expect((unreachable as Error).cause).toBeInstanceOf(SwitchboardUnreachableError);

    // The emulator answers, but it is not Switchboard.
    const wrong = createSwitchboardClient({ url: emulator.url, getToken: async () => 'x' });
    const mistaken = await wrong.me.get.query().catch((error: unknown) => error);
    expect((mistaken as Error).message).toContain(
      `Cannot reach Switchboard at ${emulator.url}/trpc: answered HTTP`,
    );
  });
});
