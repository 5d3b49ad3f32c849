import { randomUUID } from 'node:crypto';
import {
  createTestDatabase,
  databaseKindsUnderTest,
  type TestDatabase,
} from '@switchboard/db/testing';
import { parseUserId } from '@switchboard/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionAttempt } from '../src/modules/audit/audit.repo.js';
import { AuditWriter } from '../src/modules/audit/audit-writer.js';
import { seedDemo } from '../src/seed.js';
import { statementCounter } from './statement-counter.js';

function attempt(overrides: Partial<ExecutionAttempt> = {}): ExecutionAttempt {
  return {
    executionId: randomUUID(),
    actorUserId: parseUserId('alice'),
    scope: { kind: 'user', userId: parseUserId('alice') },
    toolkit: 'github',
    tool: 'GITHUB_LIST_REPOS',
    connectedAccountId: 'ca_with\'quote"s',
    decision: 'allowed',
    denyReason: null,
    outcome: 'success',
    errorCode: null,
    durationMs: 12.6,
    startedAt: new Date('2026-11-25T10:00:00.123Z'),
    channel: 'trpc',
    ...overrides,
  };
}

describe.each(databaseKindsUnderTest())('audit writer on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemo(database.db);
  });
  afterAll(async () => {
    await database?.destroy();
  });

  const rowsOf = (ids: string[]) =>
    database.db
      .selectFrom('tool_executions')
      .selectAll()
      .where('execution_id', 'in', ids)
      .execute();

  it('commits concurrent attempts together, each row exactly as recorded', async () => {
    const counter = statementCounter();
    const writer = new AuditWriter(database.db.withPlugin(counter), { maxConcurrent: 1 });
    const attempts = Array.from({ length: 40 }, (_, i) =>
      attempt(
        i % 2 === 0
          ? {}
          : {
              scope: { kind: 'org', orgId: 'acme' as never },
              decision: 'denied',
              denyReason: 'ROLE_REQUIRED',
              outcome: 'denied',
              errorCode: 'ROLE_REQUIRED',
              connectedAccountId: null,
              channel: 'mcp',
            },
      ),
    );
    await Promise.all(attempts.map((a) => writer.record(a)));
    expect(counter.count).toBeLessThan(attempts.length / 4);

    const rows = await rowsOf(attempts.map((a) => a.executionId));
    expect(rows).toHaveLength(40);
    const byId = new Map(rows.map((row) => [row.execution_id, row]));
    for (const a of attempts) {
      const row = byId.get(a.executionId);
      expect(row).toMatchObject({
        actor_user_id: 'alice',
        scope_kind: a.scope.kind,
        scope_user_id: a.scope.kind === 'user' ? 'alice' : null,
        scope_org_id: a.scope.kind === 'org' ? 'acme' : null,
        composio_user_id: a.scope.kind === 'user' ? 'alice' : 'org_acme',
        connected_account_id: a.connectedAccountId,
        decision: a.decision,
        deny_reason: a.denyReason,
        outcome: a.outcome,
        error_code: a.errorCode,
        duration_ms: 13,
        channel: a.channel,
      });
      expect(row?.started_at.toISOString()).toBe('2026-11-25T10:00:00.123Z');
    }
  });

  it('a row the database refuses fails only its own caller', async () => {
    const writer = new AuditWriter(database.db, { maxConcurrent: 1 });
    const good = Array.from({ length: 5 }, () => attempt());
    const bad = attempt({ scope: { kind: 'org', orgId: 'no-such-org' as never } });
    const outcomes = await Promise.allSettled([...good, bad].map((a) => writer.record(a)));
    expect(outcomes.map((o) => o.status)).toStrictEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    expect(await rowsOf(good.map((a) => a.executionId))).toHaveLength(5);
    expect(await rowsOf([bad.executionId])).toHaveLength(0);
  });

  it('writes attempts ahead as pending and settles them together, each heard once', async () => {
    const counter = statementCounter();
    const writer = new AuditWriter(database.db.withPlugin(counter), { maxConcurrent: 1 });
    const heard: Array<[string, string]> = [];
    writer.onSettled((a) => heard.push([a.executionId, a.outcome]));
    const settleBy = new Date(Date.now() + 60_000);
    const attempts = Array.from({ length: 30 }, () => attempt());
    const pending = await Promise.all(
      attempts.map(({ outcome: _o, errorCode: _e, ...a }) => writer.begin(a, settleBy)),
    );
    const rowsBefore = await rowsOf(attempts.map((a) => a.executionId));
    expect(rowsBefore.map((r) => [r.outcome, r.error_code, r.settle_by?.getTime()])).toStrictEqual(
      attempts.map(() => ['pending', null, settleBy.getTime()]),
    );
    expect(heard, 'a pending row is not an outcome').toStrictEqual([]);

    const settled = await Promise.all(
      pending.map((p, i) =>
        writer.settle(
          p,
          i % 3 === 0 ? 'error' : 'success',
          i % 3 === 0 ? 'COMPOSIO_TIMEOUT' : null,
        ),
      ),
    );
    expect(settled.every(Boolean)).toBe(true);
    expect(counter.count, 'inserts and updates go in groups').toBeLessThan(attempts.length / 4);
    const rows = new Map(
      (await rowsOf(attempts.map((a) => a.executionId))).map((r) => [r.execution_id, r]),
    );
    for (const [i, a] of attempts.entries()) {
      expect(rows.get(a.executionId)).toMatchObject({
        outcome: i % 3 === 0 ? 'error' : 'success',
        error_code: i % 3 === 0 ? 'COMPOSIO_TIMEOUT' : null,
        settle_by: null,
      });
    }
    expect(heard).toHaveLength(30);
    expect(new Set(heard.map(([id]) => id)).size).toBe(30);
  });

  it('claims keys in the statements that write attempts ahead and keep their answers', async () => {
    const counter = statementCounter();
    const writer = new AuditWriter(database.db.withPlugin(counter), { maxConcurrent: 1 });
    const settleBy = new Date(Date.now() + 60_000);
    const key = `key-${randomUUID()}`;
    const claimOf = (executionId: string, requestHash = 'hash-1') => ({
      actorUserId: 'alice',
      key,
      requestHash,
      executionId,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const begin = ({ outcome: _o, errorCode: _e, ...a }: ExecutionAttempt) => a;
    const plain = Array.from({ length: 10 }, () => attempt());
    const keyed = Array.from({ length: 5 }, () => attempt());
    const [plainPending, keyedPending] = await Promise.all([
      Promise.all(plain.map((a) => writer.begin(begin(a), settleBy))),
      Promise.all(
        keyed.map((a) => writer.beginClaiming(begin(a), settleBy, claimOf(a.executionId))),
      ),
    ]);
    expect(counter.count, 'keyed and unkeyed rows go in one statement').toBe(1);
    // One key, five claims in one batch: the first wins, the others write nothing.
    expect(keyedPending.map((p) => p !== undefined)).toStrictEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    const written = await rowsOf([...plain, ...keyed].map((a) => a.executionId));
    expect(written.map((r) => r.execution_id).sort()).toStrictEqual(
      [...plain.map((a) => a.executionId), keyed[0]?.executionId].sort(),
    );
    const winner = keyedPending[0] as NonNullable<(typeof keyedPending)[0]>;
    expect(winner.key).toStrictEqual({
      actorUserId: 'alice',
      key,
      executionId: winner.attempt.executionId,
    });

    counter.count = 0;
    const answer = { output: { executionId: winner.attempt.executionId, data: { z: 1, a: 2 } } };
    const settled = await Promise.all([
      ...plainPending.map((p) => writer.settle(p, 'success', null)),
      writer.settle(winner, 'success', null, answer),
    ]);
    expect(settled.every(Boolean)).toBe(true);
    expect(counter.count, 'settlements and the answer go in one statement').toBe(1);
    const stored = await database.db
      .selectFrom('idempotency_keys')
      .select(['status', 'execution_id', 'response'])
      .where('actor_user_id', '=', 'alice')
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(stored).toStrictEqual({
      status: 'done',
      execution_id: winner.attempt.executionId,
      response: answer,
    });

    // A claim of a key held already, in a batch of its own, writes no row.
    const late = attempt();
    expect(
      await writer.beginClaiming(begin(late), settleBy, claimOf(late.executionId, 'other')),
    ).toBeUndefined();
    expect(await rowsOf([late.executionId])).toStrictEqual([]);
  });

  it('sweeps rows pending past their deadline to unknown, once, and never a settled one', async () => {
    const writer = new AuditWriter(database.db);
    const other = new AuditWriter(database.db);
    const heard: string[] = [];
    writer.onSettled((a) => heard.push(`${a.executionId}:${a.outcome}`));
    other.onSettled((a) => heard.push(`${a.executionId}:${a.outcome}`));
    const past = new Date(Date.now() - 1_000);
    const future = new Date(Date.now() + 60_000);
    const [late, onTime, settledLate] = await Promise.all([
      writer.begin(attempt(), past),
      writer.begin(attempt(), future),
      writer.begin(attempt(), past),
    ]);
    expect(await writer.settle(settledLate, 'success', null)).toBe(true);

    // Two instances sweeping at once settle each abandoned row once between them.
    const [a, b] = await Promise.all([writer.sweep(new Date()), other.sweep(new Date())]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    const outcome = async (p: { attempt: { executionId: string } }) =>
      (await rowsOf([p.attempt.executionId]))[0]?.outcome;
    expect(await outcome(late)).toBe('unknown');
    expect(await outcome(onTime)).toBe('pending');
    expect(await outcome(settledLate)).toBe('success');
    expect(heard.filter((entry) => entry === `${late.attempt.executionId}:unknown`)).toHaveLength(
      1,
    );

    // The call that was swept answers late: the row stays unknown and nobody hears it twice.
    expect(await writer.settle(late, 'success', null)).toBe(false);
    expect(await outcome(late)).toBe('unknown');
    expect(heard.filter((entry) => entry.startsWith(late.attempt.executionId))).toHaveLength(1);
    await writer.settle(onTime, 'success', null);
  });
});
