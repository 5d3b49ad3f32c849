import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgScope, userScope } from '../test/factories.js';
import { createDb, type DbObserver, type PoolState, preparedStatement } from './create-db.js';
import { DbError, pgErrorOf } from './errors.js';
import { migrateToLatest } from './migrate.js';
import { createTestDatabase, databaseKindsUnderTest, type TestDatabase } from './testing.js';

// Opening a new PGlite compiles its WebAssembly and runs initdb: about a second on an idle
// machine, 20 to 45 s in CI, where every package's tests share two cores.
const PGLITE_OPEN_TIMEOUT_MS = 120_000;

describe('createDb picks the driver', { timeout: PGLITE_OPEN_TIMEOUT_MS }, () => {
  it.each([
    'postgres://app:secret@db.internal:5432/switchboard',
    'postgresql://app@db.internal/switchboard?sslmode=require',
  ])('uses pg for %s', async (url) => {
    // The pool connects lazily, so no server is needed to see which driver was chosen.
    const database = createDb({ url });

    expect(database.kind).toBe('postgres');
    await database.close();
  });

  it('uses PGlite in memory when there is no url', async () => {
    const database = createDb({ inMemory: true });

    expect(database.kind).toBe('pglite');
    const { rows } = await sql<{ answer: number }>`select 42 as answer`.execute(database.db);
    expect(rows).toStrictEqual([{ answer: 42 }]);
    await database.close();
  });

  it('keeps PGlite data in dataDir across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sb-db-'));
    try {
      const first = createDb({ dataDir: join(dataDir, 'nested', 'pglite') });
      await migrateToLatest(first.db);
      await first.db.insertInto('users').values({ id: 'alice' }).execute();
      await first.close();

      const second = createDb({ dataDir: join(dataDir, 'nested', 'pglite') });
      const users = await second.db.selectFrom('users').select('id').execute();
      await second.close();

      expect(second.kind).toBe('pglite');
      expect(users).toStrictEqual([{ id: 'alice' }]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps PGlite to 8 MB of shared buffers without rewriting the folder’s postgresql.conf', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sb-db-'));
    try {
      const database = createDb({ dataDir });
      const { rows } = await sql<{
        shared_buffers: string;
      }>`select current_setting('shared_buffers') as shared_buffers`.execute(database.db);
      await database.close();

      expect(rows).toStrictEqual([{ shared_buffers: '8MB' }]);
      const conf = await readFile(join(dataDir, 'postgresql.conf'), 'utf8');
      // As initdb wrote it: the 8 MB is a start parameter of this process, not the folder's.
      expect(conf).toMatch(/^shared_buffers = 128MB\b/m);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects a url of another scheme without echoing it', () => {
    const attempt = () => createDb({ url: 'mysql://root:hunter2@localhost/app' });

    expect(attempt).toThrow(DbError);
    expect(attempt).toThrow(/postgres:\/\/ or postgresql:\/\//);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it.each([
    { url: 'postgres://localhost/app', inMemory: true },
    { url: 'postgres://localhost/app', dataDir: '.data/x' },
    { dataDir: '.data/x', inMemory: true },
  ])('rejects contradictory options %o', (config) => {
    expect(() => createDb(config)).toThrow(
      expect.objectContaining({ name: 'DbError', reason: 'INVALID_CONFIG' }),
    );
  });

  it('closes more than once without failing', async () => {
    const database = createDb({ inMemory: true });
    await sql`select 1`.execute(database.db);

    await database.close();
    await expect(database.close()).resolves.toBeUndefined();
  });
});

describe('pgErrorOf', () => {
  it('ignores errors that do not come from PostgreSQL', () => {
    const systemError = Object.assign(new Error('connect EPIPE'), { code: 'EPIPE' });

    expect(pgErrorOf(systemError)).toBeUndefined();
    expect(pgErrorOf('23505')).toBeUndefined();
    expect(pgErrorOf(undefined)).toBeUndefined();
  });
});

describe.each(databaseKindsUnderTest())('values read back on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database?.destroy());

  it('maps timestamptz to Date, exactly', async () => {
    const connectedAt = new Date('2026-03-01T12:34:56.789Z');
    await database.db.insertInto('users').values({ id: 'dates' }).execute();
    await database.db
      .insertInto('connected_accounts')
      .values({
        id: 'ca_dates',
        ...userScope('dates'),
        toolkit: 'gmail',
        auth_config_id: 'ac_1',
        status: 'ACTIVE',
        connected_at: connectedAt,
      })
      .execute();

    const row = await database.db
      .selectFrom('connected_accounts')
      .select(['connected_at', 'created_at', 'updated_at'])
      .where('id', '=', 'ca_dates')
      .executeTakeFirstOrThrow();

    expect(row.connected_at).toStrictEqual(connectedAt);
    expect(row.created_at).toBeInstanceOf(Date);
    expect(row.updated_at).toBeInstanceOf(Date);
    expect(Math.abs(row.created_at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('accepts ISO strings for timestamps', async () => {
    const { rows } = await sql<{
      at: Date;
    }>`select ${'2026-03-01T12:00:00+02:00'}::timestamptz as at`.execute(database.db);

    expect(rows[0]?.at).toStrictEqual(new Date('2026-03-01T10:00:00.000Z'));
  });

  it('maps int8 to a decimal string, even past 2^53', async () => {
    const { rows } = await sql<{
      small: string;
      large: string;
      list: string[];
    }>`select 1::int8 as small, 9007199254740993::int8 as large, array[1, 2]::int8[] as list`.execute(
      database.db,
    );

    expect(rows).toStrictEqual([{ small: '1', large: '9007199254740993', list: ['1', '2'] }]);
  });

  it('returns counts and identity ids as strings', async () => {
    await database.db.insertInto('organizations').values({ id: 'ids', name: 'Ids' }).execute();
    const inserted = await database.db
      .insertInto('tool_executions')
      .values({
        ...orgScope('ids'),
        actor_user_id: 'someone',
        toolkit: 'slack',
        tool: 'SLACK_SEND_MESSAGE',
        decision: 'allowed',
        outcome: 'success',
        duration_ms: 3,
      })
      .returning(['id', 'execution_id'])
      .executeTakeFirstOrThrow();
    const { count } = await database.db
      .selectFrom('tool_executions')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();

    expect(inserted.id).toMatch(/^\d+$/);
    expect(inserted.execution_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(count).toBe('1');
  });

  it('round-trips text arrays and booleans', async () => {
    await database.db.insertInto('organizations').values({ id: 'arrays', name: 'A' }).execute();
    await database.db
      .insertInto('toolkit_policies')
      .values({
        org_id: 'arrays',
        toolkit: 'github',
        scope: 'org',
        connect_roles: ['owner'],
        execute_roles: ['owner', 'admin', 'member'],
        allow_tools: ['GITHUB_CREATE_ISSUE', 'with "quotes", commas and {braces}'],
        auth_config_id: null,
        updated_by: null,
      })
      .execute();

    const row = await database.db
      .selectFrom('toolkit_policies')
      .select([
        'connect_roles',
        'execute_roles',
        'allow_tools',
        'deny_tools',
        'require_explicit_selection',
      ])
      .executeTakeFirstOrThrow();

    expect(row).toStrictEqual({
      connect_roles: ['owner'],
      execute_roles: ['owner', 'admin', 'member'],
      allow_tools: ['GITHUB_CREATE_ISSUE', 'with "quotes", commas and {braces}'],
      deny_tools: [],
      require_explicit_selection: false,
    });
  });
});

describe.each(databaseKindsUnderTest())('prepared statements on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database?.destroy());

  const MARKED = preparedStatement('select $1::int + 1 as next /* prepared-statement test */');

  it('answers a marked statement like any other, with fresh values each time', async () => {
    for (const value of [1, 41]) {
      const { rows } = await database.db.executeQuery<{ next: number }>(
        CompiledQuery.raw(MARKED, [value]),
      );
      expect(rows).toStrictEqual([{ next: value + 1 }]);
    }
  });
});

describe.runIf(databaseKindsUnderTest().includes('postgres'))(
  'prepared statements on a PostgreSQL connection',
  () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('postgres');
    });
    afterAll(() => database?.destroy());

    it('keeps a marked statement prepared on the connection, and only marked ones', async () => {
      const marked = preparedStatement('select $1::int + 1 as next /* kept prepared */');
      const single = createDb({ url: database.url, poolMax: 1 });
      try {
        const unmarked = 'select $1::int * 2 as doubled';
        await single.db.executeQuery(CompiledQuery.raw(marked, [1]));
        await single.db.executeQuery(CompiledQuery.raw(marked, [2]));
        await single.db.executeQuery(CompiledQuery.raw(unmarked, [3]));
        const { rows } = await sql<{
          statement: string;
        }>`select statement from pg_prepared_statements`.execute(single.db);
        expect(rows.map((row) => row.statement)).toStrictEqual([marked]);
      } finally {
        await single.close();
      }
    });

    it('runs a text of several statements, as migrations send them', async () => {
      await sql
        .raw('create table several_statements (n int); insert into several_statements values (7)')
        .execute(database.db);
      const { rows } = await sql<{ n: number }>`select n from several_statements`.execute(
        database.db,
      );
      expect(rows).toStrictEqual([{ n: 7 }]);
    });
  },
);

describe.each(databaseKindsUnderTest())('the observer on %s', (kind) => {
  let server: TestDatabase | undefined;
  beforeAll(async () => {
    if (kind === 'postgres') server = await createTestDatabase('postgres');
  });
  afterAll(() => server?.destroy());

  it('sees every statement, raw ones too, and how busy the connections are', async () => {
    const statements: string[] = [];
    let read: (() => PoolState) | undefined;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const observer: DbObserver = {
      statement: async (text, run) => {
        statements.push(text);
        if (text.includes('/* held */')) await gate;
        return run();
      },
      pool: (reader) => {
        read = reader;
      },
    };
    // One connection on PostgreSQL too, so the second statement has to wait for it.
    const database =
      kind === 'pglite'
        ? createDb({ inMemory: true, observer })
        : createDb({ url: server?.url as string, poolMax: 1, observer });
    try {
      const held = () => database.db.executeQuery(CompiledQuery.raw('select 1 /* held */', []));
      const both = Promise.all([held(), held()]);
      const queued = () =>
        kind === 'pglite'
          ? statements.length === 1 && read?.().inUse === 1
          : read?.().waiting === 1;
      for (let i = 0; i < 200 && !queued(); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // PGlite's waiting callers queue in Kysely's private connection mutex: not countable.
      expect(read?.()).toStrictEqual({
        connections: 1,
        inUse: 1,
        waiting: kind === 'pglite' ? undefined : 1,
      });
      release();
      await both;
      await sql`select ${2} as two`.execute(database.db);
      expect(statements).toStrictEqual([
        'select 1 /* held */',
        'select 1 /* held */',
        'select $1 as two',
      ]);
      expect(read?.()).toStrictEqual({
        connections: 1,
        inUse: 0,
        waiting: kind === 'pglite' ? undefined : 0,
      });
    } finally {
      release();
      await database.close();
    }
  });
});
