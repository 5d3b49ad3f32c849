import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DbError, pgErrorOf } from './errors.js';
import { migrateDown, migrateToLatest, migrationStatus, resetSchema } from './migrate.js';
import { migrations } from './migrations/index.js';
import { createTestDatabase, databaseKindsUnderTest, type TestDatabase } from './testing.js';

const ALL = Object.keys(migrations);
const TABLES = [
  'approvals',
  'audit_events',
  'composio_webhooks',
  'connected_accounts',
  'connection_requests',
  'events',
  'idempotency_keys',
  'memberships',
  'organizations',
  'tool_executions',
  'toolkit_policies',
  'users',
  'webhook_attempts',
  'webhook_deliveries',
  'webhook_endpoints',
];

describe.each(databaseKindsUnderTest())('migrations on %s', (kind) => {
  let database: TestDatabase | undefined;
  const empty = async () => {
    database = await createTestDatabase(kind, { migrate: false });
    return database.db;
  };
  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });

  /** Every table with its columns and indexes, as the database describes them. */
  async function shape(db: TestDatabase['db']) {
    // Indexes too: a migration may add only an index (20261203_1500_add_audit_time_indexes).
    const indexes = await sql<{ tablename: string; indexdef: string }>`
      select tablename, indexdef from pg_indexes where schemaname = 'public'`.execute(db);
    return (await db.introspection.getTables())
      .map((table) => ({
        table: table.name,
        columns: table.columns.map((column) => `${column.name}:${column.dataType}`).sort(),
        indexes: indexes.rows
          .filter((index) => index.tablename === table.name)
          .map((index) => index.indexdef)
          .sort(),
      }))
      .sort((a, b) => a.table.localeCompare(b.table));
  }

  async function tables(db: TestDatabase['db']): Promise<string[]> {
    const found = await db.introspection.getTables();
    return found.map((table) => table.name).sort();
  }

  it('are named YYYYMMDD_HHMM_<verb>_<noun> and listed in order', () => {
    for (const name of ALL) expect(name).toMatch(/^\d{8}_\d{4}_[a-z]+_[a-z_]+$/);
    expect(ALL).toStrictEqual([...ALL].sort());
  });

  it('apply every migration to an empty database, in order', async () => {
    const db = await empty();

    expect(await migrateToLatest(db)).toStrictEqual(ALL);
    expect(await tables(db)).toStrictEqual(TABLES);
  });

  it('are a no-op when run again', async () => {
    const db = await empty();
    await migrateToLatest(db);

    expect(await migrateToLatest(db)).toStrictEqual([]);
    expect(await tables(db)).toStrictEqual(TABLES);
  });

  it('report when each one ran', async () => {
    const db = await empty();
    expect((await migrationStatus(db)).map((m) => m.executedAt)).toStrictEqual(
      ALL.map(() => undefined),
    );
    await migrateToLatest(db);

    const status = await migrationStatus(db);
    expect(status.map((m) => m.name)).toStrictEqual(ALL);
    for (const { executedAt } of status) expect(executedAt).toBeInstanceOf(Date);
  });

  it('revert one step with migrateDown, and apply it again', async () => {
    const db = await empty();
    await migrateToLatest(db);
    const latest = await shape(db);

    expect(await migrateDown(db)).toStrictEqual([ALL.at(-1)]);
    // The last migration's change is gone (it may have created tables: they go with it)…
    expect(await shape(db)).not.toStrictEqual(latest);
    const left = await tables(db);
    expect(left.length).toBeGreaterThan(0);
    expect(TABLES).toEqual(expect.arrayContaining(left));
    // …for applying it again restores the latest schema exactly.
    expect(await migrateToLatest(db)).toStrictEqual([ALL.at(-1)]);
    expect(await shape(db)).toStrictEqual(latest);
  });

  it('revert all the way with resetSchema, and apply again', async () => {
    const db = await empty();
    await migrateToLatest(db);

    expect(await resetSchema(db)).toStrictEqual([...ALL].reverse());
    expect(await tables(db)).toStrictEqual([]);
    expect(await migrateToLatest(db)).toStrictEqual(ALL);
  });

  it('fail with the failing migration named, and apply nothing of the batch', async () => {
    const db = await empty();
    await sql`create table organizations (id text)`.execute(db);

    const failure = await migrateToLatest(db).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DbError);
    expect(failure).toMatchObject({ reason: 'MIGRATION_FAILED' });
    const message = (failure as DbError).message;
    expect(message).toContain('Migration 20261125_1201_create_organizations failed to apply');
    expect(message).toContain('20261125_1200_create_users');
    expect(pgErrorOf((failure as DbError).cause)?.code).toBe('42P07');
    // The batch ran in one transaction: users (which ran first) was rolled back.
    expect(await tables(db)).toStrictEqual(['organizations']);
  });
});
