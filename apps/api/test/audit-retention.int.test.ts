import type { Database } from '@switchboard/db';
import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

const DAY_MS = 86_400_000;

/** `count` executions and as many audit events at `ageMs` before now, in Acme's log. */
async function insertAged(db: Kysely<Database>, count: number, ageMs: number) {
  const at = new Date(Date.now() - ageMs);
  await sql`insert into tool_executions (actor_user_id, scope_kind, scope_org_id,
      composio_user_id, toolkit, tool, decision, outcome, duration_ms, started_at)
    select 'bob', 'org', 'acme', 'org_acme', 'slack', 'SLACK_SEND_MESSAGE', 'allowed', 'success',
      1, ${at}::timestamptz
    from generate_series(1, ${count}::integer)`.execute(db);
  await sql`insert into audit_events (occurred_at, actor_user_id, scope_kind, scope_org_id,
      composio_user_id, action, target, decision, reason)
    select ${at}::timestamptz, 'carol', 'org', 'acme', 'org_acme', 'policies.manage', 'slack',
      'denied', 'ROLE_REQUIRED'
    from generate_series(1, ${count}::integer)`.execute(db);
}

async function ids(db: Kysely<Database>) {
  const executions = await db.selectFrom('tool_executions').select('id').orderBy('id').execute();
  const events = await db.selectFrom('audit_events').select('id').orderBy('id').execute();
  return {
    executions: executions.map((row) => String(row.id)),
    events: events.map((row) => String(row.id)),
  };
}

/** The ids of rows at least `days` old, as the database itself counts them. */
async function idsOlderThan(db: Kysely<Database>, days: number) {
  const cutoff = sql`now() - make_interval(days => ${days}::integer)`;
  const executions = await sql<{ id: string }>`select id::text from tool_executions
    where started_at < ${cutoff} order by id`.execute(db);
  const events = await sql<{ id: string }>`select id::text from audit_events
    where occurred_at < ${cutoff} order by id`.execute(db);
  return { executions: executions.rows.map((r) => r.id), events: events.rows.map((r) => r.id) };
}

describe.each(databaseKindsUnderTest())('audit retention on %s', (kind) => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    // The last started first: a second instance may be using the first one's database.
    for (const h of harnesses.splice(0).reverse()) await h.close();
  });
  async function start(overrides: Record<string, string> = {}) {
    const h = await startHarness(kind, { AUDIT_RETENTION_DAYS: '30', ...overrides });
    harnesses.push(h);
    return h;
  }

  it('deletes exactly the rows older than AUDIT_RETENTION_DAYS, in batches, from both logs', async () => {
    const h = await start();
    const retention = h.runtime.deps.retention;
    if (!retention) throw new Error('retention is configured');
    // 2,500 old rows need three batches of 1,000 in each log; the others must stay.
    await insertAged(h.db, 2_500, 31 * DAY_MS);
    await insertAged(h.db, 3, 30 * DAY_MS + 60_000);
    await insertAged(h.db, 4, 30 * DAY_MS - 3_600_000);
    await insertAged(h.db, 5, DAY_MS);
    await insertAged(h.db, 6, 0);
    const all = await ids(h.db);
    const old = await idsOlderThan(h.db, 30);
    expect(old.executions).toHaveLength(2_503);
    expect(old.events).toHaveLength(2_503);

    const run = await retention.runOnce();
    expect(run).toStrictEqual({ skipped: false, executions: 2_503, events: 2_503 });
    const kept = await ids(h.db);
    expect(kept.executions).toStrictEqual(
      all.executions.filter((id) => !old.executions.includes(id)),
    );
    expect(kept.events).toStrictEqual(all.events.filter((id) => !old.events.includes(id)));
    expect(kept.executions).toHaveLength(15);

    // Nothing more is old: a second run deletes nothing.
    expect(await retention.runOnce()).toStrictEqual({ skipped: false, executions: 0, events: 0 });
  });

  it('runs on its own every AUDIT_RETENTION_INTERVAL_SECONDS', async () => {
    const h = await start({ AUDIT_RETENTION_INTERVAL_SECONDS: '1' });
    await insertAged(h.db, 10, 40 * DAY_MS);
    await insertAged(h.db, 2, DAY_MS);
    const deadline = Date.now() + 10_000;
    let left = await idsOlderThan(h.db, 30);
    while (left.executions.length + left.events.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await idsOlderThan(h.db, 30);
    }
    expect(left).toStrictEqual({ executions: [], events: [] });
    expect((await ids(h.db)).executions).toHaveLength(2);
  });

  it('is off without AUDIT_RETENTION_DAYS: old rows stay', async () => {
    const h = await startHarness(kind);
    harnesses.push(h);
    expect(h.runtime.deps.retention).toBeUndefined();
    await insertAged(h.db, 3, 3_650 * DAY_MS);
    expect((await ids(h.db)).executions).toHaveLength(3);
  });

  it.runIf(kind === 'postgres')(
    'leaves the work to the instance holding the lock, and two instances delete each row once',
    async () => {
      const first = await start();
      const url = first.databaseUrl;
      if (!url) throw new Error('PostgreSQL has a URL');
      // A second instance on the same database, as behind a load balancer.
      const second = await startHarness(
        kind,
        { AUDIT_RETENTION_DAYS: '30' },
        { databaseUrl: () => url },
      );
      harnesses.push(second);
      const [one, two] = [first.runtime.deps.retention, second.runtime.deps.retention];
      if (!one || !two) throw new Error('retention is configured');
      // Their first runs (at start-up, on an empty log) are over before the old rows arrive.
      await Promise.all([one.runOnce(), two.runOnce()]);
      await insertAged(first.db, 4_000, 45 * DAY_MS);
      const old = await idsOlderThan(first.db, 30);
      expect(old.executions).toHaveLength(4_000);

      // The second instance's session holds the lock: the first one's run ends at once.
      await second.db.connection().execute(async (session) => {
        await sql`select pg_advisory_lock(8217640221203001)`.execute(session);
        try {
          expect(await one.runOnce()).toStrictEqual({ skipped: true, executions: 0, events: 0 });
          expect(await idsOlderThan(first.db, 30)).toStrictEqual(old);
        } finally {
          await sql`select pg_advisory_unlock(8217640221203001)`.execute(session);
        }
      });

      // Both at once: between them every old row goes, each exactly once.
      const runs = await Promise.all([one.runOnce(), two.runOnce()]);
      expect(runs[0].executions + runs[1].executions).toBe(4_000);
      expect(runs[0].events + runs[1].events).toBe(4_000);
      expect(await idsOlderThan(first.db, 30)).toStrictEqual({ executions: [], events: [] });
    },
  );
});
