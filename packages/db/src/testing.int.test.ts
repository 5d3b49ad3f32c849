import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb } from './create-db.js';
import { migrateToLatest } from './migrate.js';
import { createTestDatabase, databaseKindsUnderTest } from './testing.js';

describe('databaseKindsUnderTest', () => {
  it('runs PGlite always and PostgreSQL when DATABASE_URL is set', () => {
    expect(databaseKindsUnderTest()).toStrictEqual(
      process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'],
    );
  });
});

describe.each(databaseKindsUnderTest())('createTestDatabase on %s', (kind) => {
  it('gives a database already migrated to latest', async () => {
    const database = await createTestDatabase(kind);
    try {
      expect(database.kind).toBe(kind);
      expect(database.name).toMatch(/^sb_test_[0-9a-f]{12}$/);
      expect(await migrateToLatest(database.db)).toStrictEqual([]);
      expect(await database.db.selectFrom('users').selectAll().execute()).toStrictEqual([]);
    } finally {
      await database.destroy();
    }
  });

  it('keeps each database to itself', async () => {
    const [one, two] = await Promise.all([createTestDatabase(kind), createTestDatabase(kind)]);
    try {
      await one.db.insertInto('users').values({ id: 'only-in-one' }).execute();

      expect(await two.db.selectFrom('users').select('id').execute()).toStrictEqual([]);
      expect(await one.db.selectFrom('users').select('id').execute()).toStrictEqual([
        { id: 'only-in-one' },
      ]);
    } finally {
      await Promise.all([one.destroy(), two.destroy()]);
    }
  });

  it('destroys more than once without failing', async () => {
    const database = await createTestDatabase(kind);

    await database.destroy();
    await expect(database.destroy()).resolves.toBeUndefined();
  });

  it('gives an empty database when asked not to migrate', async () => {
    const database = await createTestDatabase(kind, { migrate: false });
    try {
      expect(await database.db.introspection.getTables()).toStrictEqual([]);
    } finally {
      await database.destroy();
    }
  });
});

describe.runIf(databaseKindsUnderTest().includes('postgres'))(
  'createTestDatabase on postgres, server side',
  () => {
    const serverDb = () => createDb({ url: process.env.DATABASE_URL, poolMax: 1 });
    const exists = async (name: string) => {
      const server = serverDb();
      try {
        const { rows } = await sql<{
          datname: string;
        }>`select datname from pg_database where datname = ${name}`.execute(server.db);
        return rows.length === 1;
      } finally {
        await server.close();
      }
    };

    it('creates a real database, reachable at its url, and drops it on destroy', async () => {
      const database = await createTestDatabase('postgres');
      expect(await exists(database.name)).toBe(true);
      expect(database.url).toMatch(new RegExp(`/${database.name}$`));

      const other = createDb({ url: database.url });
      await other.db.insertInto('users').values({ id: 'via-url' }).execute();
      await other.close();
      expect(await database.db.selectFrom('users').select('id').execute()).toStrictEqual([
        { id: 'via-url' },
      ]);

      await database.destroy();
      expect(await exists(database.name)).toBe(false);
    });

    it('creates many databases at once from one template', async () => {
      const databases = await Promise.all(
        Array.from({ length: 8 }, () => createTestDatabase('postgres')),
      );
      try {
        const counts = await Promise.all(
          databases.map((d) => d.db.selectFrom('users').select('id').execute()),
        );
        expect(counts).toStrictEqual(databases.map(() => []));
        expect(new Set(databases.map((d) => d.name)).size).toBe(8);
        // Cloned from one template, not migrated eight times: every database holds the very
        // migration records the template wrote, to the microsecond (a time limit here failed
        // on a loaded CI machine; speed is the bench's to measure).
        const records = await Promise.all(
          databases.map(async (d) =>
            JSON.stringify(
              (
                await sql<{ name: string; at: string }>`select name, timestamp::text as at
                  from kysely_migration order by name`.execute(d.db)
              ).rows,
            ),
          ),
        );
        expect(new Set(records).size).toBe(1);
      } finally {
        await Promise.all(databases.map((d) => d.destroy()));
      }
    });
  },
);
