import type { AddressInfo } from 'node:net';
import { createSwitchboardClient } from '@switchboard/api';
import { buildApp, createRuntime, seedDemo, testConfig } from '@switchboard/api/server';
import { createEmulator, type RunningEmulator } from '@switchboard/composio-emulator';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devToken, runAgent, textOf } from './agent.ts';

const silent = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/**
 * The example against the real thing, started as `pnpm dev` starts it: the emulator, the API on a
 * seeded PGlite, dev sign-in. Alice arranges Acme's Slack; the agent runs as bob.
 */
describe("the example agent: bob in Acme, over MCP, with Acme's Slack", () => {
  let database: TestDatabase;
  let emulator: RunningEmulator;
  let close: () => Promise<void>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    emulator = await createEmulator({ port: 0, controls: true });
    const runtime = await createRuntime(
      testConfig({ COMPOSIO_API_KEY: emulator.apiKey, COMPOSIO_BASE_URL: emulator.url }),
      { logger: silent, db: database.db },
    );
    await seedDemo(database.db);
    app = await buildApp(runtime.deps);
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

  const alice = () => createSwitchboardClient({ url, getToken: () => devToken(url, 'alice') });

  /** Runs the example as bob, keeping what it printed. */
  async function runAsBob(text?: string) {
    const lines: string[] = [];
    const run = await runAgent({
      url,
      orgId: 'acme',
      getToken: () => devToken(url, 'bob'),
      log: (line) => lines.push(line),
      ...(text ? { text } : {}),
    });
    return { run, printed: lines.join('\n') };
  }

  it('says what to do while Acme keeps Slack at the organization but has not connected it', async () => {
    await alice().policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    const { run, printed } = await runAsBob();
    expect(run.sent).toBeNull();
    expect(run.tools).toContain('switchboard_connect');
    expect(run.tools).not.toContain('SLACK_SEND_MESSAGE');
    // A member may not connect for the organization: the refusal, and who can.
    expect(printed).toContain('switchboard_connect says: ROLE_REQUIRED');
    expect(printed).toContain('An Acme admin (alice in the demo) connects Slack for Acme');
  });

  it("posts through Acme's Slack once alice has connected it", async () => {
    const client = alice();
    const pending = await client.connections.authorize.mutate({
      toolkit: 'slack',
      orgId: 'acme',
      label: 'Acme HQ',
    });
    const consent = await fetch(pending.redirectUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ decision: 'approve', identity: 'acme-hq@example.test' }),
      redirect: 'manual',
    });
    const callback = consent.headers.get('location');
    if (!callback) throw new Error(`consent did not redirect (${consent.status})`);
    await (await fetch(callback, { redirect: 'manual' })).arrayBuffer();
    const request = await client.connections.request.query({ requestId: pending.requestId });
    expect(request.status).toBe('ACTIVE');

    const { run, printed } = await runAsBob('Hello from the example test');
    expect(printed).toMatch(/SLACK_SEND_MESSAGE +Runs with Acme's Slack\./);
    expect(run.sent?.isError).toBeFalsy();
    expect(printed).toContain(
      'Calling SLACK_SEND_MESSAGE on #general: "Hello from the example test"',
    );
    expect(printed).toContain('Slack answered: ');
    expect(textOf(run.sent ?? { content: [] })).toContain('Hello from the example test');
    expect(printed).toContain(`Ran with organization acme's account ${request.connectedAccountId}`);

    // The emulator, standing in for Slack, saw the message from Acme's account, not bob's.
    const posted = emulator.state.outbox.filter((entry) => entry.tool === 'SLACK_SEND_MESSAGE');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      accountId: request.connectedAccountId,
      userId: 'org_acme',
      identity: 'acme-hq@example.test',
    });
    expect(JSON.stringify(posted[0]?.summary)).toContain('Hello from the example test');

    // And Switchboard audited it as an MCP call by bob.
    const audit = await client.audit.list.query({ orgId: 'acme', limit: 5 });
    expect(audit.items[0]).toMatchObject({
      tool: 'SLACK_SEND_MESSAGE',
      actorUserId: 'bob',
      outcome: 'success',
      channel: 'mcp',
    });
  });
});
