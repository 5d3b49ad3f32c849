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
});
