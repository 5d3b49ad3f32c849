import { randomUUID } from 'node:crypto';
import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_META_KEY } from '../src/mcp/mcp-server.js';
import {
  connect,
  failure,
  type Harness,
  type Instance,
  rowCounts,
  startHarness,
  startInstance,
} from './harness.js';
import { mcpClient } from './mcp/mcp-client.js';
import { rawCall } from './raw-call.js';

/**
 * Exactly once (issue 19): a keyed `tools.execute` runs at most once at Composio however often it
 * is sent, from however many instances; a repeat gets the first answer, a different request
 * under the key is refused, and every call that reaches Composio is written ahead.
 */

const ISSUE = 'GITHUB_CREATE_ISSUE';

interface Execution {
  tool: string;
  accountId: string;
  successful: boolean;
}

describe.each(databaseKindsUnderTest())('idempotency keys on %s', (kind) => {
  let h: Harness;
  let bobGithub: string;
  let aliceGithub: string;

  beforeAll(async () => {
    h = await startHarness(kind, {
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      COMPOSIO_TIMEOUT_MS: '1000',
      IDEMPOTENCY_WAIT_MS: '4000',
    });
    bobGithub = (await connect(h, 'bob', { toolkit: 'github', identity: 'bob-gh@example.test' }))
      .id;
    aliceGithub = (
      await connect(h, 'alice', { toolkit: 'github', identity: 'alice-gh@example.test' })
    ).id;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    await h.control('/faults', { method: 'DELETE' });
  });

  const executionsOf = async (accountId: string, tool = ISSUE) =>
    (
      (await h.control(`/executions?account_id=${accountId}&tool=${tool}`)) as {
        items: Execution[];
      }
    ).items;
  const slowExecute = (latencyMs: number, times = 1) =>
    h.control('/faults', {
      body: { method: 'POST', path: `/api/v3.1/tools/execute/${ISSUE}`, latencyMs, times },
    });
  const issue = (title: string, key?: string) => ({
    tool: ISSUE,
    arguments: { owner: 'bob-gh', repo: 'notes', title },
    ...(key === undefined ? {} : { idempotencyKey: key }),
  });
  const rowsOf = (executionId: string) =>
    h.db
      .selectFrom('tool_executions')
      .selectAll()
      .where('execution_id', '=', executionId)
      .execute();

  it('runs 20 concurrent calls with one key once: identical answers or a clean CONFLICT', async () => {
    const token = await h.token('bob');
    const key = randomUUID();
    const before = (await executionsOf(bobGithub)).length;
    await slowExecute(400);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        rawCall(h, 'tools.execute', 'mutation', issue('twenty at once', key), token),
      ),
    );

    expect((await executionsOf(bobGithub)).length - before).toBe(1);
    const answered = responses.filter((r) => r.status === 200);
    const conflicts = responses.filter((r) => r.status !== 200);
    expect(answered.length).toBeGreaterThan(0);
    for (const r of conflicts) {
      expect([r.status, r.reason]).toStrictEqual([409, 'IDEMPOTENCY_KEY_IN_PROGRESS']);
    }
    const bodies = new Set(answered.map((r) => JSON.stringify(r.body)));
    expect(bodies.size, 'every answer is the first execution’s').toBe(1);
    const [first] = answered;
    if (!first) throw new Error('no call was answered');
    const output = (first.body as { result: { data: { executionId: string } } }).result.data;
    // One attempt reached Composio and has its one row, settled; refusals have their own.
    const rows = await rowsOf(output.executionId);
    expect(rows.map((r) => [r.outcome, r.connected_account_id])).toStrictEqual([
      ['success', bobGithub],
    ]);
    const reached = await h.db
      .selectFrom('tool_executions')
      .select('outcome')
      .where('connected_account_id', '=', bobGithub)
      .where('tool', '=', ISSUE)
      .where('decision', '=', 'allowed')
      .execute();
    expect(reached.filter((r) => r.outcome !== 'success')).toStrictEqual([]);
  });

  it('answers a repeat after the first finished from the key, with the same execution', async () => {
    const bob = h.as('bob');
    const key = `order-${randomUUID()}`;
    const first = await bob.tools.execute.mutate(issue('once only', key));
    const again = await bob.tools.execute.mutate(issue('once only', key));
    expect(again).toStrictEqual(first);
    const issues = (await executionsOf(bobGithub)).length;
    // Argument order is not a different request.
    const reordered = await bob.tools.execute.mutate({
      idempotencyKey: key,
      arguments: { title: 'once only', repo: 'notes', owner: 'bob-gh' },
      tool: ISSUE,
    });
    expect(reordered).toStrictEqual(first);
    expect((await executionsOf(bobGithub)).length).toBe(issues);
    expect((await rowsOf(first.executionId)).map((r) => r.outcome)).toStrictEqual(['success']);
  });

  it('a repeat while the first is still running waits for its answer', async () => {
    const token = await h.token('bob');
    const key = randomUUID();
    const before = (await executionsOf(bobGithub)).length;
    await slowExecute(700);
    const first = rawCall(h, 'tools.execute', 'mutation', issue('waited for', key), token);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = await rawCall(h, 'tools.execute', 'mutation', issue('waited for', key), token);
    expect(second.status).toBe(200);
    expect(second.body).toStrictEqual((await first).body);
    expect((await executionsOf(bobGithub)).length - before).toBe(1);
  });

  it('a retry after a timeout does not run the call a second time', async () => {
    const bob = h.as('bob');
    const key = randomUUID();
    const before = (await executionsOf(bobGithub)).length;
    // Composio takes longer than Switchboard waits for it (COMPOSIO_TIMEOUT_MS=1000).
    await slowExecute(1_500);
    const timedOut = await failure(bob.tools.execute.mutate(issue('slow upstream', key)));
    expect(timedOut.reason).toBe('COMPOSIO_TIMEOUT');
    await new Promise((resolve) => setTimeout(resolve, 800));
    // Whether Composio went on with it is Composio's business; Switchboard cannot know.
    const afterFirst = (await executionsOf(bobGithub)).length;
    expect(afterFirst - before).toBeLessThanOrEqual(1);

    // The agent retries with the same key: it is told what happened, Composio is not called.
    const retried = await failure(bob.tools.execute.mutate(issue('slow upstream', key)));
    expect(retried).toStrictEqual(timedOut);
    expect((await executionsOf(bobGithub)).length).toBe(afterFirst);
    // The same call without a key runs again: that is what the key is for.
    await bob.tools.execute.mutate(issue('slow upstream'));
    expect((await executionsOf(bobGithub)).length).toBe(afterFirst + 1);
  });

  it('the client giving up does not stop the first execution; the retry gets its answer', async () => {
    const token = await h.token('bob');
    const key = randomUUID();
    const before = (await executionsOf(bobGithub)).length;
    await slowExecute(600);
    const aborted = fetch(`${h.url}/trpc/tools.execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(issue('client timeout', key)),
      signal: AbortSignal.timeout(200),
    });
    await expect(aborted).rejects.toThrow();
    const retried = await rawCall(
      h,
      'tools.execute',
      'mutation',
      issue('client timeout', key),
      token,
    );
    expect(retried.status).toBe(200);
    expect((await executionsOf(bobGithub)).length - before).toBe(1);
  });

  it('refuses the same key with other arguments, and keys are per caller', async () => {
    const bob = h.as('bob');
    const key = randomUUID();
    await bob.tools.execute.mutate(issue('first use', key));
    const bobIssues = (await executionsOf(bobGithub)).length;
    const reused = await failure(bob.tools.execute.mutate(issue('another title', key)));
    expect(reused).toMatchObject({
      code: 'UNPROCESSABLE_CONTENT',
      httpStatus: 422,
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
    const otherTool = await failure(
      bob.tools.execute.mutate({ tool: 'GITHUB_LIST_REPOS', arguments: {}, idempotencyKey: key }),
    );
    expect(otherTool.reason).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await executionsOf(bobGithub)).length).toBe(bobIssues);

    // Alice's identical key and arguments are her own request, run on her own account.
    const alice = h.as('alice');
    const aliceIssues = (await executionsOf(aliceGithub)).length;
    const hers = await alice.tools.execute.mutate({
      tool: ISSUE,
      arguments: { owner: 'alice-gh', repo: 'notes', title: 'first use' },
      idempotencyKey: key,
    });
    expect(hers.connectedAccountId).toBe(aliceGithub);
    expect(hers.successful).toBe(true);
    expect((await executionsOf(aliceGithub)).length).toBe(aliceIssues + 1);
  });

  it('a key past its lifetime is claimed anew, for any request, before the sweeper deletes it', async () => {
    const bob = h.as('bob');
    const key = randomUUID();
    const first = await bob.tools.execute.mutate(issue('before expiry', key));
    await h.db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where('actor_user_id', '=', 'bob')
      .where('key', '=', key)
      .execute();
    const issued = (await executionsOf(bobGithub)).length;
    const again = await bob.tools.execute.mutate(issue('after expiry', key));
    expect(again.executionId).not.toBe(first.executionId);
    expect((await executionsOf(bobGithub)).length).toBe(issued + 1);
    const stored = await h.db
      .selectFrom('idempotency_keys')
      .select(['execution_id', 'status'])
      .where('actor_user_id', '=', 'bob')
      .where('key', '=', key)
      .execute();
    expect(stored).toStrictEqual([{ execution_id: again.executionId, status: 'done' }]);
    expect(await rowsOf(again.executionId)).toMatchObject([{ outcome: 'success' }]);
  });

  it('writes the attempt ahead: pending while Composio runs it, settled after', async () => {
    const bob = h.as('bob');
    await slowExecute(800);
    const running = bob.tools.execute.mutate(issue('written ahead', randomUUID()));
    let pending: Array<{ executionId: string; outcome: string }> = [];
    for (let i = 0; i < 50 && pending.length === 0; i += 1) {
      const page = await bob.audit.list.query({ outcome: 'pending' });
      pending = page.items.filter((item) => item.tool === ISSUE);
      if (pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(pending).toHaveLength(1);
    const done = await running;
    expect(pending[0]?.executionId).toBe(done.executionId);
    const page = await bob.audit.list.query({ limit: 5 });
    expect(page.items.find((item) => item.executionId === done.executionId)?.outcome).toBe(
      'success',
    );
    expect((await bob.audit.list.query({ outcome: 'pending' })).items).toStrictEqual([]);
  });

  it('refuses a malformed key before anything is written', async () => {
    const bob = h.as('bob');
    const before = await rowCounts(h.db);
    for (const bad of ['', 'k'.repeat(256), 'has space', 'tab\tkey', 'ключ', '\u0000']) {
      const refused = await failure(bob.tools.execute.mutate(issue('bad key', bad)));
      expect(refused.reason, JSON.stringify(bad)).toBe('INVALID_INPUT');
    }
    expect(await rowCounts(h.db)).toStrictEqual(before);
  });

  it('takes the key in MCP tools/call from _meta, shared with tools.execute', async () => {
    const client = await mcpClient(h, 'bob');
    try {
      const key = randomUUID();
      const before = (await executionsOf(bobGithub)).length;
      const args = { owner: 'bob-gh', repo: 'notes', title: 'over mcp' };
      const first = await client.callTool({
        name: ISSUE,
        arguments: args,
        _meta: { [IDEMPOTENCY_META_KEY]: key },
      });
      const again = await client.callTool({
        name: ISSUE,
        arguments: args,
        _meta: { [IDEMPOTENCY_META_KEY]: key },
      });
      expect(again.structuredContent).toStrictEqual(first.structuredContent);
      const viaTrpc = await h.as('bob').tools.execute.mutate(issue('over mcp', key));
      expect(viaTrpc).toStrictEqual(first.structuredContent);
      expect((await executionsOf(bobGithub)).length - before).toBe(1);

      const bad = client.callTool({
        name: ISSUE,
        arguments: args,
        _meta: { [IDEMPOTENCY_META_KEY]: 'has space' },
      });
      await expect(bad).rejects.toThrow(/idempotencyKey/);
    } finally {
      await client.done();
    }
  });

  describe('two instances on one database', () => {
    let other: Instance;
    beforeAll(async () => {
      other = await startInstance(h);
    });
    afterAll(async () => {
      await other?.close();
    });

    it('racing the same key run it once between them', async () => {
      const token = await h.token('bob');
      const key = randomUUID();
      const before = (await executionsOf(bobGithub)).length;
      await slowExecute(300);
      const send = (url: string) =>
        fetch(`${url}/trpc/tools.execute`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(issue('two instances', key)),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => send(i % 2 === 0 ? h.url : other.url)),
      );
      expect((await executionsOf(bobGithub)).length - before).toBe(1);
      const ok = responses.filter((r) => r.status === 200);
      expect(ok.length).toBeGreaterThan(0);
      expect(new Set(ok.map((r) => JSON.stringify(r.body))).size).toBe(1);
      for (const r of responses.filter((r) => r.status !== 200)) {
        expect(r.status).toBe(409);
      }
    });
  });
});

describe.each(databaseKindsUnderTest())('expired idempotency keys on %s', (kind) => {
  let h: Harness;
  let bobGithub: string;

  beforeAll(async () => {
    h = await startHarness(kind, {
      IDEMPOTENCY_TTL_SECONDS: '1',
      EXECUTION_SWEEP_INTERVAL_MS: '100',
    });
    bobGithub = (await connect(h, 'bob', { toolkit: 'github', identity: 'bob-gh@example.test' }))
      .id;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('are deleted by the sweeper, and the key then runs anew', async () => {
    const bob = h.as('bob');
    const key = randomUUID();
    const call = { tool: 'GITHUB_LIST_REPOS', arguments: {}, idempotencyKey: key };
    const first = await bob.tools.execute.mutate(call);
    const keys = () => h.db.selectFrom('idempotency_keys').select('key').execute();
    expect(await keys()).toStrictEqual([{ key }]);
    for (let i = 0; i < 60 && (await keys()).length > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await keys()).toStrictEqual([]);
    const second = await bob.tools.execute.mutate(call);
    expect(second.executionId).not.toBe(first.executionId);
    const executions = (await h.control(
      `/executions?account_id=${bobGithub}&tool=GITHUB_LIST_REPOS`,
    )) as { items: unknown[] };
    expect(executions.items).toHaveLength(2);
  });
});
